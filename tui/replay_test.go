package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// fakeReplay records the replay keys it is given.
type fakeReplay struct {
	calls  []string
	now    time.Time
	paused bool
}

func (f *fakeReplay) Toggle()              { f.calls = append(f.calls, "toggle"); f.paused = !f.paused }
func (f *fakeReplay) Seek(d time.Duration) { f.calls = append(f.calls, "seek "+d.String()) }
func (f *fakeReplay) SeekStart()           { f.calls = append(f.calls, "start") }
func (f *fakeReplay) SeekEnd()             { f.calls = append(f.calls, "end") }
func (f *fakeReplay) Faster()              { f.calls = append(f.calls, "faster") }
func (f *fakeReplay) Slower()              { f.calls = append(f.calls, "slower") }
func (f *fakeReplay) State() (time.Time, time.Time, time.Time, int, bool) {
	start := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	return f.now, start, start.Add(time.Hour), 10, f.paused
}

// A replay session answers the replay keys, says REPLAY with the replayed time and a
// progress bar, shows the replayed clock, and refuses every change to the runsheet.
func TestReplaySession(t *testing.T) {
	e := newEnv(t, plan(), 3)
	r := &fakeReplay{now: time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC)}
	d := e.deps(Viewer)
	d.Replay, d.Now = r, func() time.Time { return r.now }
	m := New(d)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	for _, k := range []tea.KeyPressMsg{
		{Code: tea.KeySpace, Text: " "}, {Code: tea.KeyLeft}, {Code: tea.KeyRight},
		{Code: tea.KeyLeft, Mod: tea.ModShift}, {Code: tea.KeyRight, Mod: tea.ModShift},
		{Code: '<', Text: "<"}, {Code: '>', Text: ">"}, {Code: tea.KeyHome}, {Code: tea.KeyEnd},
	} {
		if _, cmd := m.Update(k); cmd != nil {
			m.Update(cmd()) // the seek, as Bubble Tea runs it, outside Update
		}
	}
	want := "toggle,seek -10s,seek 10s,seek -1m0s,seek 1m0s,slower,faster,start,end"
	if got := strings.Join(r.calls, ","); got != want {
		t.Fatalf("replay keys: %s\nwant %s", got, want)
	}
	m.Update(tickMsg(time.Now()))
	screen := ansi.Strip(m.render())
	header := strings.SplitN(screen, "\n", 2)[0]
	for _, s := range []string{"REPLAY", "02:30:00", "⏸", "×10", "██████░░░░░░", "30:00/1:00:00"} {
		if !strings.Contains(header, s) {
			t.Errorf("header %q lacks %q", header, s)
		}
	}
	if !strings.Contains(screen, "replay · read-only") {
		t.Error("the footer does not say replay · read-only")
	}
	press(t, m, "s", "d")
	if e.applies.Load() != 0 || !strings.Contains(m.flash.text, "replay") {
		t.Fatalf("a replay's runsheet changed (%d) or the reason is %q", e.applies.Load(), m.flash.text)
	}
	// i still opens the details; g and G still move the selection.
	press(t, m, "i")
	if !m.detail {
		t.Error("i no longer opens the details in a replay")
	}
}
