package main

import (
	"testing"

	"go.uber.org/goleak"
)

// Commands start pollers, programs and servers: none may outlive its command. Two
// goroutines are not ours: Bubble Tea's Tick command outlives its program by up to a second,
// and teatest waits for an interrupt signal for the life of the test binary.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("charm.land/bubbletea/v2.Tick.func1"),
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"),
	)
}
