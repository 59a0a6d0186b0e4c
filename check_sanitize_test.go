package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// hostileTitle holds OSC 52 (set the clipboard), OSC 0 (set the window title), CSI 2J (clear
// the screen), U+202E (right-to-left override), a C1 CSI and an isolate, in YAML escapes.
const hostileTitle = `"Cut\e]52;c;ZXZpbA==\aover\e]0;pwned\a \e[2Jnight\u202Eevil\u009B2J\u2066x"`

// forbiddenIn returns the first terminal control in s: ESC, BEL, another C0 but newline and
// tab, a C1 control, or a bidi override or isolate.
func forbiddenIn(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return r, true
		}
	}
	return 0, false
}

// `check` prints a config's title (and checkpoint titles) without the escape sequences, C1
// or bidi controls in it, in the table and in --json (issue 11: OSC 52, OSC 0, a clear
// screen and U+202E reached the terminal, also through `ssh host check`).
func TestCheckStripsControlsFromTitles(t *testing.T) {
	srv, _ := api(t)
	path := writeConfig(t, "title: "+hostileTitle+"\nhealth:\n  - name: api\n    url: "+srv.URL+"/healthz\n"+
		"runsheet:\n  checkpoints:\n    - id: smoke\n      title: "+hostileTitle+"\n")
	table, stderr, code := run(t, "check", "-c", path)
	if code != 0 {
		t.Fatalf("check exited %d: %s", code, stderr)
	}
	if r, bad := forbiddenIn(table); bad {
		t.Errorf("the table holds %U:\n%q", r, table)
	}
	for _, leak := range []string{"52;c;", "pwned", "[2J"} {
		if strings.Contains(table, leak) {
			t.Errorf("the table shows %q from an escape sequence:\n%s", leak, table)
		}
	}
	if !strings.HasPrefix(table, "Cutover night") {
		t.Errorf("the title's text is not kept: %q", table)
	}
	out, stderr, code := run(t, "check", "--json", "-c", path)
	if code != 0 {
		t.Fatalf("check --json exited %d: %s", code, stderr)
	}
	var rep struct {
		Title       string `json:"title"`
		Checkpoints []struct {
			Title string `json:"title"`
		} `json:"checkpoints"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{rep.Title, rep.Checkpoints[0].Title} {
		if r, bad := forbiddenIn(s); bad {
			t.Errorf("check --json has %U in %q", r, s)
		}
		if s != "Cutover nightevilx" {
			t.Errorf("check --json title %q, want %q", s, "Cutover nightevilx")
		}
	}
}

// Errors quote what came from outside — a flag, a config file's keys — and reach stderr
// without its control sequences: the unknown-flag error that main prints (pflag quotes
// nothing), a config error from `check` and one from `validate`.
func TestErrorsOnStderrStripControls(t *testing.T) {
	const hostile = "x\x1b]0;pwned\x07\x1b[2J\u202Ey"
	path := writeConfig(t, "title: t\n\"k\\e]0;pwned\\a\\e[2J\\u202E\": 1\n")
	for _, args := range [][]string{{"--" + hostile}, {"check", "-c", path}, {"validate", "-c", path}} {
		_, stderr, code := run(t, args...)
		if code == 0 || stderr == "" {
			t.Fatalf("%q: exit %d, stderr %q: want an error", args, code, stderr)
		}
		if r, bad := forbiddenIn(stderr); bad {
			t.Errorf("%q: stderr holds %U:\n%q", args, r, stderr)
		}
	}
	if _, stderr, _ := run(t, "--"+hostile); !strings.Contains(stderr, "unknown flag: --xy") {
		t.Errorf("want the flag's printable text kept: %q", stderr)
	}
}
