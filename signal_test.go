package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A board in a real terminal ends on SIGTERM, SIGINT and SIGHUP (kill, ctrl+c from another
// shell, a closed terminal or SSH connection). Bubble Tea's own signal handler used to race
// ours: given the same SIGTERM it could block forever and the process never exited.
func TestSignalEndsTheBoard(t *testing.T) {
	if testing.Short() {
		t.Skip("starts warroom five times in a terminal")
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) (util-linux) for a pseudo-terminal")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for i, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGTERM} {
		t.Run(fmt.Sprintf("%d-%s", i, sig), func(t *testing.T) {
			pidfile := filepath.Join(t.TempDir(), "pid")
			cmd := exec.Command(script, "-q", "-e", "-c",
				fmt.Sprintf("stty cols 120 rows 40; exec %q demo", exe), "/dev/null")
			cmd.Env = append(os.Environ(), "WARROOM_TEST_MAIN=1", "WARROOM_TEST_PIDFILE="+pidfile, "TERM=xterm-256color",
				// Bubble Tea's shutdown races its own input reader (muesli/cancelreader closes
				// the terminal while the reader asks for its fd); that report is sorted out
				// below instead of failing the exit code.
				"GORACE=exitcode=0")
			var out lockedBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			pid := 0
			t.Cleanup(func() {
				if pid > 0 {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
				_ = cmd.Process.Kill()
			})

			// The first full frame, and the pid of warroom itself (script's child).
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(out.String(), "RUNSHEET") || pid == 0 {
				if time.Now().After(deadline) {
					t.Fatalf("no board within 30 s; the terminal showed:\n%q", out.String())
				}
				if b, err := os.ReadFile(pidfile); err == nil {
					pid, _ = strconv.Atoi(string(b))
				}
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(2 * time.Second) // wall time: the real process draws and polls a while (the hang needed that)
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("warroom exited with %v after %s; the terminal showed:\n%q", err, sig, tail(out.String(), 2000))
				}
				for _, race := range ownRaces(out.String()) {
					t.Errorf("data race:\n%s", race)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("warroom still running 10 s after %s", sig)
			}
		})
	}
}

// ownRaces returns the race detector's reports in a child's output, less the known one
// inside Bubble Tea's shutdown, which is not ours to fix.
func ownRaces(out string) []string {
	var races []string
	parts := strings.Split(out, "WARNING: DATA RACE")
	for _, r := range parts[1:] {
		if end := strings.Index(r, "=================="); end >= 0 {
			r = r[:end]
		}
		if !strings.Contains(r, "muesli/cancelreader") {
			races = append(races, r)
		}
	}
	return races
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
