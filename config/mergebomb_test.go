package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// mergeChain is a config whose anchors double at each level through merge keys:
// x-aN: &aN {<<: [*aN-1, *aN-1]}, merged into defaults at the end. Expanded naively it
// copies 2^levels mappings (issue 11: 26 levels took validate minutes and gigabytes).
func mergeChain(levels int) string {
	var b strings.Builder
	b.WriteString("x-a0: &a0 {interval: 5s}\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "x-a%d: &a%d\n  <<: [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	fmt.Fprintf(&b, "title: bomb\ndefaults:\n  <<: *a%d\n", levels)
	return b.String()
}

// TestMergeBomb: a 26-level merge chain is refused with a positioned error that says what
// to do, after bounded work (the limit is generous: the machine is shared; the figure is
// logged).
func TestMergeBomb(t *testing.T) {
	src := mergeChain(26)
	start := time.Now()
	es := parseErrors(t, src, nil)
	took := time.Since(start)
	t.Logf("%d-byte 26-level merge chain refused in %v", len(src), took)
	if took > 10*time.Second {
		t.Errorf("refusing the chain took %v, want well under 3s", took)
	}
	if len(es) != 1 {
		t.Fatalf("errors = %v, want one", es)
	}
	e := es[0]
	lines := strings.Count(src, "\n")
	if e.Pos.Line != lines || e.Pos.Col != 3 {
		t.Errorf("error at %v, want %d:3 (the << under defaults)", e.Pos, lines)
	}
	for _, want := range []string{"too many values", "<< merge", "merge each anchor once"} {
		if !strings.Contains(e.Msg, want) {
			t.Errorf("message %q lacks %q", e.Msg, want)
		}
	}
	if s := e.Error(); !strings.HasPrefix(s, fmt.Sprintf("w.yaml:%d:3: ", lines)) {
		t.Errorf("error text %q is not FILE:LINE:COL: …", s)
	}
}

// TestMergeChainSmallStillWorks: a short chain that stays within the limit merges as before.
func TestMergeChainSmallStillWorks(t *testing.T) {
	c := mustParse(t, mergeChain(5), nil)
	if got := time.Duration(c.Defaults.Interval); got != 5*time.Second {
		t.Errorf("defaults.interval = %v, want 5s from the merged anchors", got)
	}
}
