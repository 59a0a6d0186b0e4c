package record

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"

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

	mu    sync.Mutex // guards cur
	cur   *feed
	feeds int
}

// feed is one pass through the recording.
type feed struct {
	r       *Reader
	next    *Line
	b       *board.Board
	sheet   *runsheet.Sheet
	journal *os.File
	seqs    map[int64]bool
	pos     time.Time // fed up to
	evalAt  time.Time // the last whole second the gates were evaluated
	done    bool
}

// PlayerOptions tune NewPlayer.
type PlayerOptions struct {
	Wall func() time.Time // the wall clock driving the replay; nil is time.Now
}

// NewPlayer opens a replay of the recording held in data, positioned at its start.
func NewPlayer(data []byte, opt PlayerOptions) (*Player, error) {
	p := &Player{data: data}
	if err := p.scan(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "warroom-replay-")
	if err != nil {
		return nil, err
	}
	p.dir = dir
	p.Clock = NewClock(p.First, p.Last, opt.Wall)
	p.setAt(p.First)
	p.shown = board.New(p.infos, board.Options{Now: p.now})
	f, err := p.newFeed(p.shown)
	if err != nil {
		p.Close()
		return nil, err
	}
	p.cur = f
	p.feedTo(f, p.First)
	return p, nil
}

// scan finds the sessions' headers and the recording's span without parsing every line:
// a header is always the first line of its own frame, and the last frame holds the end.
func (p *Player) scan() error {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return err
	}
	defer dec.Close()
	seen := map[string]bool{}
	var lastFrame []byte
	for off := 0; off < len(p.data); {
		n, ok := frameLen(p.data[off:])
		if !ok {
			break
		}
		out, err := dec.DecodeAll(p.data[off:off+n], nil)
		off += n
		if err != nil {
			continue
		}
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

// newFeed starts a pass from the beginning into b, with a runsheet of its own.
func (p *Player) newFeed(b *board.Board) (*feed, error) {
	r, err := NewReader(p.data)
	if err != nil {
		return nil, err
	}
	p.feeds++
	jpath := filepath.Join(p.dir, fmt.Sprintf("journal-%d", p.feeds))
	sheet, err := runsheet.Open(p.Header.Runsheet.Runsheet(jpath), runsheet.Options{Now: p.now})
	if err != nil {
		return nil, fmt.Errorf("replay: the recorded runsheet: %w", err)
	}
	jf, err := os.OpenFile(jpath, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		sheet.Close()
		return nil, err
	}
	return &feed{r: r, b: b, sheet: sheet, journal: jf, seqs: map[int64]bool{}, pos: p.First, evalAt: p.First.Truncate(time.Second)}, nil
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
	if !t.Before(p.cur.pos) {
		p.feedTo(p.cur, t)
		return
	}
	fresh := board.New(p.infos, board.Options{Now: p.now})
	f, err := p.newFeed(fresh)
	if err != nil {
		return // the same file opened before: only a full temporary disk gets here
	}
	p.setAt(p.First)
	p.feedTo(f, t)
	p.shown.Replace(fresh)
	f.b = p.shown
	p.cur.close()
	p.cur = f
}

// feedTo feeds the lines up to t, evaluating the gates at every whole second in between
// (gate holds count in seconds), and leaves the board at t.
func (p *Player) feedTo(f *feed, t time.Time) {
	for !f.done {
		if f.next == nil {
			l, err := f.r.Next()
			if err != nil {
				f.done = true
				break
			}
			f.next = &l
		}
		at := f.next.At()
		if at.After(t) {
			break
		}
		p.evaluateUntil(f, at)
		if at.After(f.pos) {
			f.pos = at
		}
		p.setAt(f.pos)
		p.apply(f, *f.next)
		f.next = nil
	}
	p.evaluateUntil(f, t)
	f.pos = t
	p.setAt(t)
	f.b.Tick(t)
	f.sheet.Evaluate(f.b.Snapshot())
}

// evaluateUntil ticks the board and evaluates the gates at each whole second up to t.
func (p *Player) evaluateUntil(f *feed, t time.Time) {
	for next := f.evalAt.Add(time.Second); !next.After(t); next = next.Add(time.Second) {
		f.evalAt = next
		p.setAt(next)
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
		b, err := json.Marshal(t)
		if err != nil {
			return
		}
		if _, err := f.journal.Write(append(b, '\n')); err == nil {
			f.sheet.Refresh()
		}
	}
}

// Close removes the replay's journals.
func (p *Player) Close() {
	p.mu.Lock()
	if p.cur != nil {
		p.cur.close()
	}
	p.mu.Unlock()
	if p.dir != "" {
		os.RemoveAll(p.dir)
	}
}
