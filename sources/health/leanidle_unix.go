//go:build unix

package health

import (
	"errors"
	"syscall"
)

// idlePeek looks at an idle socket; its state lives with the probe so that a peek allocates
// nothing.
type idlePeek struct {
	buf [64]byte
	n   int
	err error
	fn  func(uintptr) bool
}

// peek looks, without blocking and without consuming anything, at what a kept connection's
// socket holds: n bytes (in p.buf) the server sent while the connection sat idle (n == 0:
// none), or closed when the server closed or reset it.
func (p *idlePeek) peek(rc syscall.RawConn) (n int, closed bool) {
	if p.fn == nil {
		p.fn = p.recv
	}
	p.n, p.err = 0, nil
	if err := rc.Read(p.fn); err != nil {
		return 0, true
	}
	switch {
	case errors.Is(p.err, syscall.EAGAIN), errors.Is(p.err, syscall.EWOULDBLOCK), errors.Is(p.err, syscall.EINTR):
		return 0, false
	case p.err != nil, p.n <= 0:
		return 0, true
	}
	return p.n, false
}

func (p *idlePeek) recv(fd uintptr) bool {
	p.n, _, p.err = syscall.Recvfrom(int(fd), p.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	return true
}
