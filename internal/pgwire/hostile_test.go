package pgwire_test

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

// hostile is a fake server on loopback (a fault a real server cannot be made to commit):
// it reads the startup message, optionally logs the client in, reads one query, and then
// sends a message header claiming an absurd length.
func hostile(t *testing.T, login bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		nc, err := l.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
		if readStartup(nc) != nil {
			return
		}
		if login {
			_, _ = nc.Write([]byte{'R', 0, 0, 0, 8, 0, 0, 0, 0, 'Z', 0, 0, 0, 5, 'I'})
			var hdr [5]byte
			if _, err := io.ReadFull(nc, hdr[:]); err != nil {
				return
			}
			_, _ = io.CopyN(io.Discard, nc, int64(binary.BigEndian.Uint32(hdr[1:]))-4)
		}
		_, _ = nc.Write([]byte{'D', 0x7f, 0xff, 0xff, 0xf0, 0, 1})
		_, _ = io.Copy(io.Discard, nc) // until the client hangs up
	}()
	t.Cleanup(func() { _ = l.Close(); wg.Wait() })
	return "postgres://u:pw@" + l.Addr().String() + "/db?sslmode=disable"
}

func readStartup(nc net.Conn) error {
	var n [4]byte
	if _, err := io.ReadFull(nc, n[:]); err != nil {
		return err
	}
	_, err := io.CopyN(io.Discard, nc, int64(binary.BigEndian.Uint32(n[:]))-4)
	return err
}

// TestHostileLength: a length of 2 GiB in a message is refused at once, without
// allocating it, and the connection is closed — while logging in and mid-query.
func TestHostileLength(t *testing.T) {
	for _, login := range []bool{false, true} {
		cfg, err := pgwire.ParseConfig(hostile(t, login))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		c, err := pgwire.Connect(ctx, cfg)
		if login {
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Query(ctx, "SELECT 1")
			if !c.IsClosed() {
				t.Error("the connection stays open after a hostile message")
			}
		}
		runtime.ReadMemStats(&after)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "the limit is 64 MiB") || time.Since(start) > 2*time.Second {
			t.Fatalf("login %v: after %v: %v", login, time.Since(start), err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
			t.Fatalf("login %v: %d bytes allocated", login, grew)
		}
	}
}
