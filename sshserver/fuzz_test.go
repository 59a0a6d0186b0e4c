package sshserver

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/config"
)

// FuzzKeysFile feeds arbitrary authorized_keys files to the keyring: it must never panic,
// and it admits a key only from a line that parses, without options, as a plain public key.
func FuzzKeysFile(f *testing.F) {
	k := newKey(f, "alice@laptop")
	f.Add(k.line + "\n")
	f.Add("# comment\n\n" + k.line + "\r\n")
	f.Add(`from="10.0.0.1",no-pty ` + k.line)
	f.Add("ssh-ed25519 AAAA\x00\xff broken\n" + strings.Repeat("x", 70000))
	f.Fuzz(func(t *testing.T, data string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "keys.pub")
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		ring, err := newKeyring(config.SSH{Viewers: []string{path}}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(data, "\n") {
			key, _, options, _, err := gossh.ParseAuthorizedKey([]byte(line))
			if err != nil {
				continue
			}
			_, ok := ring.lookup(key)
			_, cert := key.(*gossh.Certificate)
			if ok && (len(options) > 0 || cert) {
				// Admitted only if another line lists the same key plainly.
				if !plainlyListed(data, key) {
					t.Fatalf("admitted %q from a line with options or a certificate", line)
				}
			}
		}
	})
}

func plainlyListed(data string, key gossh.PublicKey) bool {
	for _, line := range strings.Split(data, "\n") {
		k, _, options, _, err := gossh.ParseAuthorizedKey([]byte(strings.TrimSpace(line)))
		if err == nil && len(options) == 0 && string(k.Marshal()) == string(key.Marshal()) {
			return true
		}
	}
	return false
}

// FuzzCleanUser checks that a client-chosen user name comes out printable, one word, short
// and never empty.
func FuzzCleanUser(f *testing.F) {
	for _, s := range []string{"alice", "", "a b", "\x1b[31mred", "ünïcødé", strings.Repeat("x", 100), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u := cleanUser(s)
		if u == "" || utf8.RuneCountInString(u) > maxUserLen {
			t.Fatalf("cleanUser(%q) = %q", s, u)
		}
		for _, r := range u {
			if !unicode.IsPrint(r) || unicode.IsSpace(r) {
				t.Fatalf("cleanUser(%q) = %q keeps %q", s, u, r)
			}
		}
	})
}
