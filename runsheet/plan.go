package runsheet

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// plan is the checkpoints as configured, with their dependencies resolved.
type plan struct {
	cps   []config.Checkpoint
	idx   map[string]int
	deps  [][]int // indexes of each checkpoint's `after`
	order []int   // a topological order of the dependencies
}

// planProblem is one thing wrong with the plan, at a position in the config.
type planProblem struct {
	pos config.Pos
	msg string
}

// newPlan resolves the checkpoints' dependencies. It returns every problem it finds: a
// missing or duplicate id, an unknown or self dependency, a dependency cycle.
func newPlan(rs config.Runsheet) (*plan, []planProblem) {
	p := &plan{cps: rs.Checkpoints, idx: make(map[string]int, len(rs.Checkpoints))}
	var probs []planProblem
	for i, cp := range rs.Checkpoints {
		switch {
		case cp.ID == "":
			probs = append(probs, planProblem{cp.Pos, fmt.Sprintf("checkpoint %d has no id", i+1)})
		case strings.ContainsAny(cp.ID, " \t\r\n\""):
			probs = append(probs, planProblem{cp.Pos, fmt.Sprintf("checkpoint id %q: use letters, digits, '-', '_' or '.' only", cp.ID)})
		}
		if _, dup := p.idx[cp.ID]; dup && cp.ID != "" {
			probs = append(probs, planProblem{cp.Pos, fmt.Sprintf("checkpoint id %q is used twice", cp.ID)})
			continue
		}
		p.idx[cp.ID] = i
	}
	p.deps = make([][]int, len(rs.Checkpoints))
	for i, cp := range rs.Checkpoints {
		if cp.After == nil {
			if i > 0 {
				p.deps[i] = []int{i - 1}
			}
			continue
		}
		for _, a := range cp.After {
			j, ok := p.idx[a]
			switch {
			case !ok:
				probs = append(probs, planProblem{cp.Pos, fmt.Sprintf("checkpoint %q: after: no checkpoint %q", cp.ID, a)})
			case j == i:
				probs = append(probs, planProblem{cp.Pos, fmt.Sprintf("checkpoint %q: after: names itself", cp.ID)})
			default:
				p.deps[i] = append(p.deps[i], j)
			}
		}
	}
	if cyc := p.sort(); cyc != nil {
		names := make([]string, len(cyc))
		for k, i := range cyc {
			names[k] = rs.Checkpoints[i].ID
		}
		probs = append(probs, planProblem{rs.Checkpoints[cyc[0]].Pos,
			"checkpoints depend on each other in a cycle: " + strings.Join(names, " → ")})
	}
	return p, probs
}

// sort fills p.order (Kahn's algorithm, stable in plan order). It returns the checkpoints
// left in a cycle, nil when there is none.
func (p *plan) sort() []int {
	n := len(p.cps)
	indeg := make([]int, n)
	users := make([][]int, n)
	for i, ds := range p.deps {
		indeg[i] = len(ds)
		for _, d := range ds {
			users[d] = append(users[d], i)
		}
	}
	p.order = p.order[:0]
	done := make([]bool, n)
	for progress := true; progress; {
		progress = false
		for i := 0; i < n; i++ {
			if done[i] || indeg[i] > 0 {
				continue
			}
			done[i], progress = true, true
			p.order = append(p.order, i)
			for _, u := range users[i] {
				indeg[u]--
			}
		}
	}
	if len(p.order) == n {
		return nil
	}
	var left []int
	for i := 0; i < n; i++ {
		if !done[i] {
			left = append(left, i)
		}
	}
	return left
}

// afterIDs returns the ids a checkpoint depends on.
func (p *plan) afterIDs(i int) []string {
	ids := make([]string, len(p.deps[i]))
	for k, d := range p.deps[i] {
		ids[k] = p.cps[d].ID
	}
	return ids
}

// checkExpect reports `expect:` entries that name an unknown source or a value it does not
// allow: a database writable or read_only, a health probe one of its states, a metric quiet.
// Without names only database values are known.
func checkExpect(rs config.Runsheet, names *Names) []planProblem {
	var probs []planProblem
	for _, cp := range rs.Checkpoints {
		for _, src := range sortedKeys(cp.Expect) {
			if why := expectProblem(src, cp.Expect[src], names); why != "" {
				probs = append(probs, planProblem{cp.Pos, fmt.Sprintf("checkpoint %q: expect: %s", cp.ID, why)})
			}
		}
	}
	return probs
}

// expectProblem says what is wrong with expecting v of src; "" when nothing is.
func expectProblem(src, v string, names *Names) string {
	switch {
	case names == nil:
		return ""
	case hasKey(names.DB, src):
		if v != "writable" && v != "read_only" {
			return fmt.Sprintf("%s: %q is neither writable nor read_only", src, v)
		}
	case hasKey(names.Health, src):
		if v != sources.Normal && !slices.Contains(names.States[src], v) {
			return fmt.Sprintf("%s: no state %q (states: %s)", src, v, strings.Join(names.States[src], ", "))
		}
	case hasKey(names.Metric, src):
		if v != sources.Quiet && v != sources.Normal {
			return fmt.Sprintf("%s: a metric can only be expected %s or %s, not %q", src, sources.Quiet, sources.Normal, v)
		}
	default:
		return fmt.Sprintf("no database, health probe or metric %q", src)
	}
	return ""
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// sortedKeys returns m's keys in order, for stable output.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
