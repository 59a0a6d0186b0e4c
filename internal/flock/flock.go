// Package flock holds the advisory file locks warroom's processes coordinate with: the
// journal's (shared for readers, exclusive for an append), the recording's and the notify
// lock's (exclusive, never waited for). On Unix they are flock(2) locks, which the kernel
// releases when the holding process dies, so a killed process never leaves a file locked;
// on Windows, LockFileEx over the whole file.
package flock
