package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// The Prometheus text exposition format, version 0.0.4, written by hand to its spec
// (https://prometheus.io/docs/instrumenting/exposition_formats/): client_golang would add
// 48 packages (the protobuf runtime among them) to every first build for a handful of
// gauges. The names are a public interface, documented in docs/web.md.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// statusCode is a status as a number, the check exit-code convention.
func statusCode(st sources.Status) float64 {
	switch st {
	case sources.OK:
		return 0
	case sources.Warn:
		return 1
	case sources.Crit:
		return 2
	}
	return 3
}

// expo writes metric families: each HELP and TYPE once, then its samples together.
type expo struct{ b strings.Builder }

func (e *expo) family(name, typ, help string) {
	e.b.WriteString("# HELP " + name + " " + strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(help) + "\n")
	e.b.WriteString("# TYPE " + name + " " + typ + "\n")
}

// sample writes one line; labels are name, value pairs.
func (e *expo) sample(name string, v float64, labels ...string) {
	e.b.WriteString(name)
	if len(labels) > 0 {
		e.b.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				e.b.WriteByte(',')
			}
			e.b.WriteString(labels[i] + `="` + labelValue(labels[i+1]) + `"`)
		}
		e.b.WriteByte('}')
	}
	e.b.WriteString(" " + formatFloat(v) + "\n")
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func labelValue(s string) string { return labelEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD")) }

func formatFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// metrics serves every source's status and value, lag, the checkpoints and the notifier.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	snap, view := s.deps.Board.Snapshot(), s.deps.Sheet()
	var e expo
	e.family("warroom_info", "gauge", "Always 1; the board's title as a label.")
	e.sample("warroom_info", 1, "title", s.deps.Title)
	e.family("warroom_board_status", "gauge", "The worst source status: 0 ok, 1 warn, 2 crit, 3 unknown.")
	e.sample("warroom_board_status", statusCode(snap.Status))
	writeSources(&e, snap)
	writeRunsheet(&e, view)
	s.writeNotify(&e)
	e.family("warroom_web_live_pages", "gauge", "Web board pages connected for live updates.")
	e.sample("warroom_web_live_pages", float64(s.hub.count()))
	w.Header().Set("Content-Type", metricsContentType)
	_, _ = w.Write([]byte(e.b.String()))
}

func writeSources(e *expo, snap *board.Snapshot) {
	each := func(name, typ, help string, f func(src board.SourceState)) {
		e.family(name, typ, help)
		for _, src := range snap.Sources {
			f(src)
		}
	}
	each("warroom_source_status", "gauge", "A source's effective status: 0 ok, 1 warn, 2 crit, 3 unknown (stale).", func(src board.SourceState) {
		e.sample("warroom_source_status", statusCode(src.Effective()), "source", src.Name, "kind", src.Kind, "group", src.Group)
	})
	each("warroom_source_stale", "gauge", "1 when a source has not answered for twice its interval.", func(src board.SourceState) {
		e.sample("warroom_source_stale", bool01(src.Stale), "source", src.Name)
	})
	each("warroom_source_value", "gauge", "A source's main value (latency, lag, metric) in its unit.", func(src board.SourceState) {
		if src.Value != nil {
			e.sample("warroom_source_value", *src.Value, "source", src.Name, "unit", src.Unit)
		}
	})
	each("warroom_series_value", "gauge", "The newest value of each named series of a source (per host, per channel).", func(src board.SourceState) {
		for _, se := range src.Series {
			if se.Name != "" && se.Value != nil {
				e.sample("warroom_series_value", *se.Value, "source", src.Name, "series", se.Name, "unit", se.Unit)
			}
		}
	})
	each("warroom_source_polls_total", "counter", "Polls of a source since the process started.", func(src board.SourceState) {
		e.sample("warroom_source_polls_total", float64(src.Polls), "source", src.Name)
	})
	each("warroom_source_last_success_timestamp_seconds", "gauge", "When a source last answered (Unix time).", func(src board.SourceState) {
		if !src.LastSuccess.IsZero() {
			e.sample("warroom_source_last_success_timestamp_seconds", unixSeconds(src.LastSuccess), "source", src.Name)
		}
	})
	each("warroom_db_lag_seconds", "gauge", "Replication lag of a database, in seconds.", func(src board.SourceState) {
		if src.Group == "db" && src.Value != nil {
			e.sample("warroom_db_lag_seconds", *src.Value, "source", src.Name)
		}
	})
}

