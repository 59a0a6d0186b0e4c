//go:build !unix

package health

import "syscall"

// idlePeek cannot look at a socket here: a kept connection is assumed clean (a closed one
// is still retried once, see exchange).
type idlePeek struct{ buf [64]byte }

func (p *idlePeek) peek(syscall.RawConn) (n int, closed bool) { return 0, false }
