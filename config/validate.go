package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// validator checks a decoded config (before defaults are filled in) and reports every
// problem through the decoder, which knows where each value was in the file.
type validator struct {
	*decoder
	c     *Config
	names map[string]Pos // source name → where it was first given
	dbs   []string       // database names, for references and suggestions
}

// validate checks the whole config.
func validate(c *Config, d *decoder) {
	v := &validator{decoder: d, c: c, names: map[string]Pos{}}
	for _, db := range c.Databases {
		if db.Name != "" {
			v.dbs = append(v.dbs, db.Name)
		}
	}
	def := c.Defaults
	v.positive("defaults.interval", int64(def.Interval), Pos{})
	v.positive("defaults.timeout", int64(def.Timeout), Pos{})
	v.positive("defaults.window", int64(def.Window), Pos{})
	v.datadog()
	v.metrics()
	v.databases()
	v.health()
	v.parity()
	v.ssh()
	v.runsheet()
	v.outbound()
}

// at is where the value at path was, or fallback when it was not in the file.
func (v *validator) at(path string, fallback Pos) Pos {
	if p, ok := v.vals[path]; ok {
		return p
	}
	return fallback
}

// set reports whether path was written in the file (and could be read: a value that
// failed to decode was reported already and is not checked again).
func (v *validator) set(path string) bool {
	_, ok := v.vals[path]
	return ok && !v.bad[path]
}

// shown is the value at path for a message, or where it came from when it holds a secret.
func (v *validator) shown(path, value string) string {
	if v.secret[path] {
		return "(from the environment)"
	}
	return quote(value)
}

// positive reports a duration or count that is written but is not more than zero.
func (v *validator) positive(path string, value int64, fallback Pos) {
	if v.set(path) && value <= 0 {
		v.errorf(v.at(path, fallback), "%s must be more than 0 (remove it for the default)", path)
	}
}

// required reports a missing or empty string.
func (v *validator) required(item, key, value string, pos Pos, hint string) {
	path := item + "." + key
	if strings.TrimSpace(value) != "" || v.bad[path] || v.suggested[path] {
		return
	}
	if v.set(path) {
		v.errorf(v.at(path, pos), "%s is empty%s", path, hint)
		return
	}
	v.errorf(pos, "%s: %s is required%s", item, key, hint)
}

// name records a source name, which must be unique across metrics, databases and health.
func (v *validator) name(item, name string, pos Pos) {
	if name == "" {
		return
	}
	p := v.at(item+".name", pos)
	if hasControl(name) {
		v.errorf(p, "%s.name contains control characters", item)
	}
	if first, dup := v.names[name]; dup {
		v.errorf(p, "duplicate name %s (first at %s)", quote(name), first)
		return
	}
	v.names[name] = p
}

// httpURL reports a URL that is not http(s) with a host. The URL itself is not shown: it
// may carry a token.
func (v *validator) httpURL(path, raw string, fallback Pos) {
	if v.bad[path] {
		return
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.errorf(v.at(path, fallback), "%s must be an http:// or https:// URL with a host, like https://example.com/healthz", path)
	} else if p := urlPortProblem(u); p != "" {
		v.errorf(v.at(path, fallback), "%s: %s", path, p)
	}
}

// hostPort reports an address that is not host:port with a port from 1 to 65535.
func (v *validator) hostPort(path, addr string, fallback Pos, example string) {
	if v.bad[path] {
		return
	}
	host, port, err := net.SplitHostPort(strings.TrimSpace(addr))
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n > 65535 || (host == "" && !strings.HasPrefix(path, "ssh.")) {
		v.errorf(v.at(path, fallback), "%s must be host:port, like %s", path, example)
	}
}

