package runsheet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// maxLine bounds one journal line; a longer one is not ours.
const maxLine = 64 << 10

// journal is the append-only file of transitions. Every method must be called with the
// Sheet's io mutex held: a flock belongs to the open file description, so two goroutines of
// one process must never lock it at the same time.
type journal struct {
	path  string
	name  string // how messages name it: the path, or the real journal when path is a copy
	f     *os.File
	off   int64 // bytes folded so far: always the end of a complete, parsed line
	lines int   // lines folded so far
	seen  stamp // the file at the last read, so Watch reads only when it changed
}

// stamp is what Watch compares to notice a change: size and modification time.
type stamp struct {
	size int64
	mod  time.Time
}

// openJournal opens (creating it and its folder if missing) the journal at path; name is
// how messages call it ("" for the path itself).
func openJournal(path, name string) (*journal, error) {
	if path == "" {
		return nil, errors.New("runsheet: no journal path (set runsheet.journal)")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("journal %s: create its folder: %w", path, err)
	}
	_, statErr := os.Stat(path)
	// Not O_APPEND: writes go at the offset read under the lock (WriteAt), which also works
	// where an append-only handle cannot truncate a torn line (Windows).
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		syncDir(filepath.Dir(path)) // make the new file's name durable too
	}
	if name == "" {
		name = path
	}
	return &journal{path: path, name: name, f: f}, nil
}

// syncDir fsyncs a folder, best effort (not every platform can).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// scan is what scanJournal found in a stretch of the journal.
type scan struct {
	ts       []Transition
	good     int      // bytes of complete, parsed lines (including blank ones)
	lines    int      // lines in those bytes
	torn     bool     // bytes after good are a torn last line
	tornLine int      // its line number
	tornWhy  string   // why it is torn
	skipped  []string // lines ignored as corrupt, with why (a seq no journal can reach)
	bases    []baselineLine
	order    []bool // per parsed line, in file order: true for a baseline, false for a transition
}

// scanJournal parses data, the journal from byte offset of line firstLine on. A last line
// without its newline, or a last line that does not parse, is torn (a writer crashed while
// writing it); any other line that does not parse is an error naming its line number.
func scanJournal(data []byte, firstLine int) (scan, error) {
	var sc scan
	for len(data) > 0 {
		line := firstLine + sc.lines
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			sc.torn, sc.tornLine, sc.tornWhy = true, line, "ends without a newline"
			return sc, nil
		}
		raw := data[:nl]
		if len(bytes.TrimSpace(raw)) > 0 {
			err := sc.add(raw)
			var bad *corruptSeq
			if errors.As(err, &bad) && nl+1 < len(data) {
				sc.skipped = append(sc.skipped, fmt.Sprintf("line %d: %v; ignored", line, err))
				err = nil
			}
			if err != nil {
				if nl+1 == len(data) {
					sc.torn, sc.tornLine, sc.tornWhy = true, line, err.Error()
					return sc, nil
				}
				return sc, fmt.Errorf("line %d: %w", line, err)
			}
		}
		sc.good += nl + 1
		sc.lines++
		data = data[nl+1:]
	}
	return sc, nil
}

// maxSeq is the highest seq a journal line may carry: 2^53, the largest integer every JSON
// reader (JavaScript, jq) holds exactly. No real journal comes near it (a cutover journals a
// few hundred lines; 2^53 lines would be petabytes), so a seq beyond it is a corrupt or
// forged line, never a number to add 1 to.
const maxSeq = 1 << 53

// corruptSeq is a line whose seq no journal can reach.
type corruptSeq struct{ seq int64 }

func (e *corruptSeq) Error() string {
	return fmt.Sprintf("seq %d is beyond any real journal (at most %d): a corrupt line", e.seq, int64(maxSeq))
}

// parseLine reads one journal line.
func parseLine(raw []byte) (Transition, error) {
	var t Transition
	if len(raw) > maxLine {
		return t, fmt.Errorf("longer than %d bytes", maxLine)
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, fmt.Errorf("not a transition: %v", err)
	}
	switch {
	case t.Seq <= 0:
		return t, fmt.Errorf("seq %d is not positive", t.Seq)
	case t.Seq > maxSeq:
		return t, &corruptSeq{t.Seq}
	case t.At.IsZero():
		return t, errors.New("no time (at)")
	}
	switch t.Action {
	case Start, Finish, Fail, Skip, Reopen:
		if t.Checkpoint == "" {
			return t, fmt.Errorf("%s without a checkpoint", t.Action)
		}
	case Rollback, Resume:
	default:
		return t, fmt.Errorf("unknown action %q", t.Action)
	}
	return t, nil
}

// readNew reads what was appended since the last read. With repair (the caller holds the
// exclusive lock) a torn last line is cut off so the next append starts on a clean line.
func (j *journal) readNew(repair bool) (scan, error) {
	fi, err := j.f.Stat()
	if err != nil {
		return scan{}, fmt.Errorf("journal %s: %w", j.name, err)
	}
	size := fi.Size()
	j.seen = stamp{size, fi.ModTime()}
	if size < j.off {
		return scan{}, &shrankError{name: j.name, from: j.off, to: size}
	}
	buf := make([]byte, size-j.off)
	if _, err := j.f.ReadAt(buf, j.off); err != nil && !errors.Is(err, io.EOF) {
		return scan{}, fmt.Errorf("journal %s: %w", j.name, err)
	}
	sc, err := scanJournal(buf, j.lines+1)
	j.off += int64(sc.good)
	j.lines += sc.lines
	if err != nil {
		return sc, fmt.Errorf("journal %s %w", j.name, err)
	}
	if sc.torn && repair {
		if err := j.f.Truncate(j.off); err != nil {
			return sc, fmt.Errorf("journal %s: cut off torn line %d: %w", j.name, sc.tornLine, err)
		}
		if err := j.f.Sync(); err != nil {
			return sc, fmt.Errorf("journal %s: %w", j.name, err)
		}
		j.seen = j.stamp()
	}
	return sc, nil
}

// append writes one transition as a line and fsyncs it. The caller holds the exclusive
// lock and has just read everything before it.
func (j *journal) append(t Transition) error { return j.appendJSON(t) }

// appendJSON writes one line (a transition or a baseline) and fsyncs it.
func (j *journal) appendJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("journal: encode: %w", err)
	}
	b = append(b, '\n')
	if _, err := j.f.WriteAt(b, j.off); err != nil {
		_ = j.f.Truncate(j.off) // do not leave half a line behind
		return fmt.Errorf("journal %s: write: %w", j.name, err)
	}
	if err := j.f.Sync(); err != nil {
		_ = j.f.Truncate(j.off) // not durable, so not acknowledged: take it back
		return fmt.Errorf("journal %s: fsync: %w", j.name, err)
	}
	j.off += int64(len(b))
	j.lines++
	j.seen = j.stamp()
	return nil
}

// stamp returns the file's size and modification time now, without the lock.
func (j *journal) stamp() stamp {
	fi, err := j.f.Stat()
	if err != nil {
		return stamp{size: -1}
	}
	return stamp{fi.Size(), fi.ModTime()}
}

// shrankError is a journal that is shorter than what was read of it: edited in place.
type shrankError struct {
	name     string
	from, to int64
}

func (e *shrankError) Error() string {
	return fmt.Sprintf("journal %s shrank from %d to %d bytes (edited in place?)", e.name, e.from, e.to)
}

func (j *journal) close() error { return j.f.Close() }
