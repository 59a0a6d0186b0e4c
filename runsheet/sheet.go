package runsheet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"

	"github.com/warroom-dev/warroom/internal/flock"
)

// Sheet is a runsheet bound to its journal. Safe for concurrent use.
type Sheet struct {
	opt    Options
	window time.Duration
	plan   *plan
	gates  []*gate           // per checkpoint; nil when it has none
	needed map[fieldRef]bool // the sources (group, name) any gate reads

	io sync.Mutex // serializes journal access (a flock belongs to the open file)
	j  *journal

	mu        sync.Mutex // guards everything below
	st        runState
	evals     []gateEval
	snap      *board.Snapshot
	warnings  []string
	tornWarn  string
	announced map[string]bool   // warnings already put in the board's event log
	posErr    map[string]string // why a database's position could not be read for a done
	expectAt  map[string]string // expectations as last set by this sheet
	expectIni map[string]string // expectations before any checkpoint changed them
}

// Open loads the plan, folds the journal (creating it if missing) and returns the sheet.
// A torn last line is ignored with a warning in View().Warnings.
func Open(rs config.Runsheet, opt Options) (*Sheet, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	p, probs := newPlan(rs)
	probs = append(probs, checkExpect(rs, opt.Names)...)
	gates, gprobs := compileAll(rs, p, opt.Names)
	probs = append(probs, gprobs...)
	if len(probs) > 0 {
		msgs := make([]string, len(probs))
		for i, pr := range probs {
			msgs[i] = pr.msg
		}
		return nil, fmt.Errorf("runsheet: %s", strings.Join(msgs, "; "))
	}
	j, err := openJournal(rs.Journal, opt.JournalName)
	if err != nil {
		return nil, err
	}
	s := &Sheet{opt: opt, window: rs.Window.D(), plan: p, gates: gates, j: j,
		st: newRunState(len(rs.Checkpoints)), evals: make([]gateEval, len(rs.Checkpoints))}
	s.initExpect()
	s.needed = map[fieldRef]bool{}
	for _, g := range gates {
		for _, r := range g.refsOrNil() {
			s.needed[fieldRef{group: r.group, name: r.name}] = true
		}
	}
	s.io.Lock()
	news, err := s.catchUp(false)
	s.io.Unlock()
	if err != nil {
		_ = j.close()
		return nil, err
	}
	s.publish(news)
	return s, nil
}

// catchUp folds what other processes appended since the last read. exclusive tells that
// the caller holds the exclusive lock (and so may cut off a torn last line); otherwise
// catchUp takes a shared lock itself. A journal that shrank (edited in place) is read again
// from its first line. The caller holds s.io.
func (s *Sheet) catchUp(exclusive bool) ([]Transition, error) {
	if !exclusive {
		if err := flock.Lock(s.j.f, false); err != nil {
			return nil, fmt.Errorf("journal %s: lock: %w", s.j.name, err)
		}
		defer func() { _ = flock.Unlock(s.j.f) }()
	}
	sc, err := s.j.readNew(exclusive)
	var shrank *shrankError
	if errors.As(err, &shrank) {
		return s.rereadInPlace(shrank, exclusive)
	}
	return s.fold(sc, exclusive, false), err
}

// fold applies what a read found: its transitions (with fresh, onto an empty state: the
// journal was read again from its first line) and its warnings. It returns the transitions
// that are news to this process. The caller holds s.io.
func (s *Sheet) fold(sc scan, exclusive, fresh bool) []Transition {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tornWarn = ""
	if sc.torn && exclusive {
		s.warn(fmt.Sprintf("journal %s: cut off incomplete line %d (%s), left by a writer that crashed", s.j.name, sc.tornLine, sc.tornWhy))
	}
	if sc.torn && !exclusive {
		s.tornWarn = fmt.Sprintf("journal %s: line %d is incomplete (%s), probably a crash while writing; ignored, and the next change will cut it off",
			s.j.name, sc.tornLine, sc.tornWhy)
		s.announce(s.tornWarn)
	}
	for _, w := range sc.skipped {
		s.warn(fmt.Sprintf("journal %s: %s", s.j.name, w))
	}
	news := sc.ts
	if fresh {
		known := s.st.seq
		s.st = newRunState(len(s.plan.cps))
		news = nil
		for _, t := range sc.ts {
			if t.Seq > known {
				news = append(news, t)
			}
		}
	}
	ti, bi := 0, 0
	for _, isBase := range sc.order {
		var ws []string
		if isBase {
			ws = s.st.applyBaseline(sc.bases[bi])
			bi++
		} else {
			ws = s.st.apply(s.plan, sc.ts[ti])
			ti++
		}
		for _, w := range ws {
			s.warn("journal " + s.j.name + ": " + w)
		}
	}
	if len(sc.order) > 0 || fresh {
		s.reevaluate()
		s.syncBaselines()
	}
	return news
}

// warn records a warning once, and puts it in the board's event log. The caller holds s.mu.
func (s *Sheet) warn(w string) {
	for _, x := range s.warnings {
		if x == w {
			return
		}
	}
	if len(s.warnings) < 20 {
		s.warnings = append(s.warnings, w)
	}
	s.announce(w)
}

