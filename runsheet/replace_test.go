package runsheet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// boardChild is a child process that keeps the sheet open and watched, as a running board does,
// and applies what its stdin asks: "start ID" prints "ok SEQ" or "err REASON"; "warnings"
// prints them on one line.
func boardChild(s *Sheet) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Watch(ctx)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		verb, id, _ := strings.Cut(in.Text(), " ")
		switch verb {
		case "start":
			tr, err := s.Commit(ctx, Transition{Checkpoint: id, Action: Start, By: "board"})
			if err != nil {
				fmt.Printf("err %v\n", err)
			} else {
				fmt.Printf("ok %d\n", tr.Seq)
			}
		case "warnings":
			fmt.Println(strings.Join(s.View().Warnings, " | "))
		}
	}
	return 0
}

// boardProc drives a board child process.
type boardProc struct {
	t   *testing.T
	in  io.WriteCloser
	out *bufio.Reader
}

func (b *boardProc) ask(line string) string {
	b.t.Helper()
	if _, err := fmt.Fprintln(b.in, line); err != nil {
		b.t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() { l, _ := b.out.ReadString('\n'); got <- strings.TrimSuffix(l, "\n") }()
	select {
	case l := <-got:
		return l
	case <-time.After(10 * time.Second):
		b.t.Fatalf("board process did not answer %q", line)
	}
	return ""
}

// TestReplacedJournalUnderARunningBoard: a board process runs; the journal is edited with
// sed -i (a new file at the path), then deleted. Each next transition the board acknowledges
// lands in the file at the path, a fresh process (what `checkpoint list` does) sees it, and
// the board's warnings say what happened. Before, the board appended to the unlinked file
// and acknowledged changes nobody would ever read.
func TestReplacedJournalUnderARunningBoard(t *testing.T) {
	if _, err := exec.LookPath("sed"); err != nil {
		t.Skip("no sed")
	}
	path := journalPath(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=board", journalEnv+"="+path)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = in.Close(); _ = cmd.Wait() }()
	b := &boardProc{t: t, in: in, out: bufio.NewReader(out)}

	if got := b.ask("start a"); got != "ok 1" {
		t.Fatalf("start a: %q", got)
	}
	// The docs' way of fixing a line: sed -i writes a new file and renames it over the old.
	if out, err := exec.Command("sed", "-i", `s/"by":"board"/"by":"fixed by hand"/`, path).CombinedOutput(); err != nil {
		t.Fatalf("sed -i: %v %s", err, out)
	}
	if got := b.ask("start p1"); got != "ok 2" {
		t.Fatalf("start p1 after sed -i: %q", got)
	}
	v := fresh(t, path)
	if cp(v, "p1").State != Running || cp(v, "a").By != "fixed by hand" {
		t.Fatalf("after sed -i a fresh process sees %s", digest(v))
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if got := b.ask("start p2"); got != "ok 3" {
		t.Fatalf("start p2 after the journal was deleted: %q", got)
	}
	v = fresh(t, path)
	if cp(v, "p2").State != Running || cp(v, "p1").State != Running || cp(v, "a").By != "fixed by hand" || v.Seq != 3 {
		t.Fatalf("after a delete a fresh process sees %s", digest(v))
	}
	w := b.ask("warnings")
	if !strings.Contains(w, "was replaced (edited with sed -i") || !strings.Contains(w, "was deleted while warroom ran") {
		t.Fatalf("the board's warnings do not say what happened: %q", w)
	}
}

// fresh opens the journal in this process, as `checkpoint list` does, and returns its view.
func fresh(t *testing.T, path string) View {
	t.Helper()
	s, err := Open(procPlan(path), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.View()
}

// TestSeqNearTheLimitIsCorrupt: a line whose seq is near the integer limit is not a number
// to add 1 to: it is ignored with a warning, and the next transition follows the last real one.
func TestSeqNearTheLimitIsCorrupt(t *testing.T) {
	path := journalPath(t)
	lines := `{"seq":1,"checkpoint":"a","action":"start","at":"2025-03-08T01:00:00Z","by":"dana"}
{"seq":9223372036854775807,"checkpoint":"d","action":"start","at":"2025-03-08T01:01:00Z","by":"mallory"}
{"seq":2,"checkpoint":"a","action":"done","at":"2025-03-08T01:02:00Z","by":"dana"}
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	s := open(t, basicPlan(path), Options{})
	v := s.View()
	if cp(v, "d").State != Pending || cp(v, "a").State != Done || len(v.Warnings) != 1 ||
		!strings.Contains(v.Warnings[0], "line 2: seq 9223372036854775807 is beyond any real journal") {
		t.Fatalf("state %s, warnings %q", digest(v), v.Warnings)
	}
	if tr := do(t, s, "b", Start); tr.Seq != 3 {
		t.Fatalf("next seq %d, want 3", tr.Seq)
	}
}

// TestReplacedByABrokenFile: a journal replaced by a file that does not read is not written
// to: the change is not recorded, with the reason, until the file is fixed.
func TestReplacedByABrokenFile(t *testing.T) {
	path := journalPath(t)
	s := open(t, basicPlan(path), Options{})
	do(t, s, "a", Start)
	good, _ := os.ReadFile(path)
	replace := func(data string) {
		tmp := path + ".new"
		if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	replace("garbage\n" + string(good))
	err := s.Apply(context.Background(), Transition{Checkpoint: "d", Action: Start, By: "dana"})
	var r *Refused
	if err == nil || errors.As(err, &r) || !strings.Contains(err.Error(), "was replaced and the new file cannot be read (journal") {
		t.Fatalf("apply on a broken replacement: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "garbage\n"+string(good) {
		t.Fatalf("the broken file was written to: %q", data)
	}
	replace(string(good))
	if tr := do(t, s, "d", Start); tr.Seq != 2 {
		t.Fatalf("after the fix: seq %d", tr.Seq)
	}
	if got := readJournal(t, path); len(got) != 2 {
		t.Fatalf("journal after the fix: %v", got)
	}
}

// TestReplacedByLessKeepsTheOld: a journal replaced by a file lacking transitions the old one
// had (a process started just after a delete made a fresh one) is followed, and the old
// file's lines are kept next to it for the operator, named in the warning.
func TestReplacedByLessKeepsTheOld(t *testing.T) {
	path := journalPath(t)
	s := open(t, basicPlan(path), Options{Now: newClock().Now})
	do(t, s, "a", Start)
	do(t, s, "a", Finish)
	do(t, s, "b", Start)
	old, _ := os.ReadFile(path)
	fresh := `{"seq":1,"checkpoint":"d","action":"start","at":"2025-03-08T01:00:00Z","by":"cli"}` + "\n"
	if err := os.WriteFile(path+".new", []byte(fresh), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
	s.Refresh()
	kept := path + ".replaced-20250308T010000"
	w := strings.Join(s.View().Warnings, "\n")
	if !strings.Contains(w, "the old file went up to seq 3: what followed seq 1 there is not in the new one; the old file is kept as "+kept) {
		t.Fatalf("warnings: %s", w)
	}
	if data, err := os.ReadFile(kept); err != nil || string(data) != string(old) {
		t.Fatalf("kept %q (%v), want the old journal %q", data, err, old)
	}
	if v := s.View(); cp(v, "d").State != Running || cp(v, "b").State != Pending {
		t.Fatalf("after following: %s", digest(v))
	}
	if tr := do(t, s, "a", Start); tr.Seq != 2 {
		t.Fatalf("next seq %d", tr.Seq)
	}
}
