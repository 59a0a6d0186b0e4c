package notify

import (
	"fmt"
	"os"

	"github.com/warroom-dev/warroom/internal/flock"
)

// Lock is the notify lock beside a journal: of the polling processes sharing a journal
// (run, serve, demo), only the one holding it sends status changes, so the war room hears
// each once. The kernel releases it when its process dies, and another takes it over.
type Lock struct{ f *os.File }

// LockPath is the notify lock's file for a journal.
func LockPath(journal string) string { return journal + ".notify-lock" }

// TryLock takes the lock at path without waiting: nil, nil when another process holds it.
func TryLock(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("notify lock: %w", err)
	}
	held, err := flock.TryLock(f)
	if err != nil || !held {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("notify lock %s: %w", path, err)
		}
		return nil, nil
	}
	return &Lock{f: f}, nil
}

// Release lets another process take the lock. It is safe on a nil Lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the file drops its lock
	l.f = nil
	return err
}