// announce puts a warning in the board's event log, once. The caller holds s.mu.
func (s *Sheet) announce(w string) {
	if s.opt.Board == nil || s.announced[w] || len(s.announced) >= 100 {
		return
	}
	if s.announced == nil {
		s.announced = map[string]bool{}
	}
	s.announced[w] = true
	s.opt.Board.AddEvent(board.Event{Time: s.opt.Now(), Status: sources.Warn, Kind: "journal", Text: w})
}

// Apply validates t against the latest journaled state under the journal's lock, appends and
// fsyncs it. A refused transition returns a *Refused error with the reason.
func (s *Sheet) Apply(ctx context.Context, t Transition) error {
	_, err := s.Commit(ctx, t)
	return err
}

// Commit is Apply, returning the transition as journaled: with its Seq and At, and for a
// done, Override and Gate. It is acknowledged (a nil error) only once it is on disk in the
// file at the journal's path: if someone deleted or replaced that file, Commit carries on
// in the file now there (see follow) or returns an error saying why nothing was recorded.
func (s *Sheet) Commit(ctx context.Context, t Transition) (Transition, error) {
	if err := ctx.Err(); err != nil {
		return t, err
	}
	if err := precheck(s.plan, t); err != nil {
		return t, err
	}
	pos := s.readPositions(ctx, t) // before the lock: a node may take its timeout to answer
	s.io.Lock()
	defer s.io.Unlock()
	if s.j == nil {
		return t, errClosed
	}
	var news []Transition
	defer func() { s.publish(news) }()
	for attempt := 1; ; attempt++ {
		got, more, again, err := s.commitOnce(ctx, t, pos)
		news = append(news, more...)
		if !again {
			return got, err
		}
		if attempt == 3 {
			return t, fmt.Errorf("journal %s keeps being replaced while warroom writes to it; nothing was recorded", s.j.name)
		}
	}
}

// commitOnce is one attempt of Commit. again is true when the file at the path changed
// under it and the transition must be tried again there. The caller holds s.io.
func (s *Sheet) commitOnce(ctx context.Context, t Transition, pos map[string]position) (Transition, []Transition, bool, error) {
	if err := flock.Lock(s.j.f, true); err != nil {
		return t, nil, false, fmt.Errorf("journal %s: lock: %w", s.j.name, err)
	}
	if w, err := s.j.where(); err != nil || w != atPath {
		news, err := s.moved(w, err)
		return t, news, err == nil, err
	}
	news, err := s.catchUp(true)
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = s.admit(&t)
	}
	if err == nil {
		err = s.j.append(t)
	}
	if err == nil {
		if w, werr := s.j.where(); werr != nil || w != atPath {
			// Replaced while we wrote (sed -i takes no lock): the line may be in a file
			// that is no longer the journal.
			more, err := s.moved(w, werr)
			news = append(news, more...)
			return t, news, err == nil && !s.holds(t), err
		}
		s.mu.Lock()
		s.st.apply(s.plan, t)
		s.reevaluate()
		s.mu.Unlock()
		news = append(news, t)
		s.journalBaselines(t, pos)
	}
	if uerr := flock.Unlock(s.j.f); uerr != nil && err == nil {
		err = fmt.Errorf("journal %s: unlock: %w", s.j.name, uerr)
	}
	return t, news, false, err
}

// admit checks t against the state just folded (and the gate, for done) and fills in what
// the sheet assigns: Seq, At, Override, Gate.
func (s *Sheet) admit(t *Transition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.st.admit(s.plan, *t); err != nil {
		return err
	}
	if t.At.IsZero() {
		t.At = s.opt.Now()
	}
	if s.st.seq >= maxSeq {
		return fmt.Errorf("the journal's seq %d is at the limit no journal reaches: it is corrupt; start a new one", s.st.seq)
	}
	t.Seq = s.st.seq + 1
	t.Override, t.Gate = false, ""
	if t.Action != Finish {
		return nil
	}
	i := s.plan.idx[t.Checkpoint]
	if s.gates[i] == nil {
		return nil
	}
	g := s.gateView(i, s.opt.Now())
	if g.Light == Green {
		t.Gate = "held"
		return nil
	}
	why := gateRefusal(g)
	if !t.Force {
		return &Refused{why + " (override with a reason to mark it done anyway)"}
	}
	t.Override, t.Gate = true, why
	return nil
}

// gateRefusal says why a gate that is not green stops a done.
func gateRefusal(g Gate) string {
	switch g.Light {
	case Red:
		return "gate fails: " + g.Failing
	case Amber:
		return "gate holding: held " + g.Progress().String()
	}
	return "gate unknown: " + g.Failing
}

// Check reports whether t would apply to the state as this process last saw it (without
// the lock; Apply decides). The TUI uses it to show why a key does nothing.
func (s *Sheet) Check(t Transition) error {
	if err := precheck(s.plan, t); err != nil {
		return err
	}
	return s.admit(&t)
}

// Close releases the journal.
func (s *Sheet) Close() error {
	s.io.Lock()
	defer s.io.Unlock()
	if s.j == nil {
		return nil
	}
	err := s.j.close()
	s.j = nil
	return err
}

// errClosed is returned by Apply after Close.
var errClosed = errors.New("runsheet: the sheet is closed")
