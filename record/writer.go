package record

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/internal/flock"
	"github.com/warroom-dev/warroom/internal/wallclock"
	"github.com/warroom-dev/warroom/runsheet"
)

// Bounds of the writer.
const (
	defaultFlush = time.Second
	syncEvery    = 5         // flushes between two fsyncs
	maxBuffered  = 8 << 20   // bytes of lines that force a flush before the second is up
	maxText      = 1024      // bytes of one error, detail or event text
	tailRead     = 256 << 10 // bytes read first from the end of a recording continued
	// level is the gzip level of every member (see docs/recording.md, Size and cost).
	level = gzip.BestSpeed
)

// Options tune Create.
type Options struct {
	Now   func() time.Time
	Flush time.Duration // how often buffered lines become a gzip member on disk; default 1s
	// Secrets are strings (API keys, DSN passwords) replaced by *** wherever they would be
	// written, in case a source's text carries one.
	Secrets []string
	// Stopped is called once, in its own goroutine, when writing fails and recording stops.
	Stopped func(error)
}

// Writer appends a recording. Its methods are safe for concurrent use and never block on
// the disk: lines are buffered and written as one gzip member a second by a goroutine.
type Writer struct {
	path  string
	opt   Options
	f     *os.File
	gz    *gzip.Writer
	off   int64 // end of the last whole member written
	scrub *strings.Replacer

	mu      sync.Mutex
	buf     bytes.Buffer
	last    map[string]int64 // series key → newest point written, unix ms
	err     error            // set when recording stopped
	flushes int
	frame   bytes.Buffer // the last member's buffer, reused

	stop chan struct{}
	done chan struct{}
}

// Create opens path for recording, under an exclusive lock, and writes h as the first line
// of a new session. An existing recording is continued (its torn tail, if a crash left one,
// is cut off first). When another process holds the lock, the recording goes to the same
// name with this process's id before the extension (cutover.4242.rec): Path says which.
func Create(path string, h Header, opt Options) (*Writer, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Flush <= 0 {
		opt.Flush = defaultFlush
	}
	f, path, err := openLocked(path)
	if err != nil {
		return nil, err
	}
	off, err := cutTorn(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("recording %s: %w", path, err)
	}
	gz, _ := gzip.NewWriterLevel(nil, level) // a valid level: no error
	w := &Writer{path: path, opt: opt, f: f, gz: gz, off: off, last: map[string]int64{},
		scrub: replacer(opt.Secrets), stop: make(chan struct{}), done: make(chan struct{})}
	h.Format, h.Version = Format, Version
	if h.Started.IsZero() {
		h.Started = opt.Now()
	}
	w.add(Line{K: KindHeader, Header: &h})
	if err := w.flush(true); err != nil {
		f.Close()
		return nil, err
	}
	go w.loop()
	return w, nil
}

// openLocked opens path (creating its folder) under an exclusive lock, or the per-process
// name when another process holds path's lock.
func openLocked(path string) (*os.File, string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, path, fmt.Errorf("recording %s: create its folder: %w", path, err)
	}
	for _, p := range []string{path, perProcess(path)} {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, p, fmt.Errorf("recording %s: %w", p, err)
		}
		ok, err := flock.TryLock(f)
		if err != nil {
			f.Close()
			return nil, p, fmt.Errorf("recording %s: lock: %w", p, err)
		}
		if ok {
			return f, p, nil
		}
		f.Close()
	}
	return nil, path, fmt.Errorf("recording %s: locked by another process", perProcess(path))
}

// perProcess is path with this process's id before its extension.
func perProcess(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + strconv.Itoa(os.Getpid()) + ext
}

// cutTorn cuts off whatever follows the last whole gzip member of f and returns the new
// end. It refuses a file that is not a gzip recording rather than cut it. It reads only the
// file's tail (the last tailRead bytes, twice as many each time no whole member starts in
// them), not a long recording whole.
func cutTorn(f *os.File) (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := fi.Size()
	head := make([]byte, min(size, int64(len(zstdMagic))))
	if _, err := f.ReadAt(head, 0); err != nil {
		return 0, err
	}
	if bytes.HasPrefix(head, zstdMagic) {
		return 0, errors.New("a zstd recording (format version 1) is in the way: move it aside")
	}
	if size > 0 && !bytes.HasPrefix(head, gzipMagic) {
		return 0, errors.New("not a warroom recording (not gzip): move it aside or choose another path")
	}
	var m members
	good := int64(0)
	for n := int64(tailRead); ; n *= 2 {
		start := max(0, size-n)
		data := make([]byte, size-start)
		if _, err := f.ReadAt(data, start); err != nil {
			return 0, err
		}
		// The search runs from the end and decodes forward only, so a longer tail finds
		// the same member when a shorter one holds it.
		if end := m.lastWhole(data); end > 0 || start == 0 {
			good = start + int64(end)
			break
		}
	}
	if good < size {
		if err := f.Truncate(good); err != nil {
			return 0, fmt.Errorf("cut off a torn tail: %w", err)
		}
	}
	return good, nil
}

