//go:build !windows

package screen

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/charmbracelet/x/term"
)

// ownSize says that Run watches the terminal's size itself (see Run).
const ownSize = true

// watchSize calls resized with tty's size now and after every SIGWINCH, from its own
// goroutine, until the returned stop is called.
func watchSize(tty *os.File, resized func(w, h int)) (stop func()) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		for {
			if w, h, err := term.GetSize(tty.Fd()); err == nil && w > 0 && h > 0 {
				resized(w, h)
			}
			select {
			case <-winch:
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		close(done)
		<-ended
	}
}
