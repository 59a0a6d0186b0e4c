package mysql

import (
	"strings"
	"testing"
	"time"
)

func mustMaria(t *testing.T, s string) []mariaGTID {
	t.Helper()
	g, err := parseMariaGTIDs(s)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func gtidStrings(gs []mariaGTID) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = g.String()
	}
	return strings.Join(parts, ",")
}

func TestMariaNotIn(t *testing.T) {
	cases := []struct {
		replica, primary, want string
		only                   *uint32
	}{
		{"0-1-100", "0-1-120", "", nil},                         // behind: nothing of its own
		{"0-1-100,0-11-4521", "0-1-120", "0-11-4521", nil},      // a pair the primary lacks
		{"0-1-100,0-2-7", "0-1-120,0-2-5", "0-2-7", nil},        // the primary has the pair, older
		{"0-1-100,0-2-5", "0-1-120,0-2-5", "", nil},             // history both share
		{"0-1-5,1-2-3", "0-1-9", "1-2-3", nil},                  // another domain
		{"0-1-5,0-3-8,0-2-9", "0-1-5", "0-2-9", ptr(uint32(2))}, // multi-source: own server only
		{"", "0-1-5", "", nil},                                  // log_bin off: empty state
		{"4294967295-4294967295-18446744073709551615", "", "4294967295-4294967295-18446744073709551615", nil},
	}
	for _, c := range cases {
		got := gtidStrings(mariaNotIn(mustMaria(t, c.replica), mustMaria(t, c.primary), c.only))
		if got != c.want {
			t.Errorf("mariaNotIn(%q, %q) = %q, want %q", c.replica, c.primary, got, c.want)
		}
	}
}

func TestMariaCoversAndLocal(t *testing.T) {
	if !mariaCovers(mustMaria(t, "0-1-120,1-5-3"), mustMaria(t, "0-1-120")) {
		t.Error("caught up replica not covered")
	}
	if mariaCovers(mustMaria(t, "0-1-119"), mustMaria(t, "0-1-120")) || mariaCovers(nil, mustMaria(t, "1-1-1")) {
		t.Error("behind replica covered")
	}
	if got := gtidStrings(mariaLocal(mustMaria(t, "0-2-121,99-2-1"), mustMaria(t, "0-1-120"))); got != "0-2-121,99-2-1" {
		t.Errorf("mariaLocal = %q", got)
	}
	if got := mariaLocal(mustMaria(t, "0-1-120"), mustMaria(t, "0-1-120")); len(got) != 0 {
		t.Errorf("mariaLocal of equal positions = %v", got)
	}
}

func TestParseMariaGTIDErrors(t *testing.T) {
	for _, bad := range []string{"0-1", "a-1-2", "0-1-2-3", "0--2", "0-1-2,", "-1-1-1", "4294967296-1-1"} {
		if _, err := parseMariaGTIDs(bad); err == nil {
			t.Errorf("parseMariaGTIDs(%q) accepted", bad)
		}
	}
}

func TestParseMySQLGTIDSet(t *testing.T) {
	set := "6F1C1A0E-1111-11ee-9a7b-0242ac110002:1-4521:4523,\n 7a2b3c4d-2222-11ee-9a7b-0242ac110003:1-880,8a2b3c4d-2222-11ee-9a7b-0242ac110003:mytag:5"
	parts, err := parseMySQLGTIDSet(set)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 || parts[0].UUID != "6f1c1a0e-1111-11ee-9a7b-0242ac110002" ||
		parts[0].Text != "6F1C1A0E-1111-11ee-9a7b-0242ac110002:1-4521:4523" || parts[2].Text != "8a2b3c4d-2222-11ee-9a7b-0242ac110003:mytag:5" {
		t.Errorf("parts = %+v", parts)
	}
	found, err := mysqlFindings(set, "7a2b3c4d-2222-11ee-9a7b-0242ac110003")
	if err != nil || len(found) != 1 || found[0].Text != "7a2b3c4d-2222-11ee-9a7b-0242ac110003:1-880" {
		t.Errorf("own findings = %+v, %v", found, err)
	}
	for _, bad := range []string{"nouuid:1-5", "6f1c1a0e-1111-11ee-9a7b-0242ac110002", "6f1c1a0e-1111-11ee-9a7b-0242ac110002:5-1",
		"6f1c1a0e-1111-11ee-9a7b-0242ac110002:0", "6f1c1a0e-1111-11ee-9a7b-0242ac11000z:1"} {
		if _, err := parseMySQLGTIDSet(bad); err == nil {
			t.Errorf("parseMySQLGTIDSet(%q) accepted", bad)
		}
	}
}

// TestStrayMemory pins what a DBA sees across polls.
func TestStrayMemory(t *testing.T) {
	var s strayState
	t0 := time.Unix(1000, 0)
	a := finding{Key: "0-11", Text: "0-11-4521"}
	if fresh := s.authoritative([]finding{a}, t0); len(fresh) != 1 {
		t.Fatalf("first sight: %v", fresh)
	}
	a2 := finding{Key: "0-11", Text: "0-11-4522"}
	if fresh := s.authoritative([]finding{a2}, t0.Add(time.Second)); len(fresh) != 0 {
		t.Fatalf("the same origin writing again is not a new event: %v", fresh)
	}
	l := s.list()
	if len(l) != 1 || l[0].Text != "0-11-4522" || !l[0].First.Equal(t0) {
		t.Fatalf("entry %+v: newest GTID, first-seen time kept", l)
	}
	s.authoritative(nil, t0.Add(2*time.Second)) // reconciled
	if len(s.list()) != 0 {
		t.Fatal("a reconciled stray write must clear")
	}
	s.noteExpect("read_only")
	b := finding{Key: "binlog", Text: "binlog bin.1:4 → bin.1:99"}
	s.latch([]finding{b}, t0)
	s.latch(nil, t0.Add(time.Second))
	if len(s.list()) != 1 {
		t.Fatal("a latched stray write must stay")
	}
	s.noteExpect("read_only")
	if len(s.list()) != 1 {
		t.Fatal("the same expectation must not clear it")
	}
	s.noteExpect("writable")
	if len(s.list()) != 0 || s.baseline != "" {
		t.Fatal("a changed expectation clears it")
	}
}

func ptr[T any](v T) *T { return &v }
