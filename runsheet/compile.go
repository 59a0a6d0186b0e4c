package runsheet

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/config"
)

// CompileGates compiles and checks every checkpoint's gate against the sources in names:
// syntax, unknown names and fields, a result that is not true/false. Each problem is a
// config.Error at its position in the file (the gate's start plus the column in the
// expression); File is left empty for the caller to fill.
func CompileGates(rs config.Runsheet, names Names) config.Errors {
	p, _ := newPlan(rs)
	_, probs := compileAll(rs, p, &names)
	var errs config.Errors
	for _, pr := range probs {
		errs = append(errs, config.Error{Pos: pr.pos, Msg: pr.msg})
	}
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Pos, errs[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return errs
}

// ValidateConfig is CompileGates for a loaded config whose databases, health probes and
// metrics are names (the app lists them with their kinds); File is the config's path.
func ValidateConfig(cfg *config.Config, names Names) config.Errors {
	errs := CompileGates(cfg.Runsheet, names)
	for i := range errs {
		errs[i].File = cfg.File
		if f := errs[i].Pos.File; f != "" {
			errs[i].File = f
		}
	}
	return errs
}

// compileAll compiles every gate; problems carry their position in the config file.
func compileAll(rs config.Runsheet, p *plan, names *Names) ([]*gate, []planProblem) {
	gates := make([]*gate, len(rs.Checkpoints))
	var probs []planProblem
	for i, cp := range rs.Checkpoints {
		if strings.TrimSpace(cp.Gate) == "" {
			continue
		}
		g, gps := compileGate(cp.Gate, names, p.idx)
		for _, gp := range gps {
			probs = append(probs, planProblem{gatePos(cp, gp.at), fmt.Sprintf("checkpoint %q: gate: %s", cp.ID, gp.msg)})
		}
		if g != nil {
			g.hold = cp.Hold.D()
		}
		gates[i] = g
	}
	return gates, probs
}

// gatePos maps a rune offset in a gate to its position in the file. The gate's text starts
// at GatePos (after an opening quote; on the first content line of a block scalar, whose
// lines share its indentation).
func gatePos(cp config.Checkpoint, at int) config.Pos {
	base := cp.GatePos
	if base.IsZero() {
		return cp.Pos
	}
	if base.File != "" {
		return base // a spreadsheet cell: its column is the cell's, whatever the offset
	}
	line, col := 0, 0
	for i, r := range []rune(cp.Gate) {
		if i == at {
			break
		}
		if r == '\n' {
			line, col = line+1, 0
			continue
		}
		col++
	}
	return config.Pos{Line: base.Line + line, Col: base.Col + col}
}

// gateView is checkpoint i's gate as of now. The caller holds s.mu.
func (s *Sheet) gateView(i int, now time.Time) Gate {
	g := s.gates[i]
	if g == nil {
		return Gate{}
	}
	e := s.evals[i]
	v := Gate{Expr: g.src, Hold: g.hold, Sources: g.sources, Evaluated: e.at, Light: e.light, Failing: e.failing}
	switch {
	case e.at.IsZero():
		v.Light, v.Failing = Grey, "not evaluated yet"
	case e.pass:
		v.Held = now.Sub(e.trueSince)
		if v.Held < 0 {
			v.Held = 0
		}
		v.Light = Green
		if v.Held < g.hold {
			v.Light = Amber
		}
	}
	return v
}

// GateSources returns the names of the sources checkpoint id's gate reads (sorted), so a
// one-shot caller can poll only those; nil when it has no gate or no such checkpoint.
func (s *Sheet) GateSources(id string) []string {
	i, ok := s.plan.idx[id]
	if !ok || s.gates[i] == nil {
		return nil
	}
	return append([]string(nil), s.gates[i].sources...)
}

// GateHold returns how long checkpoint id's gate must hold before done is allowed.
func (s *Sheet) GateHold(id string) time.Duration {
	i, ok := s.plan.idx[id]
	if !ok || s.gates[i] == nil {
		return 0
	}
	return s.gates[i].hold
}
