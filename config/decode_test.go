package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEmptyConfig(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "---\n"} {
		c := mustParse(t, src, nil)
		if c.Defaults.Interval != DefaultInterval || len(c.Health) != 0 || c.Datadog != nil || c.SSH != nil {
			t.Errorf("Parse(%q) = %+v, want only defaults", src, c)
		}
	}
}

// TestAfterNilVersusEmpty keeps the difference between "after: absent" (the previous
// checkpoint) and "after: []" (nothing).
func TestAfterNilVersusEmpty(t *testing.T) {
	c := mustParse(t, `
runsheet:
  checkpoints:
    - {id: a, title: A}
    - {id: b, title: B}
    - {id: c, title: C, after: []}
    - {id: d, title: D, after: [a, b]}
    - {id: e, title: E, after: a}
    - {id: f, title: F, after:}
`, nil)
	cps := c.Runsheet.Checkpoints
	if cps[1].After != nil || cps[5].After != nil {
		t.Errorf("absent or empty after: = %#v, %#v; want nil", cps[1].After, cps[5].After)
	}
	if cps[2].After == nil || len(cps[2].After) != 0 {
		t.Errorf("after: [] = %#v, want an empty, non-nil list", cps[2].After)
	}
	want := map[int][]string{0: nil, 1: {"a"}, 2: {}, 3: {"a", "b"}, 4: {"a"}, 5: {"e"}}
	for i, deps := range want {
		if got := c.Runsheet.Deps(i); !reflect.DeepEqual(got, deps) {
			t.Errorf("Deps(%d) = %#v, want %#v", i, got, deps)
		}
	}
}

// TestGatePos checks where the gate's text starts, for every way of writing a scalar.
func TestGatePos(t *testing.T) {
	c := mustParse(t, `runsheet:
  checkpoints:
    - id: plain
      title: t
      gate: checkpoint["a"].state == "done"
    - id: double
      title: t
      gate: "checkpoint[\"a\"].state == 'done'"
    - {id: single, title: t, gate: 'checkpoint["a"].state == "done"'}
    - id: block
      title: t
      gate: |
        checkpoint["a"].state == "done" &&
          checkpoint["b"].state == "done"
    - id: a
      title: t
      after: []
    - id: b
      title: t
`, nil)
	want := []Pos{{Line: 5, Col: 13}, {Line: 8, Col: 14}, {Line: 9, Col: 37}, {Line: 13, Col: 9}}
	for i, w := range want {
		cp := c.Runsheet.Checkpoints[i]
		if cp.GatePos != w {
			t.Errorf("%s: GatePos = %v, want %v", cp.ID, cp.GatePos, w)
		}
	}
	if got := c.Runsheet.Checkpoints[3].Gate; got != "checkpoint[\"a\"].state == \"done\" &&\n  checkpoint[\"b\"].state == \"done\"\n" {
		t.Errorf("block gate = %q", got)
	}
	if c.Runsheet.Checkpoints[4].GatePos != (Pos{}) {
		t.Errorf("no gate: GatePos = %v, want zero", c.Runsheet.Checkpoints[4].GatePos)
	}
}

// TestAnchorsAndMerge lets a probe share settings through an anchor kept under an x- key.
func TestAnchorsAndMerge(t *testing.T) {
	c := mustParse(t, `
x-probe: &probe
  latency: {warn: 500ms, crit: 2s}
  headers: {Host: shop.example}
  interval: 2s
health:
  - name: backend 1
    url: http://10.0.0.1/healthz
    <<: *probe
  - <<: *probe
    name: backend 2
    url: http://10.0.0.2/healthz
    interval: 10s
`, nil)
	for i, h := range c.Health {
		if h.Latency.Warn.D() != 500*time.Millisecond || h.Headers["Host"] != "shop.example" {
			t.Errorf("health[%d] did not get the merged keys: %+v", i, h)
		}
	}
	if c.Health[0].Interval.D() != 2*time.Second || c.Health[1].Interval.D() != 10*time.Second {
		t.Errorf("intervals = %v, %v; want 2s (merged), 10s (explicit wins)",
			c.Health[0].Interval.D(), c.Health[1].Interval.D())
	}
	if c.Health[1].Pos != (Pos{Line: 10, Col: 5}) {
		t.Errorf("health[1].Pos = %v, want 10:5 (its own mapping)", c.Health[1].Pos)
	}
}