var states = []runsheet.State{runsheet.Pending, runsheet.Running, runsheet.Done, runsheet.Failed, runsheet.Skipped}

func writeRunsheet(e *expo, v runsheet.View) {
	each := func(name, typ, help string, f func(c runsheet.Checkpoint)) {
		e.family(name, typ, help)
		for _, c := range v.Checkpoints {
			f(c)
		}
	}
	each("warroom_checkpoint_state", "gauge", "1 for a checkpoint's current state, 0 for the others.", func(c runsheet.Checkpoint) {
		for _, st := range states {
			e.sample("warroom_checkpoint_state", bool01(c.State == st), "checkpoint", c.ID, "state", string(st))
		}
	})
	each("warroom_checkpoint_planned_seconds", "gauge", "A checkpoint's planned duration.", func(c runsheet.Checkpoint) {
		if c.Planned > 0 {
			e.sample("warroom_checkpoint_planned_seconds", c.Planned.Seconds(), "checkpoint", c.ID)
		}
	})
	each("warroom_checkpoint_actual_seconds", "gauge", "How long a checkpoint took, or has taken so far.", func(c runsheet.Checkpoint) {
		if !c.StartedAt.IsZero() {
			e.sample("warroom_checkpoint_actual_seconds", c.Actual.Seconds(), "checkpoint", c.ID)
		}
	})
	each("warroom_checkpoint_started_timestamp_seconds", "gauge", "When a checkpoint started (Unix time).", func(c runsheet.Checkpoint) {
		if !c.StartedAt.IsZero() {
			e.sample("warroom_checkpoint_started_timestamp_seconds", unixSeconds(c.StartedAt), "checkpoint", c.ID)
		}
	})
	each("warroom_checkpoint_ended_timestamp_seconds", "gauge", "When a checkpoint ended (Unix time).", func(c runsheet.Checkpoint) {
		if !c.EndedAt.IsZero() {
			e.sample("warroom_checkpoint_ended_timestamp_seconds", unixSeconds(c.EndedAt), "checkpoint", c.ID)
		}
	})
	each("warroom_checkpoint_gate_ok", "gauge", "1 when a checkpoint's gate holds, 0 when it fails or is unknown.", func(c runsheet.Checkpoint) {
		if c.Gate.Expr != "" {
			e.sample("warroom_checkpoint_gate_ok", bool01(c.Gate.Light == runsheet.Green), "checkpoint", c.ID)
		}
	})
	e.family("warroom_runsheet_elapsed_seconds", "gauge", "Time since the first checkpoint started (T+).")
	e.sample("warroom_runsheet_elapsed_seconds", v.Elapsed.Seconds())
	e.family("warroom_runsheet_forecast_seconds", "gauge", "Elapsed plus the planned remaining time on the critical path.")
	e.sample("warroom_runsheet_forecast_seconds", v.Forecast.Seconds())
	e.family("warroom_runsheet_window_seconds", "gauge", "The announced downtime window; 0 when none.")
	e.sample("warroom_runsheet_window_seconds", v.Window.Seconds())
	e.family("warroom_cutover_timestamp_seconds", "gauge", "When the cutover checkpoint was done (Unix time); absent before.")
	if !v.CutoverAt.IsZero() {
		e.sample("warroom_cutover_timestamp_seconds", unixSeconds(v.CutoverAt))
	}
	e.family("warroom_rolling_back", "gauge", "1 while the run is rolling back.")
	e.sample("warroom_rolling_back", bool01(v.RollingBack))
}

func (s *Server) writeNotify(e *expo) {
	if s.deps.Notify == nil {
		return
	}
	stats := s.deps.Notify()
	for _, m := range []struct {
		name, help string
		val        func(i int) int64
	}{
		{"warroom_notify_sent_total", "Messages a receiver took.", func(i int) int64 { return stats[i].Sent }},
		{"warroom_notify_failed_total", "Messages given up after every attempt.", func(i int) int64 { return stats[i].Failed }},
		{"warroom_notify_dropped_total", "Messages dropped from a full queue.", func(i int) int64 { return stats[i].Dropped }},
	} {
		e.family(m.name, "counter", m.help)
		for i := range stats {
			e.sample(m.name, float64(m.val(i)), "receiver", stats[i].Name)
		}
	}
}
