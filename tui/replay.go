package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/warroom-dev/warroom/widgets"
)

// Replayer drives a replay (warroom replay): the board and runsheet come from a recording
// and move with its clock. A session with a Replayer is read-only, like a viewer's, and
// answers the replay keys: space pause/play, ←/→ 10 s, shift+←/→ 1 min, </> speed,
// home/end the recording's start and end.
type Replayer interface {
	Toggle()
	Seek(d time.Duration)
	SeekStart()
	SeekEnd()
	Faster()
	Slower()
	// State is the replayed time, the recording's span, the speed and whether paused.
	State() (now, start, end time.Time, speed int, paused bool)
}

// replayedMsg says a replay key's seek is done: the model takes the new snapshot at once.
type replayedMsg struct{}

// replayKey returns the command for a replay key, and whether msg was one. A seek may
// rebuild the board (seconds on a long recording, and a temporary journal written), so it
// runs as a command, outside Update.
func (m *Model) replayKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	r := m.deps.Replay
	var do func()
	switch msg.String() {
	case "space":
		do = r.Toggle
	case "left":
		do = func() { r.Seek(-10 * time.Second) }
	case "right":
		do = func() { r.Seek(10 * time.Second) }
	case "shift+left":
		do = func() { r.Seek(-time.Minute) }
	case "shift+right":
		do = func() { r.Seek(time.Minute) }
	case "<", "shift+,":
		do = r.Slower
	case ">", "shift+.":
		do = r.Faster
	case "home":
		do = r.SeekStart
	case "end":
		do = r.SeekEnd
	default:
		return nil, false
	}
	return func() tea.Msg { do(); return replayedMsg{} }, true
}

// replayBanner is the header's prefix in a replay: REPLAY, the replayed time, play state
// and speed, and a progress bar through the recording.
func (m *Model) replayBanner() string {
	if m.deps.Replay == nil {
		return ""
	}
	now, start, end, speed, paused := m.deps.Replay.State()
	state := "▶"
	if paused {
		state = "⏸"
	}
	frac := 0.0
	if span := end.Sub(start); span > 0 {
		frac = float64(now.Sub(start)) / float64(span)
	}
	const width = 12
	filled := int(frac*width + 0.5)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
	st := m.styles
	return st.Accent.Render(" REPLAY ") + st.Text.Render(fmt.Sprintf("%s %s ×%d %s %s/%s ",
		now.UTC().Format("15:04:05"), state, speed, bar, widgets.Clock(now.Sub(start)), widgets.Clock(end.Sub(start))))
}

// readOnlyWhy says why a mutating key does nothing in this session.
func (m *Model) readOnlyWhy() string {
	switch {
	case m.deps.Replay != nil:
		return "replay: a recording cannot be changed"
	case m.deps.Role != Viewer:
		return "read-only: checkpoints cannot be changed here"
	}
	return "read-only session: viewers cannot change checkpoints — ask an operator"
}

// readOnlyTag is the footer's mark of a read-only session.
func (m *Model) readOnlyTag() string {
	if m.deps.Replay != nil {
		return "replay · read-only  "
	}
	return "viewer · read-only  "
}
