package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check shows what the runsheet found wrong with the journal — a seq gap, a checkpoint not
// in the runsheet, a torn last line — in the table and as check --json's "warnings", naming
// the journal itself, not the copy check reads.
func TestCheckShowsJournalWarnings(t *testing.T) {
	srv, _ := api(t)
	path := writeConfig(t, "title: W\nhealth:\n  - name: api\n    url: "+srv.URL+"/\n"+runsheetYAML)
	out, _, _ := run(t, "check", "--json", "-c", path)
	var rep struct {
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Warnings == nil || len(rep.Warnings) != 0 {
		t.Fatalf("a clean journal: warnings %v (%v), want []\n%s", rep.Warnings, err, out)
	}
	journal := filepath.Join(filepath.Dir(path), "warroom.journal")
	lines := `{"seq":1,"checkpoint":"smoke","action":"start","at":"2025-03-08T01:00:00Z","by":"dana"}
{"seq":3,"checkpoint":"gone","action":"start","at":"2025-03-08T01:01:00Z","by":"dana"}
{"seq":4,"checkpoint":"smoke","action":"do`
	if err := os.WriteFile(journal, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, "check", "--json", "-c", path)
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("check --json: code %d, %v\n%s", code, err, out)
	}
	all := strings.Join(rep.Warnings, "\n")
	for _, want := range []string{"transition 3 follows 1", `names checkpoint "gone"`, journal + ": line 3 is incomplete"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "warroom-check-") {
		t.Errorf("a warning names the temporary copy:\n%s", all)
	}
	table, _, _ := run(t, "check", "-c", path)
	if !strings.Contains(table, "\nWARNINGS\n") || !strings.Contains(table, "transition 3 follows 1") {
		t.Fatalf("the table does not show the warnings:\n%s", table)
	}
}

// A journal that does not read is an error naming the journal and its line, not the
// temporary copy check and checkpoint list read.
func TestCheckErrorNamesTheJournal(t *testing.T) {
	srv, _ := api(t)
	path := writeConfig(t, "title: W\nhealth:\n  - name: api\n    url: "+srv.URL+"/\n"+runsheetYAML)
	journal := filepath.Join(filepath.Dir(path), "warroom.journal")
	if err := os.WriteFile(journal, []byte("garbage\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check"}, {"checkpoint", "list"}} {
		_, stderr, code := run(t, append(args, "-c", path)...)
		if code == 0 || !strings.Contains(stderr, "journal "+journal+" line 1: not a transition") || strings.Contains(stderr, "warroom-check-") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