// oneOf reports a value that is not one of the allowed words.
func (v *validator) oneOf(path, value string, fallback Pos, allowed ...string) {
	if v.bad[path] {
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.errorf(v.at(path, fallback), "%s must be %s, not %s", path, strings.Join(allowed, " or "), v.shown(path, value))
}

// reference reports a name that is not one of known.
func (v *validator) reference(pos Pos, what, name string, known []string) {
	for _, k := range known {
		if k == name {
			return
		}
	}
	msg := fmt.Sprintf("%s %s is not defined", what, quote(name))
	switch s := suggest(name, known); {
	case s != "":
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	case len(known) == 0:
		msg += " (there are none)"
	case len(known) <= 8:
		msg += " (defined: " + strings.Join(known, ", ") + ")"
	}
	v.errorf(pos, "%s", msg)
}

// hasControl reports whether s holds control characters (a name is drawn on terminals).
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// runsheet checks the checkpoints: ids, references, dependencies and expectations.
func (v *validator) runsheet() {
	rs := &v.c.Runsheet
	ids := make([]string, 0, len(rs.Checkpoints))
	first := map[string]Pos{}
	var cutover string
	for i, cp := range rs.Checkpoints {
		if cp.Pos.IsZero() {
			continue // an empty item, reported already
		}
		item := fmt.Sprintf("runsheet.checkpoints[%d]", i)
		v.required(item, "id", cp.ID, cp.Pos, "")
		v.required(item, "title", cp.Title, cp.Pos, "")
		if cp.ID != "" {
			p := v.at(item+".id", cp.Pos)
			if !validID(cp.ID) {
				v.errorf(p, "checkpoint id %s: use letters, digits, - _ and . (it is typed in commands)", quote(cp.ID))
			}
			if f, dup := first[cp.ID]; dup {
				v.errorf(p, "duplicate checkpoint id %s (first at %s)", quote(cp.ID), f)
			} else {
				first[cp.ID] = p
				ids = append(ids, cp.ID)
			}
		}
		if cp.Cutover {
			if cutover != "" {
				v.errorf(v.at(item+".cutover", cp.Pos), "only one checkpoint can be the cutover (already %s)", cutover)
			} else {
				cutover = item
			}
		}
		if v.set(item+".gate") && strings.TrimSpace(cp.Gate) == "" {
			v.errorf(v.at(item+".gate", cp.Pos), "%s.gate is empty: write an expression or remove it", item)
		}
		if cp.Hold > 0 && strings.TrimSpace(cp.Gate) == "" {
			v.errorf(v.at(item+".hold", cp.Pos), "%s.hold needs a gate: it is how long the gate must hold", item)
		}
		v.checkpointExpect(item, cp)
	}
	for i, cp := range rs.Checkpoints {
		for j, dep := range cp.After {
			p := v.at(fmt.Sprintf("runsheet.checkpoints[%d].after[%d]", i, j), cp.Pos)
			if dep == cp.ID && dep != "" {
				v.errorf(p, "checkpoint %s cannot come after itself", quote(dep))
				continue
			}
			v.reference(p, "checkpoint", dep, ids)
		}
	}
	v.cycles()
}

// validID reports whether a checkpoint id is easy to type: letters, digits, - _ and .
func validID(id string) bool {
	for _, r := range id {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// cycles reports checkpoints whose dependencies (after:, or the previous one) loop.
func (v *validator) cycles() {
	rs := &v.c.Runsheet
	const (
		unseen = iota
		active
		finished
	)
	state := make([]int, len(rs.Checkpoints))
	var stack []int
	var visit func(i int) bool
	visit = func(i int) bool {
		state[i] = active
		stack = append(stack, i)
		for _, j := range rs.depIndexes(i) {
			if state[j] == active {
				v.reportCycle(stack, j)
				return true
			}
			if state[j] == unseen && visit(j) {
				return true
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = finished
		return false
	}
	for i := range rs.Checkpoints {
		if state[i] == unseen && visit(i) {
			return // one cycle is enough to fix; the rest may be the same one
		}
	}
}

// reportCycle names the loop that ends back at checkpoint j.
func (v *validator) reportCycle(stack []int, j int) {
	rs := &v.c.Runsheet
	var loop []string
	start := 0
	for k, i := range stack {
		if i == j {
			start = k
		}
	}
	for _, i := range stack[start:] {
		loop = append(loop, rs.Checkpoints[i].ID)
	}
	loop = append(loop, rs.Checkpoints[j].ID)
	// Point at the first after: list in the loop: that is what the user wrote and can fix.
	last := stack[len(stack)-1]
	pos := rs.Checkpoints[last].Pos
	for _, i := range stack[start:] {
		if rs.Checkpoints[i].After != nil {
			pos = v.at(fmt.Sprintf("runsheet.checkpoints[%d].after", i), pos)
			break
		}
	}
	v.errorf(pos, "checkpoints wait for each other in a loop: %s (each waits for the next; "+
		"a checkpoint without after: waits for the one before it) — fix their after: lists",
		strings.Join(loop, " → "))
}
