package config

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary files: it must never panic, must return either a config or
// Errors with real positions, and must never repeat a value from the environment.
func FuzzParse(f *testing.F) {
	f.Add(Starter())
	if data, err := os.ReadFile("testdata/market-cutover.yaml"); err == nil {
		f.Add(data)
	}
	for _, seed := range []string{
		"", "title: x\n", "defaults: {interval: ${IV:-5s}}\n", "health:\n  - {name: a, url: 'http://a/'}\n  -\n",
		"x-a: &a {warn: 1s}\nhealth:\n  - {name: a, tcp: 'a:1', latency: *a, <<: *a}\n",
		"runsheet:\n  checkpoints:\n    - {id: a, title: A, after: [b]}\n    - {id: b, title: B}\n",
		"runsheet:\n  checkpoints:\n    - id: a\n      title: A\n      gate: |\n        x &&\n          y\n",
		"databases:\n  - {name: a, dsn: '${DSN}', heartbeat: {table: a.b}, lag: {warn: 2s, crit: 1s}}\n",
		"a: [1\n", "title: *x\n", "- 1\n", "title: a\n---\ntitle: b\n", "ssh: {operators: ['ssh-ed25519 x']}\n",
	} {
		f.Add([]byte(seed))
	}
	const secret = "Zq9-SECRET-xK"
	env := func(name string) (string, bool) {
		switch name {
		case "HOME":
			return "/home/u", true
		case "IV":
			return "5s", true
		}
		return secret, true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "f.yaml", env)
		if err == nil {
			if c == nil {
				t.Fatal("no config and no error")
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error is %T, want non-empty Errors: %v", err, err)
		}
		for _, e := range es {
			if e.File != "f.yaml" || e.Pos.Line < 1 || e.Pos.Col < 0 || e.Msg == "" || strings.Contains(e.Msg, "\n") {
				t.Fatalf("malformed error %#v", e)
			}
		}
		if !bytes.Contains(data, []byte("SECRET")) && strings.Contains(err.Error(), "SECRET") {
			t.Fatalf("a value from the environment reached a message:\n%v", err)
		}
		if _, again := Parse(data, "f.yaml", env); again == nil || again.Error() != err.Error() {
			t.Fatalf("a second parse gave different errors:\n%v\nthen:\n%v", err, again)
		}
	})
}
