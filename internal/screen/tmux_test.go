package screen

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/internal/proctest"
)

// TestMain runs the test binary as the child program of TestProgramInTmux when asked.
func TestMain(m *testing.M) {
	if os.Getenv("WARROOM_SCREEN_CHILD") == "1" {
		if _, err := Run(&counter{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// counter is a small board: its size, a count that "+" raises, and numbered rows; "q" quits.
type counter struct{ w, h, n int }

func (c *counter) Init() tea.Cmd { return nil }

func (c *counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.w, c.h = msg.Width, msg.Height
	case tea.KeyPressMsg:
		switch msg.String() {
		case "+":
			c.n++
		case "q":
			return c, tea.Quit
		}
	}
	return c, nil
}

func (c *counter) View() tea.View {
	lines := []string{fmt.Sprintf("size %dx%d", c.w, c.h), fmt.Sprintf("\x1b[1mcount %d\x1b[m", c.n), wideRow(c.n)}
	for i := 3; i < c.h; i++ {
		lines = append(lines, fmt.Sprintf("row %d %s", i, strings.Repeat("·", max(0, c.w-12))))
	}
	v := tea.NewView(strings.Join(lines, "\n"))
	v.AltScreen = true
	return v
}

// wideRow is a row whose wide characters move as n changes: Screen writes it whole.
func wideRow(n int) string {
	return "wide " + strings.Repeat("日", n%3) + fmt.Sprintf(" %d ⚡ \x1b[2mend\x1b[m", n)
}

// TestProgramInTmux runs a program through Run in a real terminal (tmux) and reads
// tmux's screen: the frame is all there, a key press shows at once, a resize redraws the
// whole board at the new size with nothing left over, and on quitting the shell's screen
// is back as it was.
func TestProgramInTmux(t *testing.T) {
	tmuxBin, err := exec.LookPath("tmux")
	if err != nil {
		proctest.Missing(t, "tmux is not installed", err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(t.TempDir(), "tmux")
	tmux := func(args ...string) string {
		b, err := exec.Command(tmuxBin, append([]string{"-S", socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s", args, err, b)
		}
		return string(b)
	}
	line := fmt.Sprintf("echo BEFORE; WARROOM_SCREEN_CHILD=1 TERM=xterm-256color %q; echo AFTER=$?; sleep 30", self)
	tmux("new-session", "-d", "-x", "60", "-y", "12", "sh", "-c", line)
	t.Cleanup(func() { _ = exec.Command(tmuxBin, "-S", socket, "kill-server").Run() })

	// until waits for tmux's screen to satisfy ok and returns it.
	until := func(what string, ok func(string) bool) string {
		t.Helper()
		var s string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if s = tmux("capture-pane", "-p"); ok(s) {
				return s
			}
		}
		t.Fatalf("tmux never showed %s; it shows:\n%s", what, s)
		return ""
	}
	board := func(w, h, n int) func(string) bool {
		return func(s string) bool {
			got := strings.Split(strings.TrimRight(s, "\n"), "\n")
			if len(got) != h || got[0] != fmt.Sprintf("size %dx%d", w, h) || got[1] != fmt.Sprintf("count %d", n) {
				return false
			}
			if got[2] != ansi.Strip(wideRow(n)) {
				return false
			}
			for i := 3; i < h; i++ {
				if got[i] != fmt.Sprintf("row %d %s", i, strings.Repeat("·", max(0, w-12))) {
					return false
				}
			}
			return true
		}
	}
	until("the 60x12 board", board(60, 12, 0))
	for n := 1; n <= 3; n++ {
		tmux("send-keys", "+")
		until(fmt.Sprintf("count %d", n), board(60, 12, n))
	}
	tmux("resize-window", "-x", "44", "-y", "9")
	until("the board redrawn at 44x9", board(44, 9, 3))
	tmux("resize-window", "-x", "70", "-y", "14")
	until("the board redrawn at 70x14", board(70, 14, 3))
	// Twice the same: nothing of Bubble Tea's own (its clearing after the resize) is left.
	time.Sleep(2 * time.Second) // two of Bubble Tea's ticks (bubbleFPS): anything it would write
	until("the board still whole", board(70, 14, 3))
	tmux("send-keys", "q")
	s := until("the shell's screen back", func(s string) bool { return strings.Contains(s, "AFTER=0") })
	if !strings.Contains(s, "BEFORE") || strings.Contains(s, "count") || strings.Contains(s, "row 2") {
		t.Fatalf("after quitting the screen is not the shell's:\n%s", s)
	}
}
