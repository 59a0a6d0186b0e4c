// Package app wires a loaded config into a running warroom: it builds the sources, the board
// and the runsheet and runs the scheduler and the loops that keep them in step. Beside that
// wiring it holds two pieces of logic of its own: the `check` report (every source polled
// once, the overall status and the checkpoints) and WaitGate, which the `checkpoint`
// command uses to poll a gate's sources until it can decide.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/internal/wallclock"
	"github.com/warroom-dev/warroom/notify"
	"github.com/warroom-dev/warroom/record"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog"
	"github.com/warroom-dev/warroom/sources/demo"
)

// App is one warroom process's live state: what it polls, the board and the runsheet.
type App struct {
	Config *config.Config
	Board  *board.Board
	Sheet  *runsheet.Sheet
	Jobs   []sources.Job
	// jobSources lists, for each job, the sources it reports for.
	jobSources [][]string
	Expect     *sources.Expectations
	Window     time.Duration // how much history the charts show

	frozen  frozen // frozen nodes' baselines (sheet.go)
	world   *demo.World
	datadog *datadog.Client
	closers []io.Closer
	hooks   []func(runsheet.Transition)
	inHooks sync.WaitGroup // hooks still running (Close waits a little for them)
	hookMu  sync.Mutex     // guards closed against Apply starting hooks during Close
	closed  bool
	now     func() time.Time
	oneShot bool
	// late are the sources that read other sources' state (parity reads lag): check polls
	// them after the rest.
	late []string

	notifier *notify.Notifier // Slack and webhook messages (app/notify.go); nil when none
	recorder *record.Writer   // nil when not recording (record.go)
}

// Options tune New.
type Options struct {
	Now func() time.Time
	// ReadOnly opens the runsheet without creating its journal (check, checkpoint list).
	ReadOnly bool
	// OneShot is for a process that polls once or a few times and exits (check, checkpoint):
	// sources that work over many polls (a parity walk) finish their work in each poll.
	OneShot bool
	// Record says whether and where Run records (record.go); only polling commands set it.
	Record *Record
}

// New builds everything cfg describes. Nothing is polled until Run or Check.
func New(cfg *config.Config, opt Options) (*App, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	a := &App{Config: cfg, now: opt.Now, Window: cfg.Defaults.Window.D(), oneShot: opt.OneShot}
	a.Expect = sources.NewExpectations(initialExpectations(cfg))
	infos, err := a.buildSources()
	if err != nil {
		a.Close()
		return nil, err
	}
	a.mapJobs(infos)
	a.Board = board.New(infos, board.Options{Now: opt.Now})
	rs := cfg.Runsheet
	name := rs.Journal
	if opt.ReadOnly {
		if rs.Journal, err = a.readOnlyCopy(rs.Journal); err != nil {
			a.Close()
			return nil, err
		}
	}
	sheet, err := runsheet.Open(rs, a.sheetOptions(name, opt.ReadOnly))
	if err != nil {
		a.Close()
		return nil, nameJournal(err, rs.Journal, cfg.Runsheet.Journal)
	}
	a.Sheet = sheet
	a.postEvents()
	a.setupNotify(opt)
	if opt.Record != nil {
		a.startRecording(*opt.Record)
	}
	return a, nil
}

// mapJobs records which sources each job reports for: a single-source job is named after its
// source; the Datadog batch reports for every metric.
func (a *App) mapJobs(infos []board.Info) {
	a.jobSources = make([][]string, len(a.Jobs))
	for i, j := range a.Jobs {
		for _, in := range infos {
			if in.Name == j.Name || (j.Name == datadog.Kind.Name && in.Kind == datadog.Kind.Name) {
				a.jobSources[i] = append(a.jobSources[i], in.Name)
			}
		}
		a.Jobs[i].Sources = a.jobSources[i]
	}
}

func initialExpectations(cfg *config.Config) map[string]string {
	m := map[string]string{}
	for _, db := range cfg.Databases {
		if db.Expect != "" {
			m[db.Name] = db.Expect
		}
	}
	return m
}

// buildSources makes the jobs and the board's view of every source.
func (a *App) buildSources() ([]board.Info, error) {
	if a.Config.Demo {
		return a.buildDemo(), nil
	}
	return a.buildConfigured()
}

func (a *App) buildDemo() []board.Info {
	cfg := a.Config
	a.world = demo.NewWorld(a.now, a.progress)
	interval, timeout := cfg.Defaults.Interval.D(), cfg.Defaults.Timeout.D()
	var infos []board.Info
	for _, d := range a.world.Sources(interval) {
		a.Jobs = append(a.Jobs, sources.Single(d.Source, interval, timeout))
		infos = append(infos, board.Info{Name: d.Source.Name(), Kind: d.Kind, Group: d.Group,
			Unit: d.Unit, Interval: interval, Threshold: d.Threshold})
	}
	return infos
}

