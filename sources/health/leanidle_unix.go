//go:build unix

package health

import (
	"errors"
	"syscall"
)

// peekIdle looks, without blocking and without consuming anything, at what a kept
// connection's socket holds: n bytes the server sent while the connection sat idle (n == 0:
// none), or closed when the server closed or reset it.
func peekIdle(rc syscall.RawConn, buf []byte) (n int, closed bool) {
	var err error
	rerr := rc.Read(func(fd uintptr) bool {
		n, _, err = syscall.Recvfrom(int(fd), buf, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	})
	switch {
	case rerr != nil:
		return 0, true
	case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
		return 0, false
	case err != nil, n == 0:
		return 0, true
	}
	return n, false
}
