package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sanitize"
	"github.com/warroom-dev/warroom/sources"
)

// CheckReport is the `check --json` document, version 1. Its shape is a public interface.
type CheckReport struct {
	Version     int               `json:"version"`
	Title       string            `json:"title"`
	CheckedAt   string            `json:"checked_at"`
	Status      string            `json:"status"`
	Sources     []CheckSource     `json:"sources"`
	Checkpoints []CheckCheckpoint `json:"checkpoints"`
	// Warnings are what the runsheet found wrong with its journal (replaced, a torn or
	// corrupt line, a seq gap, an unknown checkpoint, a baseline not journaled); they do not
	// change Status.
	Warnings []string `json:"warnings"`
}

// CheckSource is one source in a check report.
type CheckSource struct {
	Name   string         `json:"name"`
	Kind   string         `json:"kind"`
	Status string         `json:"status"`
	Value  *float64       `json:"value"`
	Unit   string         `json:"unit"`
	Error  string         `json:"error"`
	Series []CheckSeries  `json:"series"`
	Facts  map[string]any `json:"facts"`
	why    string         // for the table: what is wrong, in words (see why)
}

// CheckSeries is one series of a source in a check report.
type CheckSeries struct {
	Name   string   `json:"name"`
	Value  *float64 `json:"value"`
	Unit   string   `json:"unit"`
	Status string   `json:"status"`
}

// CheckCheckpoint is one checkpoint in a check report (and in `checkpoint list --json`).
type CheckCheckpoint struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	State     string   `json:"state"`
	Owner     string   `json:"owner,omitempty"`
	Gate      string   `json:"gate"`
	GateOK    *bool    `json:"gate_ok"`
	GateLight string   `json:"gate_light,omitempty"` // green, amber (holding), red, grey; "" without a gate
	GateHold  string   `json:"gate_hold,omitempty"`  // while amber: "29s of 30s"
	StartedAt *string  `json:"started_at"`
	EndedAt   *string  `json:"ended_at"`
	PlannedS  *float64 `json:"planned_s"`
	ActualS   *float64 `json:"actual_s"`
	By        string   `json:"by"`
	Override  bool     `json:"override"`
	Note      string   `json:"note,omitempty"`
}

// Check polls every source once, in parallel, each under its own timeout, and reports.
func (a *App) Check(ctx context.Context) CheckReport {
	first, late := a.splitLate(a.Jobs)
	for _, jobs := range [][]sources.Job{first, late} {
		for _, r := range sources.PollOnce(ctx, jobs) {
			a.Board.Ingest(r.Source, r.Result, a.now())
		}
	}
	snap := a.Board.Snapshot()
	a.Sheet.Evaluate(snap)
	return Report(a.Config.Title, snap, a.Sheet.View(), a.now())
}

// Report builds a check report from a snapshot and a runsheet view.
func Report(title string, snap *board.Snapshot, view runsheet.View, at time.Time) CheckReport {
	rep := CheckReport{Version: 1, Title: sanitize.Line(title), CheckedAt: at.UTC().Format(time.RFC3339),
		Status: sources.OK.String(), Sources: []CheckSource{}, Checkpoints: Checkpoints(view), Warnings: []string{}}
	for _, w := range view.Warnings {
		rep.Warnings = append(rep.Warnings, sanitize.Line(w))
	}
	worst := sources.OK
	for _, s := range snap.Sources {
		st := s.Effective()
		worst = sources.Worst(worst, st)
		cs := CheckSource{Name: sanitize.Line(s.Name), Kind: s.Kind, Status: st.String(), Value: s.Value,
			Unit: sanitize.Line(s.Unit), Error: sanitize.Line(s.Error), Series: []CheckSeries{}, Facts: cleanFacts(s.Facts)}
		cs.why = why(s, st)
		for _, se := range s.Series {
			name := se.Name
			if name == "" {
				if placeholder(snap, s, se) {
					continue
				}
				name = s.Name
			}
			cs.Series = append(cs.Series, CheckSeries{Name: sanitize.Line(name), Value: se.Value,
				Unit: sanitize.Line(se.Unit), Status: se.Status.String()})
		}
		rep.Sources = append(rep.Sources, cs)
	}
	rep.Status = worst.String()
	return rep
}

