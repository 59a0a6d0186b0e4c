package runsheet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/warroom-dev/warroom/internal/flock"
)

// place is what the journal's path names, held against the file this process has open.
type place int

const (
	atPath   place = iota // the path names the open file
	deleted               // nothing is at the path
	replaced              // another file is at the path (sed -i, a copy moved over it)
)

// where compares the open file with the file at the path by device and inode (volume and
// file index on Windows): a file edited with sed -i or copied over has a new inode, so the
// process would otherwise keep appending to a file nobody else reads.
func (j *journal) where() (place, error) {
	p, _, err := j.look()
	return p, err
}

// look is where, with the open file's stamp (what Watch compares) from the same fstat.
func (j *journal) look() (place, stamp, error) {
	open, err := j.f.Stat()
	if err != nil {
		return atPath, stamp{size: -1}, fmt.Errorf("journal %s: %w", j.name, err)
	}
	st := stamp{open.Size(), open.ModTime()}
	at, err := os.Stat(j.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return deleted, st, nil
	case err != nil:
		return atPath, st, fmt.Errorf("journal %s: %w", j.name, err)
	case os.SameFile(open, at):
		return atPath, st, nil
	}
	return replaced, st, nil
}

// moved handles a journal path that no longer names the open file (p), or that could not
// be looked at (err): it follows the file now at the path. The caller holds s.io and the
// exclusive lock on s.j.f; no lock is held when moved returns (on success the old file is
// closed). It returns the transitions that are news to this process.
func (s *Sheet) moved(p place, err error) ([]Transition, error) {
	if err == nil {
		var news []Transition
		if news, err = s.follow(p); err == nil {
			return news, nil
		}
	}
	_ = flock.Unlock(s.j.f)
	s.mu.Lock()
	s.warn(err.Error())
	s.mu.Unlock()
	return nil, err
}

// follow moves the sheet to the file now at the journal's path. A deleted journal is put
// back first, from every complete line of the open (deleted) file: what this process read
// was acknowledged to someone, so it must not be lost, and nothing else can know it. A
// replaced journal (edited, or copied over) is the operator's: it is read from its first
// line and is the truth from then on, and a warning says which transitions the old file had
// that the new one lacks. The caller holds s.io and the exclusive lock on s.j.f.
func (s *Sheet) follow(p place) ([]Transition, error) {
	old := s.j
	if p == deleted {
		if _, err := old.readNew(false); err != nil {
			return nil, fmt.Errorf("journal %s was deleted, and what this process had of it cannot be read: %w", old.name, err)
		}
		ours, err := old.recreate()
		if err != nil {
			return nil, fmt.Errorf("journal %s was deleted and cannot be created again: %w", old.name, err)
		}
		if !ours { // another process put a journal there first: follow it as a replacement
			p = replaced
		}
	}
	f, err := os.OpenFile(old.path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("journal %s was replaced and the new file cannot be opened: %w", old.name, err)
	}
	nj := &journal{path: old.path, name: old.name, f: f}
	if err := flock.Lock(f, false); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("journal %s: lock: %w", old.name, err)
	}
	sc, err := nj.readNew(false)
	_ = flock.Unlock(f)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("journal %s was replaced and the new file cannot be read (%v): fix it; nothing is recorded until then", old.name, err)
	}
	s.mu.Lock()
	before := s.st.seq
	s.mu.Unlock()
	w := followWarning(p, old.name, sc, before)
	if p == replaced && lastSeq(sc) < before {
		if _, err := old.readNew(false); err == nil { // all of it, to keep
			if kept, err := old.keep(s.opt.Now()); err == nil {
				w += "; the old file is kept as " + kept
			}
		}
	}
	s.j = nj
	_ = old.close()
	news := s.fold(sc, false, true)
	s.mu.Lock()
	s.warn(w)
	s.mu.Unlock()
	s.syncExpect()
	return news, nil
}

