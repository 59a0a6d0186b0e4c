package record

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
)

// Player replays a recording into a board: the same board the live process showed,
// driven by the recording's clock. Going forward it feeds the lines up to the new time;
// going back it rebuilds a fresh board (and runsheet) from the start up to the target and
// moves it into the shown board, so every viewer keeps its subscription.
type Player struct {
	Header Header // the first session's header, with every session's sources
	First  time.Time
	Last   time.Time
	Clock  *Clock

	data  []byte
	infos []board.Info
	dir   string // the replay's own journals
	shown *board.Board
	at    atomic.Int64 // the fed position, unix nanoseconds: every replay board's Now

	mu    sync.Mutex // guards cur and checkpoints
	cur   *feed
	feeds atomic.Int64
	every time.Duration // checkpoint spacing
	// window is how long before a target a restored checkpoint must be, so that every gate
	// hold and staleness is evaluated afresh by the target: the longest hold, two of the
	// longest intervals, and a minute.
	window      time.Duration
	checkpoints []checkpoint
	built       chan struct{} // closed when the checkpoint pass is done
	stop        chan struct{}
}

// feed is one pass through the recording.
type feed struct {
	r       *Reader
	pending []Line // read, not yet applied, in time order
	b       *board.Board
	sheet   *runsheet.Sheet
	journal *os.File
	seqs    map[int64]bool
	pos     time.Time // fed up to
	evalAt  time.Time // the last whole second the gates were evaluated
	done    bool
	trans   []runsheet.Transition // journaled so far, to restart a runsheet from a checkpoint
	at      atomic.Int64          // the feed's clock (unix ns): its board's and runsheet's Now
	mirror  *atomic.Int64         // also set when this feed drives the shown board
}

func (f *feed) now() time.Time { return time.Unix(0, f.at.Load()) }

func (f *feed) setAt(t time.Time) {
	f.at.Store(t.UnixNano())
	if f.mirror != nil {
		f.mirror.Store(t.UnixNano())
	}
}

// checkpoint is a feed's state at a time, kept to seek from: the board (a clone nobody
// feeds), the reader's place and the transitions so far.
type checkpoint struct {
	at      time.Time
	b       *board.Board
	r       Reader
	pending []Line
	trans   []runsheet.Transition
	done    bool
}

// PlayerOptions tune NewPlayer.
type PlayerOptions struct {
	Wall func() time.Time // the wall clock driving the replay; nil is time.Now
	// CheckpointEvery is the spacing of the checkpoints a backward seek starts from
	// (default 5m); negative keeps none, so every backward seek replays from the start.
	CheckpointEvery time.Duration
}

// NewPlayer opens a replay of the recording held in data, positioned at its start.
func NewPlayer(data []byte, opt PlayerOptions) (*Player, error) {
	p := &Player{data: data, every: opt.CheckpointEvery, built: make(chan struct{}), stop: make(chan struct{})}
	if p.every == 0 {
		p.every = 5 * time.Minute
	}
	if err := p.scan(); err != nil {
		return nil, err
	}
	p.window = p.evalWindow()
	dir, err := os.MkdirTemp("", "warroom-replay-")
	if err != nil {
		return nil, err
	}
	p.dir = dir
	p.Clock = NewClock(p.First, p.Last, opt.Wall)
	p.setAt(p.First)
	f, err := p.newFeed(nil, &p.at)
	if err != nil {
		p.Close()
		return nil, err
	}
	p.shown = board.New(p.infos, board.Options{Now: p.now})
	f.b = p.shown
	f.mirror = &p.at
	p.cur = f
	p.feedTo(f, p.First)
	if p.every > 0 {
		go p.buildCheckpoints()
	} else {
		close(p.built)
	}
	return p, nil
}

// evalWindow is the longest hold, two of the longest intervals, and a minute.
func (p *Player) evalWindow() time.Duration {
	var hold, iv time.Duration
	for _, c := range p.Header.Runsheet.Checkpoints {
		hold = max(hold, c.Hold.D())
	}
	for _, in := range p.infos {
		iv = max(iv, in.Interval)
	}
	return hold + 2*iv + time.Minute
}

