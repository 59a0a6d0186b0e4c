package flock

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTryLock: of two opens of one file, only one holds the exclusive lock until it lets go.
func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	a, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if ok, err := TryLock(a); !ok || err != nil {
		t.Fatalf("first TryLock = %v, %v", ok, err)
	}
	if ok, err := TryLock(b); ok || err != nil {
		t.Fatalf("second TryLock while held = %v, %v; want false", ok, err)
	}
	if err := Unlock(a); err != nil {
		t.Fatal(err)
	}
	if ok, err := TryLock(b); !ok || err != nil {
		t.Fatalf("TryLock after Unlock = %v, %v", ok, err)
	}
	if err := Unlock(b); err != nil {
		t.Fatal(err)
	}
	if err := Lock(a, false); err != nil {
		t.Fatal(err)
	}
	if ok, _ := TryLock(b); ok {
		t.Fatal("an exclusive lock was taken over a shared one")
	}
}