// progress tells the demo world where the runsheet is.
func (a *App) progress(id string) (string, time.Time) {
	if a.Sheet == nil {
		return "pending", time.Time{}
	}
	for _, c := range a.Sheet.View().Checkpoints {
		if c.ID != id {
			continue
		}
		switch c.State {
		case runsheet.Running:
			return string(c.State), c.StartedAt
		case runsheet.Pending:
			return string(c.State), time.Time{}
		}
		return string(c.State), c.EndedAt
	}
	return "pending", time.Time{}
}

// OnTransition registers a function called (in its own goroutine) after every transition
// this process applies; Datadog events hang off it.
func (a *App) OnTransition(f func(runsheet.Transition)) { a.hooks = append(a.hooks, f) }

// Apply applies a transition to the runsheet and tells the hooks.
func (a *App) Apply(ctx context.Context, t runsheet.Transition) error {
	if t.At.IsZero() {
		t.At = a.now()
	}
	t, err := a.Sheet.Commit(ctx, t) // the hooks see it as journaled (Override, Gate)
	if err != nil {
		return err
	}
	a.hookMu.Lock()
	defer a.hookMu.Unlock()
	if a.closed {
		return nil // recorded; the process is closing and its hooks are done
	}
	for _, h := range a.hooks {
		a.inHooks.Add(1)
		go func() {
			defer a.inHooks.Done()
			h(t)
		}()
	}
	return nil
}

// Run polls the sources and keeps the board, the gates and the runsheet in step until ctx
// is done. In the demo it also plays the scripted team.
func (a *App) Run(ctx context.Context) {
	var wg sync.WaitGroup
	sched := sources.NewScheduler(a.Jobs, func(r sources.Report, at time.Time) {
		a.Board.Ingest(r.Source, r.Result, at)
	})
	start := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	start(func() { sched.Run(ctx) })
	start(func() { a.Sheet.Watch(ctx) })
	start(func() { a.evaluateGates(ctx) })
	start(func() { a.tick(ctx) })
	start(func() { a.notifyStatus(ctx) })
	if a.world != nil {
		start(func() { demo.Team(ctx, a.checkpointIDs(), a.demoApply) })
	}
	wg.Wait()
}

func (a *App) checkpointIDs() []string {
	var ids []string
	for _, c := range a.Config.Runsheet.Checkpoints {
		ids = append(ids, c.ID)
	}
	return ids
}

func (a *App) demoApply(ctx context.Context, id, action, who, note string) error {
	return a.Apply(ctx, runsheet.Transition{Checkpoint: id, Action: runsheet.Action(action), By: who, Note: note})
}

// evaluateGates re-evaluates every gate on each new board version.
func (a *App) evaluateGates(ctx context.Context) {
	sub := a.Board.Subscribe()
	defer sub.Close()
	var last uint64
	for {
		snap := a.Board.Snapshot()
		if snap.Version != last {
			last = snap.Version
			a.Sheet.Evaluate(snap)
		}
		select {
		case <-ctx.Done():
			return
		case <-sub.C():
		}
	}
}

// tick re-evaluates staleness and gate holds once a second.
func (a *App) tick(ctx context.Context) {
	t := wallclock.NewTicker(time.Second) // on the second, with the board's frame
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			a.Board.Tick(now)
			// Holds advance with time, not only with new samples.
			a.Sheet.Evaluate(a.Board.Snapshot())
		}
	}
}

// readOnlyCopy copies the journal (when there is one) into a temporary folder that Close
// removes, so that check and checkpoint list never create or lock the real one and work
// where it is not writable.
func (a *App) readOnlyCopy(journal string) (string, error) {
	dir, err := os.MkdirTemp("", "warroom-check-")
	if err != nil {
		return "", err
	}
	a.closers = append(a.closers, closerFunc(func() error { return os.RemoveAll(dir) }))
	dst := filepath.Join(dir, "journal")
	data, err := runsheet.ReadJournal(journal)
	if errors.Is(err, fs.ErrNotExist) {
		return dst, nil
	}
	if err != nil {
		return "", fmt.Errorf("read the journal: %w", err)
	}
	return dst, os.WriteFile(dst, data, 0o600)
}

// Close releases connections and the journal.
func (a *App) Close() error {
	// A script's `warroom checkpoint` exits right after its transition: give the Datadog
	// event a moment to be posted, but never hang on it.
	a.hookMu.Lock()
	a.closed = true
	a.hookMu.Unlock()
	done := make(chan struct{})
	go func() { a.inHooks.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	var errs []error
	if a.Sheet != nil {
		errs = append(errs, a.Sheet.Close())
	}
	for _, c := range a.closers {
		errs = append(errs, c.Close())
	}
	if a.datadog != nil {
		a.datadog.Close()
	}
	return errors.Join(errs...)
}