// TestScalarsAsLists lets a single value stand for a list of one.
func TestScalarsAsLists(t *testing.T) {
	c := mustParse(t, `
health:
  - name: a
    url: http://127.0.0.1/
    expect: {status: 204}
ssh:
  operators: keys/ops.pub
`, nil)
	if !reflect.DeepEqual(c.Health[0].Expect.Status, []int{204}) {
		t.Errorf("status = %v, want [204]", c.Health[0].Expect.Status)
	}
	if len(c.SSH.Operators) != 1 {
		t.Errorf("operators = %v, want one entry", c.SSH.Operators)
	}
}

// TestJSONEquals decodes expect.json.equals the way encoding/json decodes a body.
func TestJSONEquals(t *testing.T) {
	c := mustParse(t, `
health:
  - {name: a, url: "http://a/", expect: {json: {path: $.n, equals: 3}}}
  - {name: b, url: "http://b/", expect: {json: {path: $.ok, equals: true}}}
  - {name: c, url: "http://c/", expect: {json: {path: $.x, equals: null}}}
  - {name: d, url: "http://d/", expect: {json: {path: $.l, equals: [1, "two", {k: 2.5}]}}}
  - {name: e, url: "http://e/", expect: {json: {path: $.s, equals: "up"}}}
`, nil)
	want := []any{3.0, true, nil, []any{1.0, "two", map[string]any{"k": 2.5}}, "up"}
	for i, w := range want {
		if got := c.Health[i].Expect.JSON.Equals; !reflect.DeepEqual(got, w) {
			t.Errorf("health[%d] equals = %#v, want %#v", i, got, w)
		}
	}
}

// TestPositions checks the Pos of items written in block and in flow style.
func TestPositions(t *testing.T) {
	c := mustParse(t, `datadog:
  api_key: k
  app_key: a
metrics:
  - {name: m, query: q}
  -   name: n
      query: q
databases:
  - name: d
    dsn: u@tcp(h:3306)/
ssh:
  allow_anonymous_viewers: true
`, nil)
	got := []Pos{c.Datadog.Pos, c.Metrics[0].Pos, c.Metrics[1].Pos, c.Databases[0].Pos, c.SSH.Pos}
	want := []Pos{{Line: 2, Col: 3}, {Line: 5, Col: 5}, {Line: 6, Col: 7}, {Line: 9, Col: 5}, {Line: 12, Col: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("positions = %v, want %v", got, want)
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"interval", "timeout", "api_key", "tls_warn_days", "url", "tcp", "dns"}
	for word, want := range map[string]string{
		"intervl": "interval", "timout": "timeout", "API_KEY": "api_key", "api-key": "api_key",
		"tls_warn": "tls_warn_days", "ulr": "url", "tpc": "tcp", "colour": "", "x": "",
	} {
		if got := suggest(word, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", word, got, want)
		}
	}
}

// TestBillionLaughs bounds the work an alias bomb can cause.
func TestBillionLaughs(t *testing.T) {
	src := "x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g"} {
		src += "x-" + n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" +
			prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	src += "health:\n  - {name: h, url: 'http://h/', expect: {json: {path: $.x, equals: *g}}}\n"
	es := parseErrors(t, src, nil)
	if len(es) != 1 || !strings.HasPrefix(es[0].Msg, "too many values (more than 100000,") {
		t.Errorf("errors = %v", es)
	}
}
