package leaktest

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain runs this binary as the child of TestExit when asked: it exits through Exit
// with the code asked for, after leaving a goroutine running if asked.
func TestMain(m *testing.M) {
	switch os.Getenv("LEAKTEST_CHILD") {
	case "":
		Exit(m.Run())
	case "leak":
		block := make(chan struct{})
		go func() { <-block }()
		Exit(0)
	case "fail":
		Exit(3)
	default:
		Exit(0)
	}
}

// TestExit: a passing run exits 0, a failing one with its code, and a passing one that
// left a goroutine running with 1, saying so.
func TestExit(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for child, want := range map[string]int{"clean": 0, "fail": 3, "leak": 1} {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), "LEAKTEST_CHILD="+child)
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != want {
			t.Errorf("%s: exit %d, want %d: %s", child, code, want, out)
		}
		if said := strings.Contains(string(out), "goleak:"); said != (child == "leak") {
			t.Errorf("%s: stderr %q", child, out)
		}
	}
}
