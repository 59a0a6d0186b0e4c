package pgwire_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o600) }

// TestSSLModes: each sslmode against a server with TLS (certificate for localhost, by
// ca.pem) and one without; pg_stat_ssl says whether the session is encrypted.
func TestSSLModes(t *testing.T) {
	need(t)
	ca, other := filepath.Join(certDir, "ca.pem"), filepath.Join(certDir, "other-ca.pem")
	for _, tc := range []struct {
		name, user, params string
		plain              bool   // against plainSrv
		want               string // "t", "f", or a part of the error
	}{
		{"disable", "u_scram", "sslmode=disable", false, "f"},
		{"allow", "u_scram", "sslmode=allow", false, "f"},
		{"allow, hostssl only", "u_tls", "sslmode=allow", false, "t"},
		{"prefer", "u_scram", "sslmode=prefer", false, "t"},
		{"default is prefer", "u_scram", "", false, "t"},
		{"require", "u_scram", "sslmode=require", false, "t"},
		{"verify-ca by IP", "u_scram", "sslmode=verify-ca&sslrootcert=" + ca, false, "t"},
		{"verify-full by name", "u_scram", "sslmode=verify-full&sslrootcert=" + ca + "&host=localhost&hostaddr=127.0.0.1", false, "t"},
		{"verify-full by IP", "u_scram", "sslmode=verify-full&sslrootcert=" + ca, false, "doesn't contain any IP SANs"},
		{"verify-full, other CA", "u_scram", "sslmode=verify-full&sslrootcert=" + other + "&host=localhost&hostaddr=127.0.0.1",
			false, "certificate signed by unknown authority"},
		{"require with a root cert is verify-ca", "u_scram", "sslmode=require&sslrootcert=" + other, false,
			"certificate signed by unknown authority"},
		{"hostssl only, disable", "u_tls", "sslmode=disable", false, "no encryption"},
		{"require, no TLS", "postgres", "sslmode=require", true, "the server refused TLS"},
		{"prefer, no TLS", "postgres", "sslmode=prefer", true, "f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, pw := tlsSrv, pwSCRAM
			if tc.plain {
				srv, pw = plainSrv, ""
			}
			c, err := open(t, dsnFor(srv, tc.user, pw, tc.params))
			if tc.want != "t" && tc.want != "f" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := one(t, c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"); got != tc.want {
				t.Fatalf("ssl = %s, want %s", got, tc.want)
			}
		})
	}
}
