package sshserver

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// memFigures is the test process's memory now: resident set and its peak from
// /proc/self/status, and the Go heap in use.
func memFigures() (rssMB, peakMB, heapMB float64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapMB = float64(ms.HeapInuse) / (1 << 20)
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, heapMB
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb float64
		if _, err := fmt.Sscanf(sc.Text(), "VmRSS: %f kB", &kb); err == nil {
			rssMB = kb / 1024
		}
		if _, err := fmt.Sscanf(sc.Text(), "VmHWM: %f kB", &kb); err == nil {
			peakMB = kb / 1024
		}
	}
	return rssMB, peakMB, heapMB
}

// A real OpenSSH client in a 5000×2000 terminal, then resized to 65535×65535, and a second
// one asking for 65535×65535 from the start: the server draws each at most MaxWidth×MaxHeight,
// tells the viewer so, stays small, and another session keeps working throughout.
// (Issue 11: 5000×2000 took the server from 38 MB to 5.3 GB; 65535×65535 was a fatal
// out-of-memory that dropped every session.)
func TestGiantWindowIsClamped(t *testing.T) {
	tools := needTools(t, "ssh", "script")
	sshBin, scriptBin := tools[0], tools[1]
	op, priv := newKeyWithPrivate(t, "alice")
	viewer := newKey(t, "bob")
	f := start(t, keysConfig([]testKey{op}, []testKey{viewer}), Options{})
	keyPath, knownHosts := f.opensshFiles(priv)
	rss0, _, heap0 := memFigures()

	// script(1) gives ssh a pseudo-terminal of the size stty sets; when the file "grow" appears
	// the shell resizes that terminal, and the kernel sends ssh the SIGWINCH that makes it
	// send a window-change.
	grow := filepath.Join(f.dir, "grow")
	ssh := shellQuote(append([]string{sshBin, "-tt"}, sshArgs(f, keyPath, knownHosts, "alice")...))
	// The server believes the terminal is at most MaxWidth×(MaxHeight+1) and never draws
	// beyond: a screen of that size reads what the viewer sees.
	openssh := func(cols, rows int, then string) (*screen, *exec.Cmd) {
		line := fmt.Sprintf("stty cols %d rows %d; %s </dev/tty & %s wait", cols, rows, ssh, then)
		cmd := exec.Command(scriptBin, "-q", "-e", "-c", line, "/dev/null")
		cmd.Env = append(os.Environ(), "TERM=xterm-256color")
		out := newScreen(MaxWidth, MaxHeight+1)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return out, cmd
	}
	waitOut := func(out *screen, want string, within time.Duration) {
		t.Helper()
		for deadline := time.Now().Add(within); !strings.Contains(out.text(), want); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				rss, peak, heap := memFigures()
				t.Logf("memory now: RSS %.0f MB (peak %.0f MB, heap %.0f MB)", rss, peak, heap)
				t.Fatalf("the client never showed %q within %s; it shows:\n%s", want, within, out.text())
			}
		}
	}
	out1, _ := openssh(5000, 2000, fmt.Sprintf("while [ ! -e %s ]; do sleep 0.1; done; stty cols 65535 rows 65535 </dev/tty;", grow))
	waitOut(out1, "RUNSHEET", 30*time.Second)
	time.Sleep(2 * time.Second) // wall time: a few real frames and polls at that size before memory is measured
	runtime.GC()
	rss1, peak1, heap1 := memFigures()
	t.Logf("one 5000×2000 OpenSSH viewer: RSS %.0f MB (peak %.0f MB, heap in use %.0f MB); before: RSS %.0f MB, heap %.0f MB",
		rss1, peak1, heap1, rss0, heap0)
	notice := fmt.Sprintf("drawn at %d×%d", MaxWidth, MaxHeight)
	waitOut(out1, notice, 5*time.Second)

	bob := f.board("bob", viewer, 120, 40)
	bob.waitFor("RUNSHEET", frameWait)

	if err := os.WriteFile(grow, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// The shell's stty sets columns, then rows: two window changes, one frame each. Under
	// the whole package with the race detector at load ~20 this took over 10 s, twice in six.
	waitOut(out1, "your window is 65535×65535", 30*time.Second)
	out2, _ := openssh(65535, 65535, "")
	waitOut(out2, "your window is 65535×65535; the board is "+notice, 30*time.Second)
	time.Sleep(2 * time.Second) // wall time, as above: real frames at 65535×65535 before memory is measured
	runtime.GC()
	rss2, peak2, heap2 := memFigures()
	t.Logf("after a resize to 65535×65535 and a second viewer asking for 65535×65535: RSS %.0f MB (peak %.0f MB, heap %.0f MB)",
		rss2, peak2, heap2)

	// The server still answers: bob's board still follows the board, and a new session opens.
	f.app.Board.AddEvent(board.Event{Status: sources.OK, Kind: "test", Text: "after the giant windows"})
	bob.waitFor("after the giant windows", frameWait)
	carol := f.board("bob", viewer, 100, 30)
	carol.waitFor("RUNSHEET", frameWait)
	if strings.Contains(f.logs.String(), "out of memory") {
		t.Fatalf("the server ran out of memory:\n%s", f.logs.String())
	}
	if !strings.Contains(f.logs.String(), "size=5000x2000") || !strings.Contains(f.logs.String(), "drawn="+fmt.Sprintf("%dx%d", MaxWidth, MaxHeight)) {
		t.Errorf("the log does not say what was asked and what was drawn:\n%s", f.logs.String())
	}
	// Generous: a shared machine; the figures above are the measurement.
	if peak2 > 1500 {
		t.Errorf("peak RSS %.0f MB with two giant windows, want far less", peak2)
	}
}

// panicky makes a session's board panic on P (in Update) and on C (in a command).
type panicky struct{ tea.Model }

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "P":
			panic("test panic in Update")
		case "C":
			return p, func() tea.Msg { panic("test panic in a command") }
		}
	}
	m, cmd := p.Model.Update(msg)
	return panicky{m}, cmd
}

// A panic in one session's board ends that session, with a message, and nothing else: the
// other sessions go on and new ones open.
func TestPanicEndsOneSessionOnly(t *testing.T) {
	op := newKey(t, "alice")
	viewer := newKey(t, "bob")
	f := start(t, keysConfig([]testKey{op}, []testKey{viewer}),
		Options{wrapModel: func(m tea.Model) tea.Model { return panicky{m} }})
	bob := f.board("bob", viewer, 100, 30)
	bob.waitFor("RUNSHEET", frameWait)
	for _, key := range []string{"P", "C"} {
		alice := f.board("alice", op, 100, 30)
		alice.waitFor("RUNSHEET", frameWait)
		alice.press(key)
		if code := alice.exit(10 * time.Second); code != 0 {
			t.Errorf("%s: exit status %d", key, code)
		}
		if !strings.Contains(alice.stderr.String(), "internal error and closed this session") {
			t.Errorf("%s: the session was not told why it ended; stderr: %q", key, alice.stderr.String())
		}
		f.app.Board.AddEvent(board.Event{Status: sources.OK, Kind: "test", Text: "still here after " + key})
		bob.waitFor("still here after "+key, frameWait)
	}
	if n := strings.Count(f.logs.String(), "the board panicked"); n != 2 {
		t.Errorf("%d panics logged, want 2:\n%s", n, f.logs.String())
	}
	carol := f.board("bob", viewer, 80, 24)
	carol.waitFor("RUNSHEET", frameWait)
}
