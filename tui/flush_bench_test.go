package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/warroom-dev/warroom/internal/screen"
)

// BenchmarkFrameFlush does what Bubble Tea's renderer does with each changed frame of a
// 200×50 board with 20 endpoint rows (4 tall): clear its cell buffer, parse the whole frame
// into it, diff it against the screen and write the difference. Two frames a second apart
// alternate, so every flush has the changes of a real second. Its "screen" part draws the
// same frames through internal/screen, which the local board uses.
func BenchmarkFrameFlush(b *testing.B) {
	e := newEnvPinned(b, nil, 19, 4)
	now := time.Now().Truncate(time.Second)
	for k := 600; k >= 1; k-- {
		e.feedAt(now.Add(-time.Duration(k) * time.Second))
	}
	m := New(e.deps(Operator))
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	f1 := m.View().Content
	// The next second's frame: every line with a latency on it changed (the clock, the rows'
	// values and their newest columns), as on the 20-endpoint board.
	f2 := strings.ReplaceAll(f1, "ms", "mS")
	frames := []string{f1, f2}
	diff := 0
	l1, l2 := strings.Split(f1, "\n"), strings.Split(f2, "\n")
	for i := range min(len(l1), len(l2)) {
		if l1[i] != l2[i] {
			diff++
		}
	}

	b.Run("bubbletea", func(b *testing.B) {
		buf := uv.NewScreenBuffer(200, 50)
		var out countWriter
		scr := uv.NewTerminalRenderer(&out, []string{"TERM=xterm-256color"})
		scr.SetColorProfile(colorprofile.TrueColor)
		scr.SetFullscreen(true)
		scr.SetScrollOptim(true)
		for i := 0; i < b.N; i++ {
			buf.Clear()
			uv.NewStyledString(frames[i%2]).Draw(buf, buf.Bounds())
			scr.Render(buf.RenderBuffer)
			_ = scr.Flush()
		}
		b.ReportMetric(float64(out)/float64(b.N), "written/frame")
		b.ReportMetric(float64(len(f1)), "bytes/frame")
		b.ReportMetric(float64(diff), "changed-lines")
	})
	b.Run("screen", func(b *testing.B) { // the same frames through internal/screen
		var out countWriter
		s := screen.New(&out, []string{"TERM=xterm-256color"})
		s.SetColorProfile(colorprofile.TrueColor)
		s.Resize(200, 50)
		_ = s.Draw(frames[1])
		out = 0
		for i := 0; i < b.N; i++ {
			_ = s.Draw(frames[i%2])
		}
		b.ReportMetric(float64(out)/float64(b.N), "written/frame")
	})
}

// countWriter counts the bytes written to it.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
