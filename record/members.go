package record

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
)

// gzipMagic starts every gzip member (RFC 1952 §2.3.1: ID1, ID2, CM = deflate).
var gzipMagic = []byte{0x1f, 0x8b, 0x08}

// zstdMagic starts a zstd frame: the container of format version 1, which was never
// released (see docs/recording.md).
var zstdMagic = []byte{0x28, 0xB5, 0x2F, 0xFD}

var errNotMember = errors.New("not a gzip member")

// members decodes a recording's gzip members one at a time. A gzip member says nothing of
// its length: it ends where its deflate stream and trailer end, so each is found by
// decoding it (compress/gzip reads no byte past a member from an io.ByteReader).
type members struct {
	br bytes.Reader
	zr *gzip.Reader
}

// decode decodes the gzip member at the start of data and returns its content and its
// length in bytes, or an error when data does not start with a whole member (a torn tail,
// a corrupt member, or bytes that are not one).
func (m *members) decode(data []byte) ([]byte, int, error) {
	var out bytes.Buffer
	n, err := m.decodeTo(&out, data)
	return out.Bytes(), n, err
}

// decodeTo is decode writing the content to w.
func (m *members) decodeTo(w io.Writer, data []byte) (int, error) {
	if !bytes.HasPrefix(data, gzipMagic) {
		return 0, errNotMember
	}
	m.br.Reset(data)
	var err error
	if m.zr == nil {
		m.zr, err = gzip.NewReader(&m.br)
	} else {
		err = m.zr.Reset(&m.br)
	}
	if err != nil {
		return 0, err
	}
	m.zr.Multistream(false)
	if _, err := io.Copy(w, m.zr); err != nil {
		return 0, err
	}
	return len(data) - m.br.Len(), nil
}

// next decodes the next whole member at or after off and returns its content and its end.
// skipped says that unreadable bytes (a corrupt member) were passed over to reach it; ok is
// false when no whole member follows off: what is left is a torn tail, or nothing.
func (m *members) next(data []byte, off int) (out []byte, end int, skipped, ok bool) {
	for start := off; start < len(data); {
		out, n, err := m.decode(data[start:])
		if err == nil {
			return out, start + n, start > off, true
		}
		i := bytes.Index(data[start+1:], gzipMagic)
		if i < 0 {
			break
		}
		start += 1 + i
	}
	return nil, len(data), false, false
}

// lastWhole returns the end of the last whole member of data: whatever follows it is a
// torn tail. It searches from the end, so it decodes only the last second or so.
func (m *members) lastWhole(data []byte) int {
	for end := len(data); end > 0; {
		c := bytes.LastIndex(data[:end], gzipMagic)
		if c < 0 {
			return 0
		}
		if n, err := m.decodeTo(io.Discard, data[c:]); err == nil { // only its length matters
			return c + n
		}
		end = c
	}
	return 0
}
