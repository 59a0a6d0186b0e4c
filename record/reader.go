package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Reader reads a recording line by line. A torn tail (a gzip member cut short by a crash),
// a member that does not decode or a line that does not parse is skipped and counted, never
// an error: a recording cut by a crash still reads up to its last whole second.
type Reader struct {
	data    []byte
	off     int
	dec     members
	lines   []byte // the rest of the current member's lines
	headers int

	// Torn is set once the reader met bytes after the last whole member.
	Torn bool
	// Skipped counts lines that did not parse and stretches of members that did not decode.
	Skipped int
}

// Open reads the recording at path into memory (it stays compressed there).
func Open(path string) (*Reader, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	return NewReader(data)
}

// NewReader reads a recording held in data.
func NewReader(data []byte) (*Reader, error) {
	if bytes.HasPrefix(data, zstdMagic) {
		return nil, errVersion1
	}
	return &Reader{data: data}, nil
}

// errVersion1 refuses a zstd file: format version 1, written only by unreleased builds.
var errVersion1 = errors.New("recording: a zstd recording (format version 1, unreleased builds only); " +
	"this warroom reads gzip (version 2): convert it with `zstd -dc FILE | gzip > NEW.rec`")

// Next returns the next line, io.EOF after the last. The first line must be a header of a
// version this reader knows, or Next returns an error saying what the file is.
func (r *Reader) Next() (Line, error) {
	for {
		raw, ok := r.nextRaw()
		if !ok {
			if r.headers == 0 {
				return Line{}, errors.New("recording: empty or not a warroom recording (no header line)")
			}
			return Line{}, io.EOF
		}
		var l Line
		if err := json.Unmarshal(raw, &l); err != nil {
			if r.headers == 0 {
				return Line{}, fmt.Errorf("recording: not a warroom recording: %v", err)
			}
			r.Skipped++
			continue
		}
		if l.K == KindHeader {
			if err := checkHeader(l.Header); err != nil {
				return Line{}, err
			}
			r.headers++
		} else if r.headers == 0 {
			return Line{}, errors.New("recording: not a warroom recording (the first line is not a header)")
		}
		if !l.valid() {
			r.Skipped++
			continue
		}
		return l, nil
	}
}

// valid reports whether the line holds what its kind says.
func (l Line) valid() bool {
	switch l.K {
	case KindHeader:
		return l.Header != nil
	case KindResult:
		return l.Result != nil && !l.Result.At.IsZero()
	case KindEvent:
		return l.Event != nil
	case KindTransition:
		return l.Transition != nil
	case KindEnd:
		return l.End != nil
	}
	return false // a kind from a later minor addition: skipped
}

// checkHeader refuses what is not a recording this reader understands.
func checkHeader(h *Header) error {
	switch {
	case h == nil || h.Format != Format:
		return errors.New("recording: not a warroom recording (format is not " + Format + ")")
	case h.Version > Version:
		return fmt.Errorf("recording: format version %d is newer than this warroom reads (%d): upgrade warroom", h.Version, Version)
	case h.Version < 1:
		return fmt.Errorf("recording: bad format version %d", h.Version)
	}
	return nil
}

// nextRaw returns the next line's bytes, decoding the next member when the current one is
// used up.
func (r *Reader) nextRaw() ([]byte, bool) {
	for len(r.lines) == 0 {
		if r.off >= len(r.data) {
			return nil, false
		}
		out, end, skipped, ok := r.dec.next(r.data, r.off)
		r.off = end
		if !ok {
			r.Torn = true
			return nil, false
		}
		if skipped {
			r.Skipped++
		}
		r.lines = out
	}
	nl := bytes.IndexByte(r.lines, '\n')
	var raw []byte
	if nl < 0 {
		raw, r.lines = r.lines, nil
	} else {
		raw, r.lines = r.lines[:nl], r.lines[nl+1:]
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return r.nextRaw()
	}
	return raw, true
}

// Close releases the reader (nothing is held: it is here for symmetry with Open).
func (r *Reader) Close() {}

// ReadAll reads every line of the recording at path.
func ReadAll(path string) ([]Line, *Reader, error) {
	r, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var out []Line
	for {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, r, nil
		}
		if err != nil {
			return out, r, err
		}
		out = append(out, l)
	}
}

// clone returns a reader at the same place, with its own decoder.
func (r *Reader) clone() Reader {
	c := *r
	c.dec = members{}
	return c
}
