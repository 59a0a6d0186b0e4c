package postgres

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

// TestErrorsSayWhatToDo: each refusal is crit and failed, says what to change, and never
// shows the password, in the result or the facts.
func TestErrorsSayWhatToDo(t *testing.T) {
	c := needCluster(t)
	const secret = "s3cret-Pa55"
	p := c.Primary
	cases := []struct {
		name, dsn, want string
	}{
		{"wrong password", p.DSN(pgtest.MonitorUser, secret, pgtest.DB),
			"28P01: password authentication failed for user \"warroom\" (check the user and password of the DSN)"},
		{"pg_hba rejects", p.DSN(pgtest.RejectedUser, secret, pgtest.DB),
			"pg_hba.conf rejects connection for host \"127.0.0.1\", user \"rejected\""},
		{"no TLS", strings.Replace(p.DSN(pgtest.MonitorUser, secret, pgtest.DB), "sslmode=disable", "sslmode=require", 1),
			"(the server has no TLS: enable ssl on it, or use sslmode=disable on a trusted network)"},
		{"no such database", p.DSN(pgtest.MonitorUser, c.MonitorPassword, "nope"), "(check the database name of the DSN)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSource(t, config.Database{Name: "x", DSN: tc.dsn, Timeout: config.Duration(2 * time.Second)}, nil, nil)
			r := poll(s)
			if r.Status != sources.Crit || !r.Failed || !strings.Contains(r.Error, tc.want) || !strings.HasPrefix(r.Detail, "DOWN · ") {
				t.Fatalf("%s", describeResult(r))
			}
			if strings.Contains(describeResult(r), secret) {
				t.Fatalf("the password shows: %s", describeResult(r))
			}
			if err := sources.CheckFacts(Kind, r.Facts); err != nil {
				t.Error(err)
			}
		})
	}
	if !strings.Contains(cases[1].want, "pg_hba") {
		t.Fatal("case order changed")
	}
}

// TestNoPGMonitor: a role without pg_monitor can connect but does not see the standbys'
// state: the board says which grant is missing.
func TestNoPGMonitor(t *testing.T) {
	c := needCluster(t)
	s := newSource(t, config.Database{Name: "nomon", DSN: c.Primary.DSN(pgtest.NoMonitorUser, c.MonitorPassword, pgtest.DB)}, nil, nil)
	r := poll(s)
	if r.Status != sources.Warn || !strings.Contains(r.Detail, "lacks pg_monitor (GRANT pg_monitor TO it)") {
		t.Fatalf("%s", describeResult(r))
	}
}

// TestSessionCapped: every monitoring session carries statement_timeout at the poll's
// timeout, so a cancelled poll leaves nothing running on the server.
func TestSessionCapped(t *testing.T) {
	c := needCluster(t)
	db := dbConf("primary", c.Primary)
	db.Timeout = config.Duration(1500 * time.Millisecond)
	s := newSource(t, db, nil, nil)
	if r := poll(s); r.Status != sources.OK {
		t.Fatalf("%s", describeResult(r))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := queryRows(ctx, s.node.conn, "SELECT current_setting('statement_timeout') AS st, current_setting('application_name') AS app")
	if err != nil || rows[0].str("st") != "1500ms" || rows[0].str("app") != "warroom" {
		t.Fatalf("session settings %v, %v", rows, err)
	}
	_, err = s.node.query(ctx, "sleep on", "SELECT pg_sleep(3)")
	if err == nil || !strings.Contains(err.Error(), "57014") || !strings.Contains(err.Error(), "statement_timeout") {
		t.Fatalf("a 3 s statement under a 1.5 s cap: %v", err)
	}
}

// TestDownAndSilent: a closed port and a server that accepts but never answers are crit
// within the timeout, and the primary killed and restarted comes back on the next polls.
func TestDownAndSilent(t *testing.T) {
	c := needCluster(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var held []net.Conn
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		wg.Wait()
		mu.Lock()
		for _, c := range held {
			_ = c.Close()
		}
		mu.Unlock()
	})
	silent := newSource(t, config.Database{Name: "silent", DSN: "postgres://warroom:pw-secret@" + l.Addr().String() + "/lab?sslmode=disable",
		Timeout: config.Duration(time.Second)}, nil, nil)
	start := time.Now()
	r := poll(silent)
	if r.Status != sources.Crit || !r.Failed || !strings.Contains(r.Error, "no answer within 1s") || time.Since(start) > 3*time.Second {
		t.Fatalf("silent server after %v: %s", time.Since(start), describeResult(r))
	}
	if strings.Contains(describeResult(r), "pw-secret") {
		t.Fatal("password shown")
	}

	s := newSource(t, dbConf("primary", c.Primary), nil, nil)
	if r := poll(s); r.Status != sources.OK {
		t.Fatalf("%s", describeResult(r))
	}
	if err := c.Primary.Kill(); err != nil {
		t.Fatal(err)
	}
	r = poll(s)
	if r.Status != sources.Crit || !r.Failed || r.Facts["version"] == nil {
		t.Fatalf("killed primary: %s", describeResult(r))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := c.Primary.Start(ctx); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, s, 20*time.Second, "back after the restart", func(r sources.Result) bool { return r.Status == sources.OK })
}