// Checkpoints converts a runsheet view into check report checkpoints.
func Checkpoints(view runsheet.View) []CheckCheckpoint {
	out := []CheckCheckpoint{}
	for _, c := range view.Checkpoints {
		cc := CheckCheckpoint{ID: sanitize.Line(c.ID), Title: sanitize.Line(c.Title), State: string(c.State),
			Owner: sanitize.Line(c.Owner), Gate: sanitize.Text(c.Gate.Expr), By: sanitize.Line(c.By),
			Override: c.Override, Note: sanitize.Text(c.Note)}
		if c.Gate.Expr != "" && c.Gate.Light != runsheet.Grey && c.Gate.Light != runsheet.NoGate {
			ok := c.Gate.Light == runsheet.Green || c.Gate.Light == runsheet.Amber
			cc.GateOK = &ok
		}
		if c.Gate.Expr != "" && c.Gate.Light != runsheet.NoGate {
			cc.GateLight = string(c.Gate.Light)
			if c.Gate.Light == runsheet.Amber {
				cc.GateHold = c.Gate.Progress().String()
			}
		}
		cc.StartedAt, cc.EndedAt = timeOrNil(c.StartedAt), timeOrNil(c.EndedAt)
		if c.Planned > 0 {
			p := c.Planned.Seconds()
			cc.PlannedS = &p
		}
		if !c.StartedAt.IsZero() {
			v := c.Actual.Seconds()
			cc.ActualS = &v
		}
		out = append(out, cc)
	}
	return out
}

// cleanFacts copies a source's facts with every string in them (keys too, at any depth)
// passed through sanitize.Line: facts hold text from outside (a served-by header, a DNS
// answer), and a check --json someone prints must not drive their terminal.
func cleanFacts(facts map[string]any) map[string]any {
	out := make(map[string]any, len(facts))
	for k, v := range facts {
		out[sanitize.Line(k)] = cleanFact(v, 0)
	}
	return out
}

func cleanFact(v any, depth int) any {
	if depth > 16 {
		return nil
	}
	switch t := v.(type) {
	case string:
		return sanitize.Line(t)
	case []string:
		out := make([]string, len(t))
		for i, s := range t {
			out[i] = sanitize.Line(s)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cleanFact(e, depth+1)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[sanitize.Line(k)] = cleanFact(e, depth+1)
		}
		return out
	case map[string]float64:
		out := make(map[string]float64, len(t))
		for k, e := range t {
			out[sanitize.Line(k)] = e
		}
		return out
	}
	return v
}

func timeOrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// ExitCode maps a status to the monitoring-plugin convention: 0 ok, 1 warn, 2 crit, 3 unknown.
func ExitCode(status string) int {
	switch status {
	case "ok":
		return 0
	case "warn":
		return 1
	case "crit":
		return 2
	}
	return 3
}

// WriteJSON writes the report as indented JSON.
func (r CheckReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report as a table for people.
func (r CheckReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\n", sanitize.Line(r.Title), strings.ToUpper(r.Status))
	fmt.Fprintln(tw, "SOURCE\tKIND\tSTATUS\tVALUE\tWHY")
	for _, s := range r.Sources {
		reason := s.why
		if reason == "" {
			reason = s.Error // a report not made by Report
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sanitize.Line(s.Name), s.Kind, s.Status,
			sanitize.Line(formatValue(s.Value, s.Unit)), sanitize.Line(reason))
	}
	if len(r.Checkpoints) > 0 {
		fmt.Fprintln(tw, "\nCHECKPOINT\tSTATE\tGATE\tBY\t")
		for _, c := range r.Checkpoints {
			gate := "-"
			if c.GateHold != "" { // true, but not yet for its hold: a done is refused
				gate = "holding " + c.GateHold
			} else if c.GateOK != nil {
				gate = map[bool]string{true: "holds", false: "fails"}[*c.GateOK]
			} else if c.Gate != "" {
				gate = "unknown"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", sanitize.Line(c.ID), c.State, gate, sanitize.Line(c.By))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintln(w, "\nWARNINGS")
		for _, x := range r.Warnings {
			fmt.Fprintln(w, "  "+sanitize.Line(x))
		}
	}
	return nil
}

func formatValue(v *float64, unit string) string {
	if v == nil {
		return "-"
	}
	return strings.TrimSpace(fmt.Sprintf("%.4g %s", *v, unit))
}

// jobsFor returns the jobs that poll the named sources, each once (Datadog metrics share one).
func (a *App) jobsFor(names []string) []sources.Job {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []sources.Job
	for i, j := range a.Jobs {
		for _, src := range a.jobSources[i] {
			if want[src] {
				out = append(out, j)
				break
			}
		}
	}
	return out
}
