package health

import (
	"context"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

func TestTCPOpenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	p := newProbe(t, config.Health{TCP: l.Addr().String()})
	if p.Kind() != "tcp" {
		t.Fatalf("kind %q", p.Kind())
	}
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	if r.Value == nil || r.Unit != "ms" || fact(t, r, "latency_ms") != *r.Value || fact(t, r, "error") != "" {
		t.Errorf("value %v facts %v", r.Value, r.Facts)
	}
	if !strings.HasPrefix(r.Detail, "open · ") {
		t.Errorf("detail %q", r.Detail)
	}
	// A latency limit below any real connect time turns it crit, without a poll error.
	p = newProbe(t, config.Health{TCP: l.Addr().String(), Latency: config.DurationLimits{Crit: config.Duration(time.Nanosecond)}})
	r = p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "" || r.Failed {
		t.Errorf("error %q failed %v: a slow connect is not a failed poll", r.Error, r.Failed)
	}
}

func TestTCPRefused(t *testing.T) {
	p := newProbe(t, config.Health{TCP: freePort(t)})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "connect: connection refused" || fact(t, r, "error") != r.Error || !r.Failed {
		t.Errorf("error %q facts %v", r.Error, r.Facts)
	}
	if r.Value != nil || fact(t, r, "latency_ms") != nil {
		t.Errorf("value %v latency_ms %v, want unknown", r.Value, r.Facts["latency_ms"])
	}
}

// fullBacklog returns the address of a listener that never accepts and whose accept queue
// is full, so that a further connect waits for an answer that never comes (Linux drops the
// SYN). ok is false when the kernel answers anyway.
func fullBacklog(t *testing.T) (addr string, ok bool) {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr = (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}).String()
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr, true // this connect already hangs: the queue is full
		}
		t.Cleanup(func() { _ = c.Close() })
	}
	return addr, false
}

func TestTCPConnectTimeoutEndsAtDeadline(t *testing.T) {
	addr, ok := fullBacklog(t)
	if !ok {
		t.Skip("this kernel completes connects beyond the accept queue; cannot make a connect hang on loopback")
	}
	p := newProbe(t, config.Health{TCP: addr, Timeout: config.Duration(300 * time.Millisecond)})
	start := time.Now()
	r := p.Poll(context.Background())
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("poll took %v with a 300ms timeout", took)
	}
	expectStatus(t, r, sources.Crit)
	if r.Error != "timeout after 300ms (no connection)" {
		t.Errorf("error %q", r.Error)
	}
}

func TestTCPUnknownHost(t *testing.T) {
	p := newProbe(t, config.Health{TCP: "no-such-host.invalid:3306", Timeout: config.Duration(2 * time.Second)})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if !strings.HasPrefix(r.Error, "dns: ") && !strings.HasPrefix(r.Error, "timeout after") {
		t.Errorf("error %q, want a dns failure", r.Error)
	}
}
