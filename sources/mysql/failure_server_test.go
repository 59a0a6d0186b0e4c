package mysql

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// TestWrongPassword: a refused login is crit with a clear reason, and the password appears
// in no error, detail, fact or event.
func TestWrongPassword(t *testing.T) {
	p := needPair(t)
	const secret = "Sup3r-Secret-Wr0ng-pw"
	db := config.Database{Name: "primary", DSN: p.Primary.DSN("warroom", secret, ""), Timeout: config.Duration(2 * time.Second)}
	s := newSource(t, db, nil, nil)
	r := poll(s)
	if r.Status != sources.Crit || !r.Failed || !strings.HasPrefix(r.Error, "wrong password for warroom · connect warroom:***@tcp(") ||
		!strings.Contains(r.Error, "Access denied for user 'warroom'") ||
		!strings.Contains(r.Error, "check the user and password") || !strings.Contains(r.Error, "warroom:***@tcp(") {
		t.Fatalf("wrong password: %s", describeResult(r))
	}
	if r.Detail != "DOWN · wrong password for warroom" || r.Facts["last_error"] != r.Error {
		t.Errorf("detail %q, last_error %v", r.Detail, r.Facts["last_error"])
	}
	if all := fmt.Sprintf("%+v %s", r, describeResult(r)); strings.Contains(all, secret) {
		t.Fatalf("the password leaked: %s", all)
	}
	bad := config.Database{Name: "bad", DSN: "warroom:" + secret + "@tcp(127.0.0.1:1)/db?timeout=zzz"}
	if _, err := New(bad, nil, config.Defaults{}, nil); err == nil || strings.Contains(err.Error(), secret) ||
		!strings.Contains(err.Error(), "warroom:***@tcp(127.0.0.1:1)") {
		t.Fatalf("invalid DSN error: %v", err)
	}
}

// TestPrimaryKilledAndRestarted: a crashed primary is crit with the reason, its replica's IO
// thread is crit too, and both recover on the next polls once it is back.
func TestPrimaryKilledAndRestarted(t *testing.T) {
	p := needPair(t)
	replica := dbConf("replica", p.Replica)
	replica.ReplicaOf = "primary"
	all := []config.Database{dbConf("primary", p.Primary), replica}
	prim := newSource(t, all[0], all, nil)
	rep := newSource(t, replica, all, nil)
	if r := poll(prim); r.Status != sources.OK {
		t.Fatalf("primary before: %s", describeResult(r))
	}
	if err := p.Primary.Kill(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			_ = p.Primary.Start(context.Background())
		}
	})
	r := pollUntil(t, prim, 5*time.Second, "down", func(r sources.Result) bool {
		return r.Status == sources.Crit && strings.Contains(r.Error, "connection refused")
	})
	if r.Facts["dialect"] != "mariadb" || r.Facts["role"] != nil || !strings.Contains(r.Detail, "connection refused") {
		t.Errorf("down: %s", describeResult(r))
	}
	rr := pollUntil(t, rep, 10*time.Second, "IO thread not running", func(r sources.Result) bool {
		return r.Status == sources.Crit && r.Facts["io_running"] == false
	})
	if !strings.Contains(rr.Detail, "IO thread") || !strings.Contains(rr.Detail, "primary not checked") {
		t.Errorf("replica while the primary is down: %s", describeResult(rr))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Primary.Start(ctx); err != nil {
		t.Fatal(err)
	}
	restarted = true
	pollUntil(t, prim, 10*time.Second, "primary back", func(r sources.Result) bool {
		return r.Status == sources.OK && r.Error == ""
	})
	pollUntil(t, rep, 15*time.Second, "replica reconnected", func(r sources.Result) bool {
		return r.Status == sources.OK && r.Facts["io_running"] == true
	})
}

// TestUnresponsiveServer: a server that accepts connections and never answers is crit within
// the timeout; it does not hold the poll up.
func TestUnresponsiveServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	defer func() {
		l.Close()
		wg.Wait()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	db := config.Database{Name: "silent", DSN: "u:pw@tcp(" + l.Addr().String() + ")/", Timeout: config.Duration(500 * time.Millisecond)}
	s, err := New(db, nil, config.Defaults{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	r := s.Poll(context.Background())
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("poll took %v with a 500ms timeout", took)
	}
	if r.Status != sources.Crit || !strings.HasPrefix(r.Error, "no answer in 500ms · connect u:***@tcp(") || r.Detail != "DOWN · no answer in 500ms" {
		t.Fatalf("silent server: %s", describeResult(r))
	}
}

// TestReadOnlyFlip: a replica expected read-only that is made writable is crit; made
// read-only again it is ok; expected writable while read-only it is warn.
func TestReadOnlyFlip(t *testing.T) {
	p := needPair(t)
	exp := sources.NewExpectations(map[string]string{"replica": "read_only"})
	s := newSource(t, dbConf("replica", p.Replica), nil, exp)
	if r := poll(s); r.Status != sources.OK || !strings.Contains(r.Detail, "read-only ✓") {
		t.Fatalf("read-only replica: %s", describeResult(r))
	}
	exec(t, p.Replica, "SET GLOBAL read_only = OFF")
	t.Cleanup(func() { exec(t, p.Replica, "SET GLOBAL read_only = ON") })
	r := poll(s)
	if r.Status != sources.Crit || r.Facts["read_only"] != false || !strings.Contains(r.Detail, "WRITABLE, expected read-only") {
		t.Fatalf("writable replica expected read-only: %s", describeResult(r))
	}
	exec(t, p.Replica, "SET GLOBAL read_only = ON")
	if r := poll(s); r.Status != sources.OK || r.Facts["read_only"] != true {
		t.Fatalf("read-only again: %s", describeResult(r))
	}
	exp.Set("replica", "writable")
	r = poll(s)
	if r.Status != sources.Warn || r.Facts["expect"] != "writable" || !strings.Contains(r.Detail, "read-only, expected writable") {
		t.Fatalf("expected writable but read-only: %s", describeResult(r))
	}
}
