package screen

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
)

var env = []string{"TERM=xterm-256color"}

func frame(lines ...string) string { return strings.Join(lines, "\n") }

// TestDrawWritesOnlyWhatChanged: the first frame is drawn whole (in the alternate screen,
// cursor hidden), the same frame again writes nothing, and a frame with one changed cell
// writes that cell and little else.
func TestDrawWritesOnlyWhatChanged(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, env)
	s.SetColorProfile(colorprofile.ANSI256)
	if err := s.Draw("before any size"); err != nil || out.Len() != 0 {
		t.Fatalf("a frame before the size is known wrote %q (%v)", out.String(), err)
	}
	s.Resize(40, 4)
	a := frame("warroom · cutover        03:12:09 UTC", "\x1b[31mcrit\x1b[m old-primary 3.2 s", "✓ new-primary 0.0 s", "footer")
	if err := s.Draw(a); err != nil {
		t.Fatal(err)
	}
	first := out.String()
	for _, want := range []string{"\x1b[?1049h", "\x1b[?25l", "cutover", "old-primary", "new-primary", "footer"} {
		if !strings.Contains(first, want) {
			t.Errorf("first frame lacks %q: %q", want, first)
		}
	}
	out.Reset()
	if err := s.Draw(a); err != nil || out.Len() != 0 {
		t.Fatalf("the same frame again wrote %q (%v)", out.String(), err)
	}
	b := strings.Replace(a, "03:12:09", "03:12:10", 1)
	if err := s.Draw(b); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "0") || strings.Contains(got, "old-primary") || len(got) > 24 {
		t.Fatalf("a one-cell change wrote %d bytes: %q", len(got), got)
	}
}

// TestForeignWriteRepaints: after someone else wrote to the terminal (Bubble Tea clearing
// it on a resize), the next frame is drawn whole even if it did not change, and the
// callback is told.
func TestForeignWriteRepaints(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, env)
	told := make(chan struct{}, 1)
	s.OnForeign(func() { told <- struct{}{} })
	s.Resize(30, 3)
	a := frame("one", "two", "three")
	_ = s.Draw(a)
	w := s.Writer(nil)
	if _, err := w.Write([]byte("\x1b[H\x1b[2J")); err != nil {
		t.Fatal(err)
	}
	<-told
	out.Reset()
	_ = s.Draw(a)
	for _, want := range []string{"one", "two", "three"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("repaint after a foreign write lacks %q: %q", want, out.String())
		}
	}
}

// TestShorterFrameClearsTheRest: lines a frame no longer has are blanked, and a frame
// longer than the screen is cut at its height.
func TestShorterFrameClearsTheRest(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, env)
	s.Resize(20, 3)
	_ = s.Draw(frame("aaa", "bbb", "ccc", "ddd-too-many"))
	if strings.Contains(out.String(), "ddd") {
		t.Fatalf("a line below the screen was drawn: %q", out.String())
	}
	out.Reset()
	_ = s.Draw(frame("aaa"))
	if got := out.String(); got == "" || strings.Contains(got, "aaa") {
		t.Fatalf("dropping two lines wrote %q", got)
	}
}
