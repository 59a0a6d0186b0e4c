package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
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

// replayKey handles a replay key and reports whether msg was one. The board follows the
// replayer's clock, so the model takes a new snapshot at once.
func (m *Model) replayKey(msg tea.KeyPressMsg) bool {
	r := m.deps.Replay
	switch msg.String() {
	case "space":
		r.Toggle()
	case "left":
		r.Seek(-10 * time.Second)
	case "right":
		r.Seek(10 * time.Second)
	case "shift+left":
		r.Seek(-time.Minute)
	case "shift+right":
		r.Seek(time.Minute)
	case "<", "shift+,":
		r.Slower()
	case ">", "shift+.":
		r.Faster()
	case "home":
		r.SeekStart()
	case "end":
		r.SeekEnd()
	default:
		return false
	}
	m.refresh()
	return true
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
		now.UTC().Format("15:04:05"), state, speed, bar, hms(now.Sub(start)), hms(end.Sub(start))))
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
