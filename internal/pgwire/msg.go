package pgwire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxMessage bounds one message from the server (a row, an error). A longer length is a
// broken or hostile server: the connection is closed rather than the memory given.
const MaxMessage = 64 << 20

// The protocol version of the startup message (3.0) and the request codes sent in its place.
const (
	protocolVersion = 196608
	sslRequestCode  = 80877103
)

// msgBuf builds frontend messages, one after another: a type byte, a length, the body.
type msgBuf struct {
	b     []byte
	lenAt int // where the length of the message being built goes
}

// start begins a message of type t (0: the untyped startup and SSL request messages).
func (m *msgBuf) start(t byte) *msgBuf {
	if t != 0 {
		m.b = append(m.b, t)
	}
	m.lenAt = len(m.b)
	m.b = append(m.b, 0, 0, 0, 0)
	return m
}

func (m *msgBuf) int32(n int32) *msgBuf {
	m.b = binary.BigEndian.AppendUint32(m.b, uint32(n))
	return m
}
func (m *msgBuf) int16(n int16) *msgBuf {
	m.b = binary.BigEndian.AppendUint16(m.b, uint16(n))
	return m
}
func (m *msgBuf) str(s string) *msgBuf { m.b = append(append(m.b, s...), 0); return m }
func (m *msgBuf) raw(p []byte) *msgBuf { m.b = append(m.b, p...); return m }

// finish writes the length of the message last begun.
func (m *msgBuf) finish() *msgBuf {
	binary.BigEndian.PutUint32(m.b[m.lenAt:], uint32(len(m.b)-m.lenAt))
	return m
}

// readMsg reads one backend message: its type and body. The body is valid until the next
// read.
func (c *Conn) readMsg() (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := int(binary.BigEndian.Uint32(hdr[1:])) - 4
	if n < 0 || n > MaxMessage {
		return 0, nil, fmt.Errorf("the server sent a message of %d bytes (the limit is %d MiB): not a PostgreSQL server, or a broken one",
			n, MaxMessage>>20)
	}
	if cap(c.buf) < n {
		c.buf = make([]byte, n, max(n, 2*cap(c.buf)))
	}
	body := c.buf[:n]
	if _, err := io.ReadFull(c.r, body); err != nil {
		return 0, nil, err
	}
	return hdr[0], body, nil
}

// reader takes fields from a message body.
type reader struct {
	b   []byte
	err error
}

var errShort = errors.New("a message from the server was cut short")

func (r *reader) int32() int32 {
	if len(r.b) < 4 {
		r.err = errShort
		return 0
	}
	n := int32(binary.BigEndian.Uint32(r.b))
	r.b = r.b[4:]
	return n
}

func (r *reader) int16() int16 {
	if len(r.b) < 2 {
		r.err = errShort
		return 0
	}
	n := int16(binary.BigEndian.Uint16(r.b))
	r.b = r.b[2:]
	return n
}

// cstr reads a NUL-terminated string.
func (r *reader) cstr() string {
	for i, c := range r.b {
		if c == 0 {
			s := string(r.b[:i])
			r.b = r.b[i+1:]
			return s
		}
	}
	r.err = errShort
	return ""
}

// bytes reads n bytes (n < 0: NULL, nil).
func (r *reader) bytes(n int) []byte {
	if n < 0 {
		return nil
	}
	if len(r.b) < n {
		r.err = errShort
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}
