package sshserver

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/tui"
)

func writeKeys(t *testing.T, path string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestKeyringFilesAndInlineKeys(t *testing.T) {
	dir := t.TempDir()
	alice, bob, carol, dave, eve := newKey(t, "alice@laptop"), newKey(t, "bob"), newKey(t, "carol"), newKey(t, "dave"), newKey(t, "eve")
	ops, viewers := filepath.Join(dir, "operators.pub"), filepath.Join(dir, "viewers.pub")
	writeKeys(t, ops, "# the on-call operators", "", alice.line)
	writeKeys(t, viewers,
		bob.line,
		alice.line,                     // listed as both: stays an operator
		`from="10.0.0.0/8" `+dave.line, // options are not enforced, so the key is skipped
		"ssh-ed25519 not-base64 broken",
	)
	logs := &syncBuffer{}
	k, err := newKeyring(config.SSH{Operators: []string{ops, carol.line}, Viewers: []string{viewers}},
		slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key     testKey
		ok      bool
		role    tui.Role
		comment string
	}{
		{alice, true, tui.Operator, "alice@laptop"},
		{carol, true, tui.Operator, "carol"},
		{bob, true, tui.Viewer, "bob"},
		{dave, false, 0, ""},
		{eve, false, 0, ""},
	} {
		e, ok := k.lookup(c.key.signer.PublicKey())
		if ok != c.ok || (ok && (e.role != c.role || e.comment != c.comment)) {
			t.Fatalf("%s: ok=%v role=%v comment=%q, want ok=%v role=%v comment=%q",
				c.key.line, ok, e.role, e.comment, c.ok, c.role, c.comment)
		}
	}
	log := logs.String()
	for _, want := range []string{"viewers.pub:3", "options", "viewers.pub:4", "not a public key"} {
		if !strings.Contains(log, want) {
			t.Fatalf("log does not mention %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "AAAA") {
		t.Fatalf("log quotes key material:\n%s", log)
	}
	if ops, views := k.count(); ops != 2 || views != 1 {
		t.Fatalf("count = %d operators, %d viewers, want 2 and 1", ops, views)
	}
}

func TestKeyringFollowsFileChanges(t *testing.T) {
	dir := t.TempDir()
	alice, bob := newKey(t, "alice"), newKey(t, "bob")
	ops := filepath.Join(dir, "operators.pub")
	writeKeys(t, ops, alice.line)
	k, err := newKeyring(config.SSH{Operators: []string{ops}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.lookup(bob.signer.PublicKey()); ok {
		t.Fatal("bob admitted before being added")
	}
	writeKeys(t, ops, alice.line, bob.line)
	if _, ok := k.lookup(bob.signer.PublicKey()); !ok {
		t.Fatal("bob not admitted after being added to the file")
	}
	writeKeys(t, ops, bob.line)
	future := time.Now().Add(time.Minute) // same size: the change shows in the time
	os.Chtimes(ops, future, future)
	if _, ok := k.lookup(alice.signer.PublicKey()); ok {
		t.Fatal("alice still admitted after being removed from the file")
	}
	os.Remove(ops)
	if _, ok := k.lookup(bob.signer.PublicKey()); ok {
		t.Fatal("keys still admitted after their file was removed")
	}
	if _, ok := k.lookup(nil); ok {
		t.Fatal("no key admitted")
	}
}

func TestKeyringMissingFileIsAnError(t *testing.T) {
	_, err := newKeyring(config.SSH{Viewers: []string{"/nonexistent/viewers.pub"}}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "ssh.viewers") || !strings.Contains(err.Error(), "authorized_keys") {
		t.Fatalf("err = %v, want one naming ssh.viewers and the file format", err)
	}
}

func TestNewNeedsSomeoneWhoCanLogIn(t *testing.T) {
	dir := t.TempDir()
	a := newApp(t, dir)
	defer a.Close()
	_, err := New(a, config.SSH{HostKey: filepath.Join(dir, "host")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "nobody could log in") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "host")); !os.IsNotExist(err) {
		t.Fatal("a host key was written for a server that could not start")
	}
}

func TestIdentityNamesAndJournal(t *testing.T) {
	k := newKey(t, "x")
	id := Identity{User: cleanUser("al\x1b[31mice with a very long name that goes on and on"), Role: tui.Operator,
		Fingerprint: gossh.FingerprintSHA256(k.signer.PublicKey())}
	if strings.ContainsAny(id.User, "\x1b ") || len([]rune(id.User)) != maxUserLen {
		t.Fatalf("cleaned user %q", id.User)
	}
	if j := id.Journal(); !strings.HasPrefix(j, "ssh:alice_with_a") || !strings.HasSuffix(j, " "+k.fp) {
		t.Fatalf("journal name %q", j)
	}
	if w := (Identity{User: "bob", Role: tui.Viewer}).Watcher(); w != "bob (viewer)" {
		t.Fatalf("viewer watcher %q", w)
	}
	if w := (Identity{User: "carol", Role: tui.Viewer, Anonymous: true}).Watcher(); w != "carol (anonymous)" {
		t.Fatalf("anonymous watcher %q", w)
	}
	if cleanUser("") != "?" {
		t.Fatal("an empty user is not shown as ?")
	}
}
