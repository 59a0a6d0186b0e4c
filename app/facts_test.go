package app

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/facts.md")

// TestFactsDoc: docs/facts.md is the declared kinds, as FactsMarkdown writes them.
func TestFactsDoc(t *testing.T) {
	const path = "../docs/facts.md"
	want := FactsMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s is not what the kinds declare; run go test ./app -run TestFactsDoc -update", path)
	}
}
