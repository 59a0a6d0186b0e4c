package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `check` and `checkpoint list` read a copy of the journal; their errors name the journal
// itself (issue 11: they named /tmp/warroom-check-…/journal, gone by the time one looks).
func TestReadOnlyCommandsNameTheJournal(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "cut.journal")
	if err := os.WriteFile(journal, []byte("garbage line\n{\"seq\":1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "warroom.yaml")
	body := "title: j\nrunsheet:\n  journal: ./cut.journal\n  checkpoints:\n    - {id: a, title: A}\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check"}, {"check", "--json"}, {"checkpoint", "list"}} {
		_, stderr, code := run(t, append(args, "-c", cfg)...)
		if code == 0 {
			t.Errorf("%v on a broken journal exited 0", args)
		}
		if !strings.Contains(stderr, "journal "+journal+" line 1") || strings.Contains(stderr, "warroom-check-") {
			t.Errorf("%v: the error does not name %s: %q", args, journal, stderr)
		}
	}
}
