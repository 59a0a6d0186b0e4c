package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"clear\x1b[2Jscreen", "clearscreen"},
		{"red\x1b[31;1mtext\x1b[0m", "redtext"},
		{"osc52\x1b]52;c;ZXZpbA==\x07after", "osc52after"},
		{"title\x1b]0;pwned\x1b\\after", "titleafter"},
		{"link\x1b]8;;http://x\x1b\\text\x1b]8;;\x1b\\", "linktext"},
		{"c1 osc\u009d0;pwned\u009cafter", "c1 oscafter"},
		{"c1 osc bel\u009d0;pwned\x07after", "c1 osc belafter"},
		{"c1 csi\u009b31mred", "c1 csired"},
		{"8-bit csi\x9b2Jafter", "8-bit csiafter"},
		{"8-bit osc\x9d0;t\x9cafter", "8-bit oscafter"},
		{"c1 alone\u0084\u0085x", "c1 alone x"},
		{"dcs\x1bP1$q\"p\x1b\\after", "dcsafter"},
		{"sixel\x1bPq#0;2;0;0;0\x1b\\ok", "sixelok"},
		{"apc\x1b_hidden\x1b\\after", "apcafter"},
		{"apc, bel is no end\x1b_hidden\x07after", "apc, bel is no end"},
		{"c1 apc\u009fhidden\x07after", "c1 apc"},
		{"pm\x1b^hidden\x1b\\after", "pmafter"},
		{"sos\x1bXhidden\x1b\\after", "sosafter"},
		{"charset\x1b(Bafter", "charsetafter"},
		{"keypad\x1b=after", "keypadafter"},
		{"reset\x1bcafter", "resetafter"},
		{"unterminated\x1b]0;the rest is eaten", "unterminated"},
		{"osc then csi\x1b]0;t\x1b[2Jafter", "osc then csiafter"},
		{"cancelled\x1b]0;t\x18after", "cancelledafter"},
		{"bad csi\x1b[1;\x07x", "bad csix"},
		{"cr\roverwrite", "cr overwrite"},
		{"crlf\r\nline", "crlf line"},
		{"tab\there\nand\vthere", "tab here and there"},
		{"nul\x00bel\x07del\x7f", "nulbeldel"},
		{"bad\xff\xfeutf8\xc3", "badutf8"},
		{"bidi \u202eevil\u202c zw\u200bsp", "bidi evil zwsp"},
		{"isolates \u2066a\u2067b\u2068c\u2069 marks \u200ex\u200fy\u061cz", "isolates abc marks xyz"},
		{"\ufeffbom", "bom"},
		{"emoji 👩\u200d💻 ok", "emoji 👩\u200d💻 ok"},
		{"accents café ≥ 12 µs ✓ 日本語", "accents café ≥ 12 µs ✓ 日本語"},
		{"line\u2028sep", "line sep"},
		{"esc at end\x1b", "esc at end"},
		{"\ufe0f\u0301leading joiners", "leading joiners"},
		{"trailing joiner 👩\u200d", "trailing joiner 👩"},
		{"\x1b[1m\u0301after an escape", "after an escape"},
		{"", ""},
	} {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"one\ntwo", "one\ntwo"},
		{"crlf\r\nline\rcr\u2028ls", "crlf\nline\ncr\nls"},
		{"tab\there", "tab here"},
		{"\x1b[2Jclear\n\x1b]0;t\x07title\n\u202erlo", "clear\ntitle\nrlo"},
		{"a\n\u0301b", "a\nb"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a bit too long", 5, "a bit…"},
		{"\x1b[31mred\x1b[0m text", 3, "red…"},
		{"日本語のテキスト", 3, "日本語…"},
		{"ab👩\u200d💻", 3, "ab👩…"},
		{"anything", 0, "anything"},
	} {
		if got := Cut(tc.in, tc.n); got != tc.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestLineKeepsPlainASCIIWithoutCopying(t *testing.T) {
	s := strings.Repeat("abc ", 100)
	if allocs := testing.AllocsPerRun(100, func() { _ = Line(s) }); allocs != 0 {
		t.Errorf("Line of plain ASCII allocates %v times", allocs)
	}
}

// forbidden reports a rune no output may hold: a C0 or C1 control (but "\n" in Text), DEL,
// or a bidi control.
func forbidden(r rune, multi bool) bool {
	switch {
	case r == '\n':
		return !multi
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "\u009b1m", "\x9b1m", "\u009d0;x\u009c", "a\r\nb", "\xff",
		"✓ ok", "\u202eevil", "👩\u200d💻", "\x1bP1$q\x1b\\", "\x1b]0;М\x07", "\ufe0f\u0301x\u200d",
		"\x1b\x1b[", "\xc2", "\u2066\u2069", "line\nline\rline",
	} {
		f.Add(s, 8)
	}
	f.Fuzz(func(t *testing.T, in string, n int) {
		for _, v := range []struct {
			name  string
			out   string
			again func(string) string
			multi bool
		}{
			{"Line", Line(in), Line, false},
			{"Text", Text(in), Text, true},
		} {
			if !utf8.ValidString(v.out) {
				t.Fatalf("%s: invalid UTF-8 out of %q: %q", v.name, in, v.out)
			}
			for _, r := range v.out {
				if forbidden(r, v.multi) {
					t.Fatalf("%s: %U left in %q (from %q)", v.name, r, v.out, in)
				}
			}
			if len(v.out) > len(in) {
				t.Fatalf("%s: output longer than input: %q from %q", v.name, v.out, in)
			}
			if again := v.again(v.out); again != v.out {
				t.Fatalf("%s: not idempotent: %q then %q", v.name, v.out, again)
			}
		}
		if e := Escape(in); !utf8.ValidString(e) || strings.IndexFunc(e, func(r rune) bool { return forbidden(r, false) }) >= 0 {
			t.Fatalf("Escape(%q) = %q is not clean", in, e)
		}
		n = n%300 + 1
		cut := Cut(in, max(n, 1))
		if c := utf8.RuneCountInString(cut); c > max(n, 1)+1 {
			t.Fatalf("Cut(%q, %d) has %d runes", in, n, c)
		}
		if Line(cut) != cut {
			t.Fatalf("Cut(%q, %d) = %q is not clean", in, n, cut)
		}
	})
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"clear\x1b[2J", `clear\x1b[2J`},
		{"tab\tnl\n", `tab\tnl\n`},
		{"bidi\u202eevil", `bidi\u202eevil`},
		{"c1\u009b", `c1\u009b`},
		{"bad\xff", `bad\xff`},
		{"café ✓ 👩\u200d💻", "café ✓ 👩\u200d💻"},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Escape(tc.in); Line(got) != got {
			t.Errorf("Escape(%q) = %q is not clean", tc.in, got)
		}
	}
}
