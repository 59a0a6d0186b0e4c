package runsheet

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// gateEval is one gate's last evaluation.
type gateEval struct {
	at        time.Time // zero: never evaluated
	pass      bool
	light     Light // Red or Grey when !pass
	failing   string
	trueSince time.Time // start of the current unbroken run of passes
}

// Evaluate evaluates every gate against snap (called on each new board snapshot). A gate's
// hold counts from the first evaluation at which it passed, without a break since.
func (s *Sheet) Evaluate(snap *board.Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap = snap
	s.reevaluate()
}

// reevaluate evaluates every gate on the last snapshot and the current checkpoint states.
// The caller holds s.mu.
func (s *Sheet) reevaluate() {
	var env *gateEnv
	now := s.opt.Now()
	for i, g := range s.gates {
		if g == nil {
			continue
		}
		if env == nil {
			env = s.buildEnv()
		}
		s.evals[i] = evalGate(g, env, s.evals[i], now)
	}
}

// gateEnv is what gates run against: the variables, and the sources they came from.
type gateEnv struct {
	vars    map[string]any
	sources map[fieldRef]*board.SourceState // by group and name (field empty)
}

// evalGate evaluates g; prev carries the hold's start forward.
func evalGate(g *gate, genv *gateEnv, prev gateEval, now time.Time) gateEval {
	e := gateEval{at: now, light: Grey}
	if why := unknownSource(g, genv); why != "" {
		e.failing = why
		return e
	}
	env := genv.vars
	out, err := vm.Run(g.prog, env)
	switch {
	case err != nil:
		e.failing = runError(g.refs, env, err)
	case out == true:
		e.pass, e.light, e.trueSince = true, "", prev.trueSince
		if !prev.pass || prev.trueSince.IsZero() {
			e.trueSince = now
		}
	default:
		e.light, e.failing = Red, failingPart(g, env)
	}
	return e
}

// unknownSource says which source the gate reads is missing, unknown or stale; "" if none.
func unknownSource(g *gate, env *gateEnv) string {
	seen := map[fieldRef]bool{}
	for _, r := range g.refs {
		key := fieldRef{group: r.group, name: r.name}
		if r.group == "checkpoint" || seen[key] {
			continue
		}
		seen[key] = true
		st, ok := env.sources[key]
		switch {
		case !ok:
			return fmt.Sprintf("%s[%q] has no data yet", r.group, r.name)
		case st.Stale && st.LastSuccess.IsZero():
			return fmt.Sprintf("%s[%q] is stale (no successful poll yet)", r.group, r.name)
		case st.Stale:
			return fmt.Sprintf("%s[%q] is stale (no answer since %s)", r.group, r.name, clock(st.LastSuccess))
		case st.Polls == 0:
			return fmt.Sprintf("%s[%q] has no data yet", r.group, r.name)
		case st.Effective() == sources.Unknown:
			why := "unknown"
			if st.Error != "" {
				why += ": " + clip(st.Error, 120)
			}
			return fmt.Sprintf("%s[%q] is %s", r.group, r.name, why)
		}
	}
	return ""
}

// buildEnv makes the gates' environment: the sources the gates read and every checkpoint's
// state. The caller holds s.mu.
func (s *Sheet) buildEnv() *gateEnv {
	env := &gateEnv{sources: map[fieldRef]*board.SourceState{}}
	groups := map[string]map[string]map[string]any{sources.GroupDB: {}, sources.GroupHealth: {}, sources.GroupMetric: {}, sources.GroupParity: {}}
	if s.snap != nil {
		for i := range s.snap.Sources {
			src := &s.snap.Sources[i]
			key := fieldRef{group: src.Group, name: src.Name}
			if g := groups[src.Group]; g != nil && s.needed[key] {
				g[src.Name] = sourceFields(src)
				env.sources[key] = src
			}
		}
	}
	cps := make(map[string]map[string]any, len(s.plan.cps))
	for i, cp := range s.plan.cps {
		cps[cp.ID] = map[string]any{"state": string(s.st.cps[i].state)}
	}
	env.vars = map[string]any{"checkpoint": cps}
	for g, m := range groups {
		env.vars[g] = m
	}
	return env
}

// sourceFields are the fields a gate reads on one source: its facts, then the common ones.
func sourceFields(src *board.SourceState) map[string]any {
	m := make(map[string]any, len(src.Facts)+4)
	for k, v := range src.Facts {
		m[k] = plain(v)
	}
	m["status"] = src.Effective().String()
	m["value"] = nil
	if src.Value != nil {
		m["value"] = *src.Value
	}
	m["error"] = src.Error
	m["stale"] = src.Stale
	return m
}

// plain turns a nil pointer into nil and a pointer into its value, so that a fact reported
// as *int or *float64 compares like a number.
func plain(v any) any {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	return rv.Interface()
}

// lookup returns the value a gate sees for r.
func lookup(env map[string]any, r fieldRef) any {
	g, _ := env[r.group].(map[string]map[string]any)
	return g[r.name][r.field]
}

// runError explains a gate that could not be evaluated: usually a null fact compared with
// a number ("db[\"cloud-writer\"].lag_s is null").
func runError(refs []fieldRef, env map[string]any, err error) string {
	var nulls []string
	for _, r := range refs {
		if lookup(env, r) == nil {
			nulls = append(nulls, r.String())
		}
	}
	if len(nulls) > 0 {
		return strings.Join(nulls, ", ") + " is null"
	}
	msg := err.Error()
	var fe *file.Error
	if errors.As(err, &fe) {
		msg = fe.Message
	}
	return clip(msg, 200)
}

// failingPart names the first conjunct that is false, with the values it read:
// `db["cloud-writer"].lag_s < 1 (lag_s = 4.2)`.
func failingPart(g *gate, env map[string]any) string {
	for _, p := range g.parts {
		if out, err := vm.Run(p.prog, env); err == nil && out == true {
			continue
		}
		return p.src + values(p.fields, env)
	}
	return g.src + values(g.refs, env)
}

// values formats the values a part read: " (lag_s = 4.2, read_only = false)".
func values(fields []fieldRef, env map[string]any) string {
	if len(fields) == 0 {
		return ""
	}
	count := map[string]int{}
	for _, f := range fields {
		count[f.field]++
	}
	vs := make([]string, len(fields))
	for i, f := range fields {
		name := f.field
		if count[f.field] > 1 || f.group == "checkpoint" {
			name = f.String()
		}
		vs[i] = name + " = " + formatValue(lookup(env, f))
	}
	return " (" + strings.Join(vs, ", ") + ")"
}

// formatValue shows a value as a gate author would write it.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(clip(x, 80))
	case float64:
		return strconv.FormatFloat(x, 'g', 6, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', 6, 32)
	}
	return clip(fmt.Sprint(v), 80)
}

// clip bounds s to n bytes (on a rune boundary), marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
