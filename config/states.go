package config

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// HealthState is one named state a health probe may be in on purpose (a maintenance page, a
// site taken down) that a checkpoint's expect: can make the planned one. An empty state
// (`down: {}`) matches any answer or failure; status and body_contains are for HTTP probes.
type HealthState struct {
	Status       []int  `yaml:"status"`        // any of these codes; empty: any code
	BodyContains string `yaml:"body_contains"` // "" : not checked
	Pos          Pos    `yaml:"-"`
}

// ExpectQuiet is the expectation a checkpoint may set on a metric: its thresholds and "no
// data" are not alarms while it holds.
const ExpectQuiet = "quiet"

// ExpectNormal ends a planned state or quiet (a later checkpoint's expect: puts the probe
// or metric back to being judged as configured). No state may be called that.
const ExpectNormal = "normal"

// StateNames returns the names of h's states, sorted.
func (h Health) StateNames() []string {
	names := make([]string, 0, len(h.States))
	for n := range h.States {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// healthStates checks a probe's states: names as ids, codes as HTTP codes, and no HTTP
// matching on a TCP or DNS probe.
func (v *validator) healthStates(item string, h Health, kind string) {
	for _, name := range h.StateNames() {
		st := h.States[name]
		path := item + ".states." + name
		if !validID(name) {
			v.errorf(v.keys[path], "state %s: use letters, digits, - _ and . (checkpoints name it in expect:)", quote(name))
		}
		if name == ExpectNormal {
			v.errorf(v.keys[path], "state %s: the name is reserved (expect: %s ends a planned state); call it something else", quote(name), ExpectNormal)
		}
		if kind != "" && kind != "url" && (len(st.Status) > 0 || st.BodyContains != "") {
			v.errorf(v.at(path, h.Pos), "%s: status and body_contains are for HTTP probes; a %s probe's state can only be empty ({}), matching any answer or failure", path, kind)
		}
		for j, code := range st.Status {
			if code < 100 || code > 599 {
				v.errorf(v.at(fmt.Sprintf("%s.status[%d]", path, j), h.Pos), "status %d is not an HTTP status: use 100 to 599", code)
			}
		}
	}
}

// checkpointExpect checks a checkpoint's expect: every key a database (writable or
// read_only), a health probe (one of its states, or normal) or a metric (quiet or normal).
func (v *validator) checkpointExpect(item string, cp Checkpoint) {
	probes := map[string]Health{}
	var all []string
	all = append(all, v.dbs...)
	for _, h := range v.c.Health {
		probes[h.Name] = h
		all = append(all, h.Name)
	}
	metrics := map[string]bool{}
	for _, m := range v.c.Metrics {
		metrics[m.Name] = true
		all = append(all, m.Name)
	}
	for _, name := range sortedNames(cp.Expect) {
		want, path := cp.Expect[name], item+".expect."+name
		h, isProbe := probes[name]
		switch {
		case slices.Contains(v.dbs, name):
			v.oneOf(path, want, cp.Pos, "writable", "read_only")
		case isProbe:
			if _, ok := h.States[want]; !ok && want != ExpectNormal && !v.bad[path] {
				states := "it declares none: add states: to the probe"
				if len(h.States) > 0 {
					states = "its states: " + strings.Join(h.StateNames(), ", ")
				}
				v.errorf(v.at(path, cp.Pos), "%s: health probe %s has no state %s (%s; %s ends a planned state)", path, quote(name), v.shown(path, want), states, ExpectNormal)
			}
		case metrics[name]:
			v.oneOf(path, want, cp.Pos, ExpectQuiet, ExpectNormal)
		default:
			v.reference(v.keys[path], "source", name, all)
		}
	}
}

func sortedNames(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