// lastSeq is the highest seq a scan found.
func lastSeq(sc scan) int64 {
	var last int64
	for _, t := range sc.ts {
		last = max(last, t.Seq)
	}
	for _, b := range sc.bases {
		last = max(last, b.Seq)
	}
	return last
}

// keep writes the complete lines of the open (replaced) journal next to it, so that what
// it held and the new file lacks is still on disk for the operator, and returns its path.
func (j *journal) keep(now time.Time) (string, error) {
	data := make([]byte, j.off)
	if _, err := j.f.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	path := j.path + ".replaced-" + now.UTC().Format("20060102T150405")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return path, err
}

// followWarning says what follow did.
func followWarning(p place, name string, sc scan, before int64) string {
	last := lastSeq(sc)
	if p == deleted {
		return fmt.Sprintf("journal %s was deleted while warroom ran; it was put back from the %d transitions this process had read (to start afresh, stop every warroom first)", name, len(sc.ts))
	}
	w := fmt.Sprintf("journal %s was replaced (edited with sed -i, or copied over?); now reading the new file: %d transitions, up to seq %d", name, len(sc.ts), last)
	if last < before {
		w += fmt.Sprintf("; the old file went up to seq %d: what followed seq %d there is not in the new one", before, last)
	}
	return w
}

// recreate puts the complete lines of the open (deleted) journal back at its path, with the
// old file's permissions. A hard link from a finished temporary file makes that atomic and
// never overwrites a journal another process put there first (then that one is followed,
// and ours is false).
func (j *journal) recreate() (ours bool, err error) {
	dir := filepath.Dir(j.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	data := make([]byte, j.off)
	if _, err := j.f.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	mode := fs.FileMode(0o644)
	if fi, err := j.f.Stat(); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, ".warroom-journal-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	if err := os.Link(tmp.Name(), j.path); errors.Is(err, fs.ErrExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	syncDir(dir)
	return true, nil
}

// holds reports whether the file now at the path has t's line (after a follow: the new file
// may be a copy made just after this process wrote t to the old one).
func (s *Sheet) holds(t Transition) bool {
	b, err := json.Marshal(t)
	if err != nil {
		return false
	}
	data, err := os.ReadFile(s.j.path)
	return err == nil && (bytes.HasPrefix(data, append(b, '\n')) || bytes.Contains(data, append(append([]byte{'\n'}, b...), '\n')))
}

// rereadInPlace reads a journal that shrank (edited in place) again from its first line.
func (s *Sheet) rereadInPlace(shrank *shrankError, exclusive bool) ([]Transition, error) {
	off, lines := s.j.off, s.j.lines
	s.j.off, s.j.lines = 0, 0
	sc, err := s.j.readNew(exclusive)
	if err != nil {
		s.j.off, s.j.lines = off, lines
		return nil, fmt.Errorf("%v, and it cannot be read again: %w", shrank, err)
	}
	s.mu.Lock()
	s.warn(shrank.Error() + "; read again from its first line")
	s.mu.Unlock()
	news := s.fold(sc, exclusive, true)
	s.syncExpect()
	return news, nil
}

// syncExpect sets the databases' expectations from the state folded afresh (which may have
// gone back, not only forward) and tells the board.
func (s *Sheet) syncExpect() {
	s.mu.Lock()
	if s.opt.Expect != nil {
		for _, c := range s.expectChanges() {
			s.opt.Expect.Set(c[0], c[1])
		}
	}
	s.mu.Unlock()
	if s.opt.Board != nil {
		s.opt.Board.Touch()
	}
}

// ReadJournal reads the whole journal at path under a shared lock, so that a line another
// process is writing is never read half-written (check and checkpoint list read a copy).
// The file is opened read-only: this works where the journal is not writable.
func ReadJournal(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := flock.Lock(f, false); err != nil {
		return nil, fmt.Errorf("journal %s: lock: %w", path, err)
	}
	defer func() { _ = flock.Unlock(f) }()
	return io.ReadAll(f)
}
