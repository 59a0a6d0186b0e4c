package runsheet

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestKillWriters SIGKILLs a writer process at random moments, many times: every
// transition it acknowledged (printed after Commit returned) is in the journal, and the
// journal always opens.
func TestKillWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 30 processes")
	}
	path := journalPath(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	acked := map[int64]Action{}
	for round := 0; round < 30; round++ {
		cmd, out := child(t, "loop", path, "a")
		var got []string
		done, first := make(chan struct{}), make(chan struct{}, 1)
		go func() { got = lines(&firstLine{r: out, first: first}); close(done) }()
		select { // kill it while it writes, not while it starts
		case <-first:
		case <-done:
		}
		time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond) // wall time: a random point in a real child's writes
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
		_ = cmd.Wait()
		for _, l := range got {
			seq, action, ok := strings.Cut(l, " ")
			n, err := strconv.ParseInt(seq, 10, 64)
			if !ok || err != nil {
				t.Fatalf("round %d: bad line %q", round, l)
			}
			acked[n] = Action(action)
		}
		s, err := Open(procPlan(path), Options{})
		if err != nil {
			t.Fatalf("round %d: journal does not open after kill -9: %v", round, err)
		}
		_ = s.Close()
	}
	if len(acked) < 30 {
		t.Fatalf("only %d acknowledged transitions in 30 rounds: the writer barely ran", len(acked))
	}
	journaled := readJournal(t, path)
	for seq, action := range acked {
		tr, ok := journaled[seq]
		if !ok || tr.Action != action {
			t.Fatalf("acknowledged transition %d (%s) lost: journal has %+v", seq, action, tr)
		}
	}
	t.Logf("%d acknowledged transitions over 30 kills, %d journaled", len(acked), len(journaled))
}

// TestConcurrentWriters: 20 processes × 50 transitions on one journal — none lost, none
// duplicated, seqs dense, and every process reads the same final state.
func TestConcurrentWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 20 processes")
	}
	const procs, each = 20, 50
	path := journalPath(t)
	total := fmt.Sprint(procs * each)
	var wg sync.WaitGroup
	results := make([][]string, procs)
	for i := 0; i < procs; i++ {
		cmd, out := child(t, "writer", path, fmt.Sprintf("p%d", i), countEnv+"=50", totalEnv+"="+total)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = lines(out)
			if err := cmd.Wait(); err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	journaled := readJournal(t, path)
	if len(journaled) != procs*each {
		t.Fatalf("journal holds %d transitions, want %d", len(journaled), procs*each)
	}
	for seq := int64(1); seq <= procs*each; seq++ {
		if _, ok := journaled[seq]; !ok {
			t.Fatalf("seq %d missing: seqs are not dense", seq)
		}
	}
	s := open(t, procPlan(path), Options{})
	want := digest(s.View())
	for i, out := range results {
		if len(out) != each+1 {
			t.Fatalf("writer %d printed %d lines, want %d acks and its final state", i, len(out), each+1)
		}
		for _, l := range out[:each] {
			seq, _ := strconv.ParseInt(strings.Fields(l)[0], 10, 64)
			if tr := journaled[seq]; tr.Checkpoint != fmt.Sprintf("p%d", i) {
				t.Fatalf("writer %d acknowledged seq %d, but the journal has %+v there", i, seq, tr)
			}
		}
		if got := strings.TrimPrefix(out[each], "final "); got != want {
			t.Fatalf("writer %d saw\n%s\nthe journal folds to\n%s", i, got, want)
		}
	}
	if !strings.Contains(want, "seq=1000 ") || strings.Contains(want, "running") {
		t.Fatalf("final state: %s", want)
	}
}

// TestRaceToDone: ten processes mark one running checkpoint done at the same moment;
// exactly one succeeds, the others are refused with the reason.
func TestRaceToDone(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 10 processes")
	}
	path := journalPath(t)
	s := open(t, procPlan(path), Options{})
	do(t, s, "race", Start)
	goFile := filepath.Join(t.TempDir(), "go")
	var wg sync.WaitGroup
	outs := make([][]string, 10)
	ready := make(chan struct{}, 10)
	for i := range outs {
		cmd, out := child(t, "race", path, "race", goEnv+"="+goFile)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			outs[i] = lines(&firstLine{r: out, first: ready})
			_ = cmd.Wait()
		}(i)
	}
	for i := 0; i < 10; i++ {
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			t.Fatal("writers did not get ready")
		}
	}
	if err := os.WriteFile(goFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	oks, refusals := 0, 0
	for i, out := range outs {
		if len(out) != 2 {
			t.Fatalf("racer %d printed %q", i, out)
		}
		switch {
		case strings.HasPrefix(out[1], "ok "):
			oks++
		case strings.Contains(out[1], `"race" is already done (by pid`):
			refusals++
		default:
			t.Fatalf("racer %d: %q", i, out[1])
		}
	}
	if oks != 1 || refusals != 9 {
		t.Fatalf("%d succeeded and %d were refused; want exactly 1 and 9", oks, refusals)
	}
	s.Refresh()
	if v := s.View(); cp(v, "race").State != Done || v.Seq != 2 {
		t.Fatalf("after the race: %s", digest(v))
	}
}

// firstLine passes a reader through, signalling once when a first whole line has passed.
type firstLine struct {
	r     io.Reader
	first chan<- struct{}
	sent  bool
}

func (r *firstLine) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if !r.sent && bytes.IndexByte(p[:n], '\n') >= 0 {
		r.sent = true
		r.first <- struct{}{}
	}
	return n, err
}
