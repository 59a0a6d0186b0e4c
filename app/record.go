package app

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/internal/wallclock"
	"github.com/warroom-dev/warroom/record"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// Record says whether and where a polling process records (Options.Record).
type Record struct {
	// Path overrides the config's record.path; "" takes it (default beside the journal).
	Path string
	// Off turns recording off.
	Off bool
	// Command names the recording command in the header (run, serve, demo).
	Command string
}

// startRecording makes the recorder an observer of the board and tails the journal into it.
// A recording that cannot start is a warning on the board; the board runs on.
func (a *App) startRecording(rec Record) {
	if rec.Off || a.Board == nil {
		return
	}
	path := rec.Path
	if path == "" {
		path = a.Config.RecordPath()
	}
	if path == "" {
		return
	}
	warn := func(err error) {
		a.Board.AddEvent(board.Event{Status: sources.Warn, Kind: "record", Text: "recording stopped: " + err.Error()})
	}
	w, err := record.Create(path, a.recordHeader(rec.Command), record.Options{Now: a.now,
		Secrets: secretsOf(a.Config), Stopped: warn})
	if err != nil {
		warn(err)
		return
	}
	a.recorder = w
	a.Board.Observe(w)
	a.Board.AddEvent(board.Event{Status: sources.OK, Kind: "record", Text: "recording to " + w.Path()})
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { defer close(done); tailJournal(a.Config.Runsheet.Journal, w, stop) }()
	a.closers = append(a.closers, closerFunc(func() error {
		close(stop)
		<-done
		return w.Close()
	}))
}

// recordHeader describes this board for the recording's first line.
func (a *App) recordHeader(command string) record.Header {
	host, _ := os.Hostname()
	h := record.Header{Title: a.Config.Title, Host: host, PID: os.Getpid(), Command: command,
		Window: record.MillisOf(a.Window), Runsheet: PlanOf(a.Config.Runsheet)}
	for _, s := range a.Board.Snapshot().Sources {
		h.Sources = append(h.Sources, record.Source{Name: s.Name, Kind: s.Kind, Group: s.Group, Unit: s.Unit,
			Interval: record.MillisOf(s.Interval), Warn: s.Threshold.Warn, Crit: s.Threshold.Crit, Below: s.Threshold.Below})
	}
	return h
}

// PlanOf is the runsheet as a recording's header holds it.
func PlanOf(rs config.Runsheet) record.Plan {
	p := record.Plan{Window: record.MillisOf(rs.Window.D())}
	for _, c := range rs.Checkpoints {
		p.Checkpoints = append(p.Checkpoints, record.Checkpoint{ID: c.ID, Title: c.Title, Owner: c.Owner,
			Planned: record.MillisOf(c.Planned.D()), After: c.After, Gate: c.Gate, Hold: record.MillisOf(c.Hold.D()),
			Expect: c.Expect, Cutover: c.Cutover, PointOfNoReturn: c.PointOfNoReturn, Command: c.Command, Rollback: c.Rollback,
			Rehearsal: record.MillisOf(rs.Rehearsal[c.ID].D())})
	}
	return p
}

// planFrom takes each checkpoint's planned duration from the rehearsal recording named by
// runsheet.plan_from: the actual duration there, for every checkpoint done in it.
func planFrom(cfg *config.Config) error {
	rs := &cfg.Runsheet
	if rs.PlanFrom == "" {
		return nil
	}
	actual, err := record.Actuals(rs.PlanFrom)
	if err != nil {
		return fmt.Errorf("%s: runsheet.plan_from: %w", cfg.File, err)
	}
	rs.Rehearsal = map[string]config.Duration{}
	for i, c := range rs.Checkpoints {
		if d, ok := actual[c.ID]; ok {
			rs.Rehearsal[c.ID] = config.Duration(d)
			rs.Checkpoints[i].Planned = config.Duration(d)
		}
	}
	return nil
}

// secretsOf lists the config's secrets, so that no text carrying one is recorded.
func secretsOf(cfg *config.Config) []string {
	var out []string
	if dd := cfg.Datadog; dd != nil {
		out = append(out, dd.APIKey, dd.AppKey)
	}
	for _, db := range cfg.Databases {
		if c, err := driver.ParseDSN(db.DSN); err == nil && c.Passwd != "" {
			out = append(out, c.Passwd)
		}
	}
	return out
}

// tailJournal records every transition of the journal (this process's and every other's),
// reading new lines once a second until stop.
func tailJournal(path string, w *record.Writer, stop <-chan struct{}) {
	var off int64
	t := wallclock.NewTicker(time.Second)
	defer t.Stop()
	for {
		off = readTransitions(path, off, w)
		select {
		case <-stop:
			readTransitions(path, off, w)
			return
		case <-t.C:
		}
	}
}

// readTransitions records the whole lines of the journal after off and returns the new
// offset. A torn last line is left for the next read.
func readTransitions(path string, off int64, w *record.Writer) int64 {
	f, err := os.Open(path)
	if err != nil {
		return off
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() <= off {
		return off
	}
	br := bufio.NewReader(io.NewSectionReader(f, off, 1<<62))
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) || err != nil {
			return off
		}
		off += int64(len(line))
		var t runsheet.Transition
		if json.Unmarshal(line, &t) == nil && t.Seq > 0 {
			w.Transition(t)
		}
	}
}
