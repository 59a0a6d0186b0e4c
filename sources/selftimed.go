package sources

import "time"

// SelfTimed is implemented by a source whose Poll ends by itself within PollTimeout even when
// its context has no deadline (it sets its own, on its sockets). For such a source the
// scheduler passes its own long-lived context (canceled at shutdown) instead of a context
// with a timer made for every poll; its watchdog still gives up on a poll that hangs.
type SelfTimed interface {
	PollTimeout() time.Duration
}

// selfTimed reports whether s bounds its polls by itself within timeout.
func selfTimed(s Source, timeout time.Duration) bool {
	st, ok := s.(SelfTimed)
	return ok && st.PollTimeout() > 0 && st.PollTimeout() <= timeout
}
