//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package runsheet

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive (or shared) flock on f, waiting for it. A flock is released
// by the kernel when its process dies, so a killed writer never leaves the journal locked.
func lockFile(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

// unlockFile releases the lock taken by lockFile.
func unlockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
