package health

import (
	"bytes"
	"slices"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// stateSpec is one declared state: what an answer in it looks like. An empty spec matches
// any answer or failure.
type stateSpec struct {
	name     string
	status   []int
	contains []byte
}

func (s stateSpec) empty() bool { return len(s.status) == 0 && len(s.contains) == 0 }

// matches reports whether an answer with this code (0: no HTTP answer) and body is in s.
func (s stateSpec) matches(code int, body []byte) bool {
	switch {
	case s.empty():
		return true
	case code == 0:
		return false
	case len(s.status) > 0 && !slices.Contains(s.status, code):
		return false
	}
	return len(s.contains) == 0 || bytes.Contains(body, s.contains)
}

// plannedStates are a probe's declared states and where to read which one is planned now
// (a done checkpoint's expect:). The zero value (no states) changes nothing but the state
// fact, which is then always "".
type plannedStates struct {
	probe string
	specs []stateSpec // sorted by name
	exp   *sources.Expectations
}

func newPlannedStates(h config.Health, exp *sources.Expectations) *plannedStates {
	ps := &plannedStates{probe: h.Name, exp: exp}
	for _, name := range h.StateNames() {
		st := h.States[name]
		ps.specs = append(ps.specs, stateSpec{name: name, status: st.Status, contains: []byte(st.BodyContains)})
	}
	return ps
}

// needsBody reports whether a state looks into the body.
func (ps *plannedStates) needsBody() bool {
	for _, s := range ps.specs {
		if len(s.contains) > 0 {
			return true
		}
	}
	return false
}

// expected is the declared state planned right now, "" when none is.
func (ps *plannedStates) expected() (stateSpec, bool) {
	want := ps.exp.Get(ps.probe) // nil-safe
	for _, s := range ps.specs {
		if s.name == want {
			return s, true
		}
	}
	return stateSpec{}, false
}

// match names the state an answer is in: the planned one when it matches, else the first
// (by name) state with a spec that matches; "" when none does.
func (ps *plannedStates) match(code int, body []byte) string {
	if s, ok := ps.expected(); ok && s.matches(code, body) {
		return s.name
	}
	for _, s := range ps.specs {
		if !s.empty() && s.matches(code, body) {
			return s.name
		}
	}
	return ""
}

// apply records the state fact and, when the answer is in the planned state, makes the
// result ok and planned: "planned: maintenance ✓ · 503 maintenance". Anything else (a 500
// where a 503 was planned) is judged as always.
func (ps *plannedStates) apply(r sources.Result, state string) sources.Result {
	if r.Facts == nil {
		r.Facts = map[string]any{}
	}
	r.Facts["state"] = state
	if s, ok := ps.expected(); ok && s.name == state {
		r.Status, r.Error, r.Failed, r.Planned = sources.OK, "", false, state
		r.Detail = sources.PlannedDetail(state, r.Detail)
		r.Facts["error"] = ""
	}
	return r
}