// replacer replaces every secret, raw and as JSON escapes it, by ***.
func replacer(secrets []string) *strings.Replacer {
	var pairs []string
	for _, s := range secrets {
		if len(s) < 4 { // too short to tell from ordinary text
			continue
		}
		pairs = append(pairs, s, "***")
		if q, _ := json.Marshal(s); string(q[1:len(q)-1]) != s {
			pairs = append(pairs, string(q[1:len(q)-1]), "***")
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	return strings.NewReplacer(pairs...)
}

// Path is the file being written.
func (w *Writer) Path() string { return w.path }

// Err is why recording stopped, nil while it runs.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Transition records a runsheet transition.
func (w *Writer) Transition(t runsheet.Transition) {
	t.By, t.Note, t.Reason, t.Gate = clean(t.By), clean(t.Note), clean(t.Reason), clean(t.Gate)
	w.add(Line{K: KindTransition, Transition: &t})
}

// add encodes one line into the buffer.
func (w *Writer) add(l Line) {
	b, err := json.Marshal(l)
	if err != nil {
		return // a value JSON cannot hold (a fact of a strange type): not worth stopping for
	}
	if w.scrub != nil {
		b = []byte(w.scrub.Replace(string(b)))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	w.buf.Write(b)
	w.buf.WriteByte('\n')
	if w.buf.Len() > maxBuffered {
		w.flushLocked(false)
	}
}

// loop writes a gzip member every Flush until Close.
func (w *Writer) loop() {
	defer close(w.done)
	t := wallclock.NewTicker(w.opt.Flush) // on the grid of the board's other ticks
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			_ = w.flush(false)
		}
	}
}

// flush writes the buffered lines as one gzip member.
func (w *Writer) flush(sync bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked(sync)
}

func (w *Writer) flushLocked(sync bool) error {
	if w.err != nil || w.buf.Len() == 0 {
		return w.err
	}
	w.frame.Reset()
	w.gz.Reset(&w.frame)
	_, _ = w.gz.Write(w.buf.Bytes()) // into memory: no error
	_ = w.gz.Close()
	frame := w.frame.Bytes()
	w.buf.Reset()
	_, err := w.f.WriteAt(frame, w.off)
	w.flushes++
	if err == nil && (sync || w.flushes%syncEvery == 0) {
		err = w.f.Sync()
	}
	if err != nil {
		_ = w.f.Truncate(w.off) // leave no torn member behind, if the disk allows
		w.fail(err)
		return w.err
	}
	w.off += int64(len(frame))
	return nil
}

// fail stops recording with err. The caller holds w.mu.
func (w *Writer) fail(err error) {
	w.err = fmt.Errorf("recording %s: %w", w.path, err)
	w.buf = bytes.Buffer{}
	if w.opt.Stopped != nil {
		go w.opt.Stopped(w.err)
	}
}

// Close ends the session with an end line, writes and syncs what is buffered and closes
// the file (releasing its lock). It returns why recording stopped, if it did.
func (w *Writer) Close() error {
	select {
	case <-w.stop:
		return w.Err()
	default:
	}
	close(w.stop)
	<-w.done
	w.add(Line{K: KindEnd, End: &End{At: w.opt.Now()}})
	err := w.flush(true)
	cerr := w.f.Close()
	return errors.Join(err, cerr)
}

// Flush writes what is buffered as a gzip member now.
func (w *Writer) Flush() error { return w.flush(false) }

// Abandon stops the writer without an end line or a final write, as a crash leaves it
// (for tests of what a kill -9 leaves behind).
func (w *Writer) Abandon() {
	select {
	case <-w.stop:
		return
	default:
	}
	close(w.stop)
	<-w.done
	w.f.Close()
}
