package main

import (
	"os"
	"strconv"
	"testing"

	"go.uber.org/goleak"
)

// Commands start pollers, programs and servers: none may outlive its command. Two
// goroutines are not ours: Bubble Tea's Tick command outlives its program by up to a second,
// teatest waits for an interrupt signal for the life of the test binary, and Bubble Tea's
// input reader may stop a moment after its program.
//
// With WARROOM_TEST_MAIN=1 the test binary is warroom itself, for tests that need a whole
// process (signals, a terminal); it writes its pid to $WARROOM_TEST_PIDFILE when set.
func TestMain(m *testing.M) {
	if os.Getenv("WARROOM_TEST_MAIN") == "1" {
		if f := os.Getenv("WARROOM_TEST_PIDFILE"); f != "" {
			_ = os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o600)
		}
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("charm.land/bubbletea/v2.Tick.func1"),
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"),
		// Bubble Tea waits at most 500 ms for its input reader to stop when a program ends;
		// on a loaded machine the reader can return a moment later (seen 1 run in 3 here).
		goleak.IgnoreAnyFunction("charm.land/bubbletea/v2.(*Program).readLoop"),
	)
}