// buildCheckpoints runs through the whole recording once, in the background, keeping a
// checkpoint every p.every, so that later seeks replay at most that much plus the window.
func (p *Player) buildCheckpoints() {
	defer close(p.built)
	f, err := p.newFeed(nil, nil)
	if err != nil {
		return
	}
	defer f.close()
	for t := p.First.Add(p.every); !f.done; t = t.Add(p.every) {
		select {
		case <-p.stop:
			return
		default:
		}
		p.feedTo(f, t)
		ck := checkpoint{at: t, b: f.b.Clone(board.Options{}), r: f.r.clone(), pending: append([]Line(nil), f.pending...),
			trans: append([]runsheet.Transition(nil), f.trans...), done: f.done}
		p.mu.Lock()
		p.checkpoints = append(p.checkpoints, ck)
		p.mu.Unlock()
	}
}

// scan finds the sessions' headers and the recording's span without parsing every line:
// a header is always the first line of its own member, and the last member holds the end.
func (p *Player) scan() error {
	if bytes.HasPrefix(p.data, zstdMagic) {
		return errVersion1
	}
	var dec members
	seen := map[string]bool{}
	var lastFrame []byte
	for off := 0; off < len(p.data); {
		out, end, _, ok := dec.next(p.data, off)
		if !ok {
			break
		}
		off = end
		lastFrame = out
		if !bytes.HasPrefix(out, []byte(`{"k":"header"`)) {
			continue
		}
		var l Line
		nl := bytes.IndexByte(out, '\n')
		if nl < 0 || json.Unmarshal(out[:nl], &l) != nil || checkHeader(l.Header) != nil {
			continue
		}
		if p.Header.Format == "" {
			p.Header, p.First = *l.Header, l.Header.Started
		}
		for _, s := range l.Header.Sources {
			if !seen[s.Name] {
				seen[s.Name] = true
				p.infos = append(p.infos, s.Info())
			}
		}
	}
	if p.Header.Format == "" {
		return errors.New("recording: empty or not a warroom recording (no header)")
	}
	p.Last = p.First
	for _, raw := range bytes.Split(lastFrame, []byte("\n")) {
		var l Line
		if json.Unmarshal(raw, &l) == nil {
			if t := l.At(); t.After(p.Last) {
				p.Last = t
			}
		}
	}
	return nil
}

func (p *Player) now() time.Time    { return time.Unix(0, p.at.Load()) }
func (p *Player) setAt(t time.Time) { p.at.Store(t.UnixNano()) }

// newFeed starts a pass into a board of its own, from the beginning or from a checkpoint,
// with a runsheet of its own (its journal holds the checkpoint's transitions).
func (p *Player) newFeed(ck *checkpoint, mirror *atomic.Int64) (*feed, error) {
	f := &feed{seqs: map[int64]bool{}, pos: p.First, evalAt: p.First.Truncate(time.Second), mirror: mirror}
	f.setAt(p.First)
	var journal bytes.Buffer
	if ck == nil {
		r, err := NewReader(p.data)
		if err != nil {
			return nil, err
		}
		f.r = r
		f.b = board.New(p.infos, board.Options{Now: f.now})
	} else {
		r := ck.r
		f.r, f.done, f.pos, f.evalAt = &r, ck.done, ck.at, ck.at.Truncate(time.Second)
		f.pending = append([]Line(nil), ck.pending...)
		f.setAt(ck.at)
		f.b = ck.b.Clone(board.Options{Now: f.now})
		f.trans = append(f.trans, ck.trans...)
		for _, t := range ck.trans {
			f.seqs[t.Seq] = true
			b, _ := json.Marshal(t)
			journal.Write(append(b, '\n'))
		}
	}
	jpath := filepath.Join(p.dir, fmt.Sprintf("journal-%d", p.feeds.Add(1)))
	if err := os.WriteFile(jpath, journal.Bytes(), 0o600); err != nil {
		return nil, err
	}
	sheet, err := runsheet.Open(p.Header.Runsheet.Runsheet(jpath), runsheet.Options{Now: f.now})
	if err != nil {
		return nil, fmt.Errorf("replay: the recorded runsheet: %w", err)
	}
	jf, err := os.OpenFile(jpath, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		sheet.Close()
		return nil, err
	}
	f.sheet, f.journal = sheet, jf
	return f, nil
}

func (f *feed) close() {
	f.sheet.Close()
	f.journal.Close()
	os.Remove(f.journal.Name())
	f.r.Close()
}

// Board is the board the replay shows.
func (p *Player) Board() *board.Board { return p.shown }

