package mysql

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
)

// TestRefusedNodeSaysSoFirst: a node whose port refuses connections reads "connection
// refused" first, in Error and in the row's detail, before the DSN (password hidden).
func TestRefusedNodeSaysSoFirst(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: connecting is refused
	db := config.Database{Name: "gone", DSN: "warroom:pw-secret@tcp(" + addr + ")/", Timeout: config.Duration(time.Second)}
	s, err := New(db, nil, config.Defaults{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.Poll(context.Background())
	want := "connection refused · connect warroom:***@tcp(" + addr + ")/"
	if r.Error != want || r.Detail != "DOWN · connection refused" || !r.Failed {
		t.Fatalf("refused node: error %q detail %q; want %q, DOWN · connection refused", r.Error, r.Detail, want)
	}
	if strings.Contains(r.Error+r.Detail, "pw-secret") {
		t.Fatal("the password leaked")
	}
}

// TestStrayRowLeadsWithWhatIsWrong: a stray write on a writable node expected read-only reads
// "STRAY WRITE since … · WRITABLE, expected read-only" first; the long GTID set comes last.
func TestStrayRowLeadsWithWhatIsWrong(t *testing.T) {
	gtid := "3e11fa47-71ca-11e1-9e33-c80aa9429562:23-4521"
	got := strings.Join(problemsFirst([]string{"STRAY WRITE since 10:12:03", "0 s lag · heartbeat"},
		"WRITABLE, expected read-only", true, gtid), " · ")
	want := "STRAY WRITE since 10:12:03 · WRITABLE, expected read-only · 0 s lag · heartbeat · " + gtid
	if got != want {
		t.Errorf("detail %q\nwant   %q", got, want)
	}
	if got := strings.Join(problemsFirst([]string{"0 s lag · heartbeat"}, "read-only ✓", false, ""), " · "); got != "0 s lag · heartbeat · read-only ✓" {
		t.Errorf("healthy detail %q", got)
	}
}
