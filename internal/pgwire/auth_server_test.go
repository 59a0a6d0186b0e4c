package pgwire_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

// dsnFor is a URL for user (and password) on s, database postgres, with more parameters.
func dsnFor(s *pgtest.Server, user, password, params string) string {
	u := url.URL{Scheme: "postgres", Host: s.Addr(), Path: "/postgres", RawQuery: params}
	u.User = url.User(user)
	if password != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

// open connects with dsn (5 s at most) and closes the connection when the test ends.
func open(t *testing.T, dsn string) (*pgwire.Conn, error) {
	t.Helper()
	cfg, err := pgwire.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pgwire.Connect(ctx, cfg)
	if c != nil {
		t.Cleanup(func() { _ = c.Close(context.Background()) })
	}
	return c, err
}

// one runs q and returns the first value of its first row ("<NULL>" for NULL).
func one(t *testing.T, c *pgwire.Conn, q string, args ...any) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := c.Query(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if len(res) == 0 || len(res[len(res)-1].Rows) == 0 {
		t.Fatalf("%s: no rows (%+v)", q, res)
	}
	v := res[len(res)-1].Rows[0][0]
	if v == nil {
		return "<NULL>"
	}
	return *v
}

// TestAuthMethods logs in by each method pg_hba.conf asks for (the server's log names the
// method it used), and a wrong password is refused with 28P01 without showing it.
func TestAuthMethods(t *testing.T) {
	need(t)
	for _, tc := range []struct{ user, pw, method string }{
		{"u_trust", "", ""},
		{"u_clear", pwClear, "method=password"},
		{"u_md5", pwMD5, "method=md5"},
		{"u_scram", pwSCRAM, "method=scram-sha-256"},
	} {
		t.Run(tc.user, func(t *testing.T) {
			c, err := open(t, dsnFor(tlsSrv, tc.user, tc.pw, "sslmode=disable&application_name=pgwire-"+tc.user))
			if err != nil {
				t.Fatal(err)
			}
			if got := one(t, c, "SELECT current_user"); got != tc.user {
				t.Fatalf("current_user = %q", got)
			}
			if got := one(t, c, "SELECT current_setting('application_name')"); got != "pgwire-"+tc.user {
				t.Fatalf("application_name = %q", got)
			}
			if c.ParameterStatus("server_version") == "" || c.PID() == 0 {
				t.Fatalf("no server_version or backend key data: %q %d", c.ParameterStatus("server_version"), c.PID())
			}
			if tc.method != "" && !strings.Contains(tlsSrv.LogTail(), fmt.Sprintf("identity=\"%s\" %s", tc.user, tc.method)) {
				t.Fatalf("the server log does not show %s for %s: %s", tc.method, tc.user, tlsSrv.LogTail())
			}
			if tc.pw == "" {
				return
			}
			_, err = open(t, dsnFor(tlsSrv, tc.user, "wrong-"+tc.pw, "sslmode=disable"))
			var pe *pgwire.PgError
			if !errors.As(err, &pe) || pe.Code != "28P01" || pe.Severity != "FATAL" {
				t.Fatalf("wrong password: %v", err)
			}
			if strings.Contains(err.Error(), "wrong-"+tc.pw) {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}

// TestAuthRefusals: an unknown database (3D000), GSSAPI (not supported), a missing password.
func TestAuthRefusals(t *testing.T) {
	need(t)
	_, err := open(t, strings.Replace(dsnFor(tlsSrv, "u_scram", pwSCRAM, "sslmode=disable"), "/postgres?", "/nosuchdb?", 1))
	var pe *pgwire.PgError
	if !errors.As(err, &pe) || pe.Code != "3D000" || !strings.Contains(pe.Message, "nosuchdb") {
		t.Fatalf("unknown database: %v", err)
	}
	if _, err = open(t, dsnFor(tlsSrv, "u_gss", "", "sslmode=disable")); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("gss: %v", err)
	}
	t.Setenv("PGPASSFILE", "/nonexistent")
	if _, err = open(t, dsnFor(tlsSrv, "u_scram", "", "sslmode=disable")); err == nil || !strings.Contains(err.Error(), "none is given") {
		t.Fatalf("no password: %v", err)
	}
}

// TestSASLPrepPassword: the server stores SASLprep("pä ss"); the client maps a no-break
// space to a space and drops a soft hyphen the same way, so the unnormalized form logs in.
func TestSASLPrepPassword(t *testing.T) {
	need(t)
	for _, pw := range []string{pwPrep, "p\u00e4\u00a0s\u00ads"} {
		c, err := open(t, dsnFor(tlsSrv, "u_prep", pw, "sslmode=disable"))
		if err != nil {
			t.Fatalf("%q: %v", pw, err)
		}
		if got := one(t, c, "SELECT current_user"); got != "u_prep" {
			t.Fatalf("current_user = %q", got)
		}
	}
}

// TestPgpassLogin: with no password in the DSN, the one in PGPASSFILE logs in.
func TestPgpassLogin(t *testing.T) {
	need(t)
	f := t.TempDir() + "/pgpass"
	line := fmt.Sprintf("127.0.0.1:%d:*:u_scram:%s\n", tlsSrv.Port, pwSCRAM)
	if err := writeFile(f, line); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", f)
	c, err := open(t, dsnFor(tlsSrv, "u_scram", "", "sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	if got := one(t, c, "SELECT current_user"); got != "u_scram" {
		t.Fatalf("current_user = %q", got)
	}
}

// TestUnixSocket connects through the server's socket folder (keyword/value form).
func TestUnixSocket(t *testing.T) {
	need(t)
	c, err := open(t, fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=require", tlsSrv.SocketDir(), tlsSrv.Port))
	if err != nil {
		t.Fatal(err)
	}
	if got := one(t, c, "SELECT coalesce(inet_client_addr()::text, 'socket')"); got != "socket" {
		t.Fatalf("client address %q: not over the socket", got)
	}
}
