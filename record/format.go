// Package record is warroom's recording format: the Writer that appends every poll result,
// board event and runsheet transition to a file while the board runs, the Reader that reads
// it back (skipping a torn tail), and the Clock that drives a replay.
//
// A recording is a sequence of independent gzip members, each holding whole JSON lines, so
// `zcat FILE | jq` reads it and a crash loses at most the member being written. The
// format is public and versioned: docs/recording.md says every field.
package record

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
)

// Format and Version name the format in the header line. A reader refuses a newer version.
const (
	Format  = "warroom-recording"
	Version = 2
)

// The kinds of line ("k").
const (
	KindHeader     = "header"
	KindResult     = "result"
	KindEvent      = "event"
	KindTransition = "transition"
	KindEnd        = "end"
)

// Line is one JSON line of a recording. K says which of the other fields are set.
type Line struct {
	K          string               `json:"k"`
	Header     *Header              `json:"header,omitempty"`
	Result     *Result              `json:"result,omitempty"`
	Event      *Event               `json:"event,omitempty"`
	Transition *runsheet.Transition `json:"transition,omitempty"`
	End        *End                 `json:"end,omitempty"`
}

// Header opens every recording session: a file written by a process that restarted holds
// one header per session.
type Header struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Started time.Time `json:"started"`
	Title   string    `json:"title"`
	Host    string    `json:"host,omitempty"`
	PID     int       `json:"pid,omitempty"`
	// Command is the warroom command that recorded (run, serve, demo).
	Command  string   `json:"command,omitempty"`
	Window   Millis   `json:"window_ms,omitempty"` // the charts' window
	Sources  []Source `json:"sources"`
	Runsheet Plan     `json:"runsheet"`
}

// Source is one source as configured.
type Source struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Group    string   `json:"group"`
	Unit     string   `json:"unit,omitempty"`
	Interval Millis   `json:"interval_ms,omitempty"`
	Warn     *float64 `json:"warn,omitempty"`
	Crit     *float64 `json:"crit,omitempty"`
	Below    bool     `json:"below,omitempty"`
}

// Plan is the runsheet as configured.
type Plan struct {
	Window      Millis       `json:"window_ms,omitempty"` // the announced downtime
	Checkpoints []Checkpoint `json:"checkpoints"`
}

// Checkpoint is one checkpoint of the plan.
type Checkpoint struct {
	ID              string            `json:"id"`
	Title           string            `json:"title"`
	Owner           string            `json:"owner,omitempty"`
	Planned         Millis            `json:"planned_ms,omitempty"`
	After           []string          `json:"after"` // null: the previous checkpoint
	Gate            string            `json:"gate,omitempty"`
	Hold            Millis            `json:"hold_ms,omitempty"`
	Expect          map[string]string `json:"expect,omitempty"`
	Cutover         bool              `json:"cutover,omitempty"`
	PointOfNoReturn bool              `json:"point_of_no_return,omitempty"`
	Command         string            `json:"command,omitempty"`
	Rollback        string            `json:"rollback,omitempty"`
	// Rehearsal is the checkpoint's actual duration in the rehearsal recording the plan
	// was taken from (runsheet.plan_from); 0 when none.
	Rehearsal Millis `json:"rehearsal_ms,omitempty"`
}

// Result is one poll's result for one source, as the board received it.
type Result struct {
	At     time.Time      `json:"at"`
	Source string         `json:"source"`
	Status string         `json:"status"`
	Value  *float64       `json:"value"`
	Unit   string         `json:"unit,omitempty"`
	Error  string         `json:"error,omitempty"`
	Failed bool           `json:"failed,omitempty"`
	Detail string         `json:"detail,omitempty"`
	Series []Series       `json:"series,omitempty"`
	Facts  map[string]any `json:"facts,omitempty"`
	Events []string       `json:"events,omitempty"`
}

// Series is one named series of a result. Points holds only points newer than any this
// recording already holds for the series: [unix milliseconds, value or null].
type Series struct {
	Name   string   `json:"name"`
	Unit   string   `json:"unit,omitempty"`
	Status string   `json:"status"`
	Value  *float64 `json:"value"`
	Points []Point  `json:"points,omitempty"`
}

// Event is a board event added from outside the board's own ingest (a runsheet transition's
// line, a warning of a process); the board's own status and stale events are not recorded,
// since a replay makes them again from the results.
type Event struct {
	At     time.Time `json:"at"`
	Status string    `json:"status"`
	Source string    `json:"source,omitempty"`
	Kind   string    `json:"kind"`
	Text   string    `json:"text"`
}

// End closes a session that ended cleanly. A session without one was cut short (a crash,
// kill -9, power loss).
type End struct {
	At time.Time `json:"at"`
}

// Millis is a duration in whole milliseconds.
type Millis int64

// D returns the duration.
func (m Millis) D() time.Duration { return time.Duration(m) * time.Millisecond }

// MillisOf rounds d to milliseconds.
func MillisOf(d time.Duration) Millis { return Millis(d / time.Millisecond) }

// Point is one point of a series, written as [unix milliseconds, value], the value null for
// a gap.
type Point struct {
	Time  time.Time
	Value float64
	Null  bool
}

// MarshalJSON writes [ms, value|null].
func (p Point) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 32)
	b = append(b, '[')
	b = strconv.AppendInt(b, p.Time.UnixMilli(), 10)
	b = append(b, ',')
	if p.Null || math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendFloat(b, p.Value, 'g', -1, 64)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads [ms, value|null].
func (p *Point) UnmarshalJSON(b []byte) error {
	var raw [2]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("point: %w", err)
	}
	ms, err := strconv.ParseInt(string(bytes.TrimSpace(raw[0])), 10, 64)
	if err != nil {
		return fmt.Errorf("point time: %w", err)
	}
	p.Time = time.UnixMilli(ms)
	if v := bytes.TrimSpace(raw[1]); len(v) == 0 || string(v) == "null" {
		p.Null, p.Value = true, 0
		return nil
	}
	p.Value, err = strconv.ParseFloat(string(bytes.TrimSpace(raw[1])), 64)
	if err != nil {
		return fmt.Errorf("point value: %w", err)
	}
	return nil
}
