package runsheet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
)

// The tests re-execute their own binary as writer processes, told what to do by these
// environment variables.
const (
	childEnv   = "RUNSHEET_TEST_CHILD" // mode: loop, writer, race, once, board
	journalEnv = "RUNSHEET_TEST_JOURNAL"
	cpEnv      = "RUNSHEET_TEST_CP"
	countEnv   = "RUNSHEET_TEST_COUNT"
	totalEnv   = "RUNSHEET_TEST_TOTAL"
	goEnv      = "RUNSHEET_TEST_GO" // a file whose existence starts a race
)

// procPlan is the plan shared by the parent test and its writer processes: independent
// checkpoints p0…p19, "race" and "a".
func procPlan(journal string) config.Runsheet {
	rs := config.Runsheet{Journal: journal}
	for i := 0; i < 20; i++ {
		rs.Checkpoints = append(rs.Checkpoints, config.Checkpoint{ID: fmt.Sprintf("p%d", i), Title: "writer", After: []string{}})
	}
	rs.Checkpoints = append(rs.Checkpoints,
		config.Checkpoint{ID: "race", Title: "race", After: []string{}},
		config.Checkpoint{ID: "a", Title: "a", After: []string{}})
	return rs
}

// runChild is a writer process's main.
func runChild(mode string) int {
	s, err := Open(procPlan(os.Getenv(journalEnv)), Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 2
	}
	defer s.Close()
	id := os.Getenv(cpEnv)
	by := fmt.Sprintf("pid%d", os.Getpid())
	switch mode {
	case "loop", "writer":
		n, _ := strconv.Atoi(os.Getenv(countEnv))
		if err := toggle(s, id, by, n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if mode == "writer" {
			total, _ := strconv.ParseInt(os.Getenv(totalEnv), 10, 64)
			return awaitTotal(s, total)
		}
	case "race":
		fmt.Println("ready")
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Millisecond) {
			if _, err := os.Stat(os.Getenv(goEnv)); err == nil {
				break
			} else if time.Now().After(deadline) {
				return 3
			}
		}
		tr, err := s.Commit(context.Background(), Transition{Checkpoint: id, Action: Finish, By: by})
		var r *Refused
		switch {
		case err == nil:
			fmt.Printf("ok %d\n", tr.Seq)
		case errors.As(err, &r):
			fmt.Printf("refused %s\n", r.Reason)
		default:
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	case "board":
		return boardChild(s)
	case "once":
		tr, err := s.Commit(context.Background(), Transition{Checkpoint: id, Action: Start, By: "child"})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("%d\n", tr.Seq)
	}
	return 0
}

// toggle starts and reopens checkpoint id n times (forever, within a bound, when n is 0),
// printing "SEQ ACTION" after each transition is acknowledged.
func toggle(s *Sheet, id, by string, n int) error {
	if n <= 0 {
		n = 100000
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; i < n && time.Now().Before(deadline); i++ {
		a := Start
		if cp(s.View(), id).State != Pending {
			a = Reopen
		}
		tr, err := s.Commit(context.Background(), Transition{Checkpoint: id, Action: a, By: by})
		if err != nil {
			return fmt.Errorf("%s %s: %w", a, id, err)
		}
		fmt.Printf("%d %s\n", tr.Seq, tr.Action)
	}
	return nil
}

// awaitTotal waits until the journal holds total transitions, then prints the state.
func awaitTotal(s *Sheet, total int64) int {
	for deadline := time.Now().Add(30 * time.Second); s.View().Seq < total; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			fmt.Fprintf(os.Stderr, "saw only %d of %d transitions\n", s.View().Seq, total)
			return 4
		}
		s.Refresh()
	}
	fmt.Println("final " + digest(s.View()))
	return 0
}

// digest is a view's state in one line, to compare what processes see.
func digest(v View) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seq=%d", v.Seq)
	for _, c := range v.Checkpoints {
		fmt.Fprintf(&b, " %s=%s/%s", c.ID, c.State, c.By)
	}
	return b.String()
}

// child starts a writer process.
func child(t *testing.T, mode, journal, id string, env ...string) (*exec.Cmd, io.ReadCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, journalEnv+"="+journal, cpEnv+"="+id)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

// lines reads whole lines until EOF; a last line cut off without its newline is dropped
// (its writer was killed while printing, so it was not acknowledged).
func lines(r io.Reader) []string {
	br := bufio.NewReader(r)
	var out []string
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return out
		}
		out = append(out, strings.TrimSuffix(l, "\n"))
	}
}

// readJournal opens the journal afresh and returns every transition in it by seq.
func readJournal(t *testing.T, path string) map[int64]Transition {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scanJournal(data, 1)
	if err != nil {
		t.Fatalf("journal unreadable: %v", err)
	}
	m := make(map[int64]Transition, len(sc.ts))
	for _, tr := range sc.ts {
		if _, dup := m[tr.Seq]; dup {
			t.Fatalf("seq %d journaled twice", tr.Seq)
		}
		m[tr.Seq] = tr
	}
	return m
}