// View is the runsheet at the replayed time.
func (p *Player) View() runsheet.View {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur.sheet.View()
}

// Now is the replayed time the board shows.
func (p *Player) Now() time.Time { return p.now() }

// Run follows the clock until ctx is done, feeding the board four times a second.
func (p *Player) Run(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.Sync()
		}
	}
}

// Sync brings the board to the clock's time now.
func (p *Player) Sync() { p.SeekBoard(p.Clock.Now()) }

// SeekBoard brings the board to t: forward by feeding, back by rebuilding from the start.
func (p *Player) SeekBoard(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var from *checkpoint
	for i := range p.checkpoints {
		if ck := &p.checkpoints[i]; !ck.at.After(t.Add(-p.window)) {
			from = ck
		}
	}
	// Forward, feed on, unless a checkpoint lies between here and there.
	if !t.Before(p.cur.pos) && (from == nil || !from.at.After(p.cur.pos)) {
		p.feedTo(p.cur, t)
		return
	}
	f, err := p.newFeed(from, nil)
	if err != nil {
		return // the same file opened before: only a full temporary disk gets here
	}
	p.feedTo(f, t)
	p.shown.Replace(f.b)
	f.b, f.mirror = p.shown, &p.at
	f.setAt(t)
	p.cur.close()
	p.cur = f
}

// lookahead is how far past a target the feed reads: lines are in file order, which is time
// order except that a transition is recorded up to a second or two after it happened (the
// recorder tails the journal).
const lookahead = 3 * time.Second

// feedTo feeds the lines up to t in time order, evaluating the gates at every whole second
// in between (gate holds count in seconds), and leaves the board at t.
func (p *Player) feedTo(f *feed, t time.Time) {
	// In steps, so that only a few seconds of lines are ever held unapplied.
	for step := f.pos.Add(10 * time.Second); step.Before(t); step = step.Add(10 * time.Second) {
		p.feedStep(f, step)
	}
	p.feedStep(f, t)
	f.b.Tick(t)
	f.sheet.Evaluate(f.b.Snapshot())
}

// feedStep applies the lines up to t.
func (p *Player) feedStep(f *feed, t time.Time) {
	for !f.done && (len(f.pending) == 0 || !f.pending[len(f.pending)-1].At().After(t.Add(lookahead))) {
		l, err := f.r.Next()
		if err != nil {
			f.done = true
			break
		}
		f.pending = append(f.pending, l)
	}
	sort.SliceStable(f.pending, func(i, j int) bool { return f.pending[i].At().Before(f.pending[j].At()) })
	n := 0
	for ; n < len(f.pending); n++ {
		l := f.pending[n]
		at := l.At()
		if at.After(t) {
			break
		}
		p.evaluateUntil(f, at)
		if at.After(f.pos) {
			f.pos = at
		}
		f.setAt(f.pos)
		p.apply(f, l)
	}
	f.pending = append(f.pending[:0:0], f.pending[n:]...)
	p.evaluateUntil(f, t)
	f.pos = t
	f.setAt(t)
}

// evaluateUntil ticks the board and evaluates the gates at each whole second up to t.
func (p *Player) evaluateUntil(f *feed, t time.Time) {
	for next := f.evalAt.Add(time.Second); !next.After(t); next = next.Add(time.Second) {
		f.evalAt = next
		f.setAt(next)
		f.b.Tick(next)
		f.sheet.Evaluate(f.b.Snapshot())
	}
}

// apply gives one line to the board or the runsheet.
func (p *Player) apply(f *feed, l Line) {
	switch l.K {
	case KindResult:
		f.b.Ingest(l.Result.Source, l.Result.Poll(), l.Result.At)
	case KindEvent:
		f.b.AddEvent(l.Event.BoardEvent())
	case KindTransition:
		t := *l.Transition
		if f.seqs[t.Seq] {
			return
		}
		f.seqs[t.Seq] = true
		f.trans = append(f.trans, t)
		b, err := json.Marshal(t)
		if err != nil {
			return
		}
		if _, err := f.journal.Write(append(b, '\n')); err == nil {
			f.sheet.Refresh()
		}
	}
}

// Close stops the checkpoint pass and removes the replay's journals.
func (p *Player) Close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.built
	p.mu.Lock()
	if p.cur != nil {
		p.cur.close()
	}
	p.mu.Unlock()
	if p.dir != "" {
		os.RemoveAll(p.dir)
	}
}
