package health

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"503 maintenance":                          "503 maintenance",
		"\x1b[31mred\x1b[0m":                       "red",
		"\x1b]0;title\x07after":                    "after",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\": "link",
		"\x1bPq#0;2;0;0;0\x1b\\ok":                 "ok",
		"a\x1bcb":                                  "ab",
		"\x1b(Bascii":                              "ascii",
		"\u009b2Jx\u009d0;t\u009cy":                "xy",
		"tab\there\r\nnew\x00line\x7f":             "tab here newline",
		"  lead  and   trail  ":                    "lead and trail",
		"bidi\u202eevil\u2066":                     "bidievil",
		"bad \xff utf8":                            "bad utf8",
		"\x1b[":                                    "",
		"\x1b[1;\x07x":                             "x",
	} {
		if got := clean(in, 100); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	if got := clean("abcdef", 3); got != "abc…" {
		t.Errorf("cut: %q", got)
	}
	if got := clean("ab cd", 2); got != "ab…" {
		t.Errorf("cut at a space: %q", got)
	}
}

// FuzzClean: whatever comes in, what comes out is valid UTF-8 without control, escape or
// bidi characters, not longer than asked, and cleaning it again changes nothing.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "\x1b]0;t\x07", "\u009b1m", "a\tb\nc", "\xff\xfe", "\x1b", "\x1bP\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := clean(s, 50)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		if i := strings.IndexFunc(out, func(r rune) bool {
			return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
		}); i >= 0 {
			t.Fatalf("control character in %q", out)
		}
		if n := utf8.RuneCountInString(out); n > 51 {
			t.Fatalf("%d runes, max 50 and an ellipsis", n)
		}
		if strings.HasSuffix(out, "…") {
			return // a cut text need not be stable
		}
		if again := clean(out, 50); again != out {
			t.Fatalf("not stable: %q → %q", out, again)
		}
	})
}

// FuzzBodyText: whatever a server sends, the page hint and the expectation messages built
// from it are clean and short.
func FuzzBodyText(f *testing.F) {
	for _, s := range []string{"<title>Maintenance</title>", "{\"db\":\"\\u001b[31mdown\"}", "\x1b]0;x\x07ok\n", "<h1>\x9b2J</h1>", `{"db":{"a":[1,2]}}`} {
		f.Add([]byte(s))
	}
	x := httpExpect{contains: "ok", json: &jsonExpect{path: jsonPath{{key: "db"}}, want: "up", hasWant: true}}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, s := range []string{snippet(body), statusDetail(503, body), x.checkBody(body)} {
			if strings.IndexFunc(s, unicode.IsControl) >= 0 || !utf8.ValidString(s) {
				t.Fatalf("unclean text %q", s)
			}
			if utf8.RuneCountInString(s) > 200 {
				t.Fatalf("too long: %d runes", utf8.RuneCountInString(s))
			}
		}
	})
}
