package runsheet

import (
	"fmt"
	"sort"
	"strings"

	"github.com/warroom-dev/warroom/config"
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

// checkExpect reports `expect:` entries that name an unknown database or value.
func checkExpect(rs config.Runsheet, names *Names) []planProblem {
	var probs []planProblem
	for _, cp := range rs.Checkpoints {
		for _, db := range sortedKeys(cp.Expect) {
			v := cp.Expect[db]
			if v != "writable" && v != "read_only" {
				probs = append(probs, planProblem{cp.Pos, fmt.Sprintf("checkpoint %q: expect: %s: %q is neither writable nor read_only", cp.ID, db, v)})
			}
			if names != nil {
				if _, ok := names.DB[db]; !ok {
					probs = append(probs, planProblem{cp.Pos, fmt.Sprintf("checkpoint %q: expect: no database %q", cp.ID, db)})
				}
			}
		}
	}
	return probs
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
