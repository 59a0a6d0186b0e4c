package widgets

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"clear\x1b[2Jscreen", "clearscreen"},
		{"red\x1b[31;1mtext\x1b[0m", "redtext"},
		{"osc52\x1b]52;c;ZXZpbA==\x07after", "osc52after"},
		{"title\x1b]0;pwned\x1b\\after", "titleafter"},
		{"c1 osc\u009d0;pwned\u009cafter", "c1 oscafter"},
		{"c1 csi\u009b31mred", "c1 csired"},
		{"dcs\x1bP1$q\"p\x1b\\after", "dcsafter"},
		{"apc\x1b_hidden\x1b\\after", "apcafter"},
		{"charset\x1b(Bafter", "charsetafter"},
		{"keypad\x1b=after", "keypadafter"},
		{"unterminated\x1b]0;the rest is eaten", "unterminated"},
		{"osc then csi\x1b]0;t\x1b[2Jafter", "osc then csiafter"},
		{"cr\roverwrite", "cr overwrite"},
		{"crlf\r\nline", "crlf line"},
		{"tab\there\nand\vthere", "tab here and there"},
		{"nul\x00bel\x07del\x7f", "nulbeldel"},
		{"bad\xff\xfeutf8\xc3", "badutf8"},
		{"bidi \u202eevil\u202c zw\u200bsp", "bidi evil zwsp"},
		{"emoji 👩\u200d💻 ok", "emoji 👩\u200d💻 ok"},
		{"accents café ≥ 12 µs ✓", "accents café ≥ 12 µs ✓"},
		{"line\u2028sep", "line sep"},
		{"esc at end\x1b", "esc at end"},
		{"\ufe0f\u0301leading joiners", "leading joiners"},
		{"trailing joiner 👩\u200d", "trailing joiner 👩"},
		{"\x1b[1m\u0301after an escape", "after an escape"},
		{"", ""},
	} {
		if got := Sanitize(tc.in); got != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSanitizeKeepsPlainASCIIWithoutCopying(t *testing.T) {
	s := strings.Repeat("abc ", 100)
	if allocs := testing.AllocsPerRun(100, func() { _ = Sanitize(s) }); allocs != 0 {
		t.Errorf("Sanitize of plain ASCII allocates %v times", allocs)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{hostile, "✓\ufe0f ⚑\u200d x", "a\u0301 ▁█ ⤼ ✗ …", "\x1b[2J", "\x1b]52;c;x\x07", "\u009b1m", "a\r\nb", "\xff", "✓ ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
				t.Fatalf("control %U left in %q (from %q)", r, out, in)
			}
		}
		if len(out) > len(in) {
			t.Fatalf("output longer than input: %q from %q", out, in)
		}
		if w, want := textWidth(out), ansi.StringWidth(out); w != want {
			t.Fatalf("textWidth(%q) = %d, ansi.StringWidth says %d", out, w, want)
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("not idempotent: %q then %q", out, again)
		}
	})
}

// FuzzSparkRow feeds arbitrary text and numbers through a chart row: it must stay exactly
// width cells and hold nothing but text and colour sequences.
func FuzzSparkRow(f *testing.F) {
	f.Add(hostile, "ms", "▼18% after", 412.0, 80, 3)
	f.Add("世界世界世界世界世界", "請求", "\x1b[2J", -1e300, 13, -1)
	f.Fuzz(func(t *testing.T, label, unit, note string, v float64, width, cut int) {
		width = clampInt(width, 0, 300)
		st := NewStyles(Dark(), false)
		bs := series(40, func(x float64) float64 { return v * x })
		out := st.SparkRow(SparkRow{Label: label, Unit: unit, Note: note, Detail: label, Value: &v,
			Buckets: bs, CutoverCol: cut, Warn: &v, Level: LevelWarn}, width)
		requireSafe(t, "spark", out)
		if width > 0 {
			requireShape(t, "spark", out, width, 1)
		}
	})
}

// textWidth counts narrow runes one cell each without measuring; that is only right if each
// of them measures one cell on its own and what Sanitize lets through.
func TestNarrowRunesAreOneCell(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if !narrow(r) {
			continue
		}
		s := string(r)
		if Sanitize(s) != s {
			continue // never reaches textWidth
		}
		if w := ansi.StringWidth(s); w != 1 {
			t.Errorf("%U %q: narrow but %d cells", r, s, w)
		}
		if w := ansi.StringWidth("a" + s + "b"); w != 3 {
			t.Errorf("%U %q joins its neighbours: %d cells", r, s, w)
		}
	}
}
