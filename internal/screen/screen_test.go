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

// TestForeignWritesKeepTheBoard: what Bubble Tea writes reaches the terminal only as far as
// it sets modes, queries the terminal or titles the window; its own frame (text, cursor
// moves, erases, styles) is left out, so the board stays whole and is not drawn again. A
// switch of screens passes, and the board is drawn whole after it, and the program told.
func TestForeignWritesKeepTheBoard(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, env)
	told := make(chan struct{}, 1)
	s.OnForeign(func() { told <- struct{}{} })
	s.Resize(30, 3)
	a := frame("one", "two", "three")
	_ = s.Draw(a)
	w := s.Writer(nil)
	modes := "\x1b[?2004h\x1b[>4;1m\x1b[=1;1u\x1b]11;?\x07\x1b]2;warroom\x1b\\\x1b[?2026$p\x1b[c\x1b[?25l\x1b[2 q"
	frameOfBubbleTea := "\r\x1b[H\x1b[2J\x1b[K\x1b[31m \x1b[m\x1b[3A\x1b7\x1b8\x1bc\x1b[4h\x1b[1;3r\n"
	out.Reset()
	if n, err := w.Write([]byte(frameOfBubbleTea + modes)); err != nil || n != len(frameOfBubbleTea+modes) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if got := out.String(); got != modes {
		t.Fatalf("a foreign write passed\n%q\nwant only its modes, queries and title\n%q", got, modes)
	}
	out.Reset()
	if _ = s.Draw(a); out.Len() != 0 {
		t.Fatalf("the same frame after a foreign write wrote %q", out.String())
	}
	select {
	case <-told:
		t.Fatal("the program was told to draw again after modes only")
	default:
	}

	if _, err := w.Write([]byte("\x1b[?1049l\x1b[?1049h")); err != nil {
		t.Fatal(err)
	}
	<-told
	out.Reset()
	_ = s.Draw(a)
	for _, want := range []string{"one", "two", "three"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("repaint after a switch of screens lacks %q: %q", want, out.String())
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
