package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	tea "charm.land/bubbletea/v2"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/tui"
)

// TestDemoEndToEnd runs the whole demo headless at 120×40 and watches the scripted team
// move a checkpoint: the board must show it on screen and the journal must hold it.
func TestDemoEndToEnd(t *testing.T) {
	cfg, err := app.LoadDemo(filepath.Join(t.TempDir(), "demo.journal"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	m := tui.New(localDeps(a))
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	seen := func(want string) func([]byte) bool {
		var acc []byte
		return func(b []byte) bool {
			acc = append(acc, b...)
			return bytes.Contains([]byte(ansi.Strip(string(acc))), []byte(want))
		}
	}
	teatest.WaitFor(t, tm.Output(), seen("RUNSHEET"), teatest.WithDuration(10*time.Second))
	// The team starts "announce" 3 s in and marks it done at 7 s.
	teatest.WaitFor(t, tm.Output(), seen("announce done by sam"), teatest.WithDuration(20*time.Second))
	var state runsheet.State
	for _, c := range a.Sheet.View().Checkpoints {
		if c.ID == "announce" {
			state = c.State
		}
	}
	if state != runsheet.Done {
		t.Fatalf("announce is %s in the runsheet, want done", state)
	}
	// q, and y in case a checkpoint is running by now and quitting asks first.
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.Send(tea.KeyPressMsg{Code: 'y', Text: "y"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
