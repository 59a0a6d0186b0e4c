package runsheet

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// FuzzScanJournal: any bytes either scan or fail with a line number; what scans re-scans
// to the same transitions without a torn line, and each transition survives a round trip.
func FuzzScanJournal(f *testing.F) {
	f.Add([]byte(`{"seq":1,"checkpoint":"a","action":"start","at":"2025-03-08T01:00:00Z","by":"dana"}` + "\n"))
	f.Add([]byte(`{"seq":1,"action":"rollback","at":"2025-03-08T01:00:00Z","by":"x"}` + "\n" + `{"seq":2,"chec`))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte("garbage\n" + `{"seq":2,"checkpoint":"a","action":"done","at":"2025-03-08T01:00:00Z","by":"x","override":true}` + "\n"))
	f.Add([]byte("\x00\x00"))
	f.Add([]byte(`{"seq":1,"checkpoint":"a","action":"done","at":"2025-03-08T01:00:00Z","by":"x"}` + "\n" +
		`{"seq":2,"kind":"baseline","at":"2025-03-08T01:00:00Z","by":"x","database":"old","checkpoint":"a","for":1,"gtid":"0-1-5","binlog_file":"b.1","binlog_pos":7}` + "\n"))
	f.Add([]byte(`{"seq":9007199254740993,"checkpoint":"a","action":"start","at":"2025-03-08T01:00:00Z","by":"dana"}` + "\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scanJournal(data, 1)
		if err != nil {
			return
		}
		if sc.good > len(data) || (sc.torn && sc.good == len(data)) || (!sc.torn && sc.good != len(data)) {
			t.Fatalf("good %d of %d bytes, torn %v", sc.good, len(data), sc.torn)
		}
		again, err := scanJournal(data[:sc.good], 1)
		if err != nil || again.torn || len(again.ts) != len(sc.ts) {
			t.Fatalf("re-scan of the good part: %v torn %v, %d vs %d", err, again.torn, len(again.ts), len(sc.ts))
		}
		for _, bl := range sc.bases {
			b, err := json.Marshal(bl)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := parseBaseline(b, bl.Kind); err != nil || back.Position != bl.Position || back.For != bl.For {
				t.Fatalf("round trip of %s: %v", b, err)
			}
		}
		for _, tr := range sc.ts {
			b, err := json.Marshal(tr)
			if err != nil || bytes.IndexByte(b, '\n') >= 0 {
				t.Fatalf("marshal %+v: %v", tr, err)
			}
			back, err := parseLine(b)
			if err != nil || !back.At.Equal(tr.At) {
				t.Fatalf("round trip of %s: %v", b, err)
			}
			back.At, tr.At = time.Time{}, time.Time{}
			if !reflect.DeepEqual(back, tr) {
				t.Fatalf("round trip changed %+v into %+v", tr, back)
			}
		}
	})
}

// FuzzCompileGate: any text either compiles or yields problems inside the text; what
// compiles evaluates against a snapshot without panicking and lights red, grey or passes.
func FuzzCompileGate(f *testing.F) {
	for _, s := range []string{
		`db["old-primary"].read_only && !db["old-primary"].stray_writes`,
		`db["cloud-writer"].lag_s != nil && db["cloud-writer"].lag_s < 1`,
		`health["market.example A"].matched and checkpoint["freeze"].state == "done"`,
		`(metric["checkout errors"]?.value ?? 0) < 5 || db["x"].status == "ok"`,
		`len(health["market.example A"].answers) > 0 && ("a" + db[`,
		"db[\"old-primary\"].lag_s <\n 1 && ((",
		`all([1,2], # > 0) && db["old-primary"].role == "primary"`,
	} {
		f.Add(s)
	}
	ids := map[string]int{"freeze": 0}
	snap := &board.Snapshot{Sources: []board.SourceState{
		{Info: board.Info{Name: "old-primary", Kind: "mysql", Group: "db"}, Status: sources.OK, Polls: 1,
			Facts: map[string]any{"read_only": true, "stray_writes": false, "lag_s": nil, "role": "primary"}},
		{Info: board.Info{Name: "market.example A", Kind: "dns", Group: "health"}, Status: sources.OK, Polls: 1,
			Facts: map[string]any{"answers": []string{"203.0.113.10"}, "matched": true}},
		{Info: board.Info{Name: "checkout errors", Kind: "datadog", Group: "metric"}, Status: sources.Warn, Polls: 1, Value: sources.Float(7)},
	}}
	f.Fuzz(func(t *testing.T, src string) {
		if !utf8.ValidString(src) {
			return
		}
		g, probs := compileGate(src, &gateNames, ids)
		n := utf8.RuneCountInString(src)
		for _, p := range probs {
			if p.at < 0 || p.at > n || p.msg == "" {
				t.Fatalf("problem outside the text (%d of %d): %q", p.at, n, p.msg)
			}
			_ = gatePos(config.Checkpoint{Gate: src, GatePos: config.Pos{Line: 3, Col: 11}}, p.at)
		}
		if (g == nil) == (len(probs) == 0) {
			t.Fatalf("gate %v with %d problems", g != nil, len(probs))
		}
		if g == nil {
			return
		}
		s := &Sheet{plan: &plan{cps: []config.Checkpoint{{ID: "freeze"}}}, st: newRunState(1), snap: snap, needed: map[fieldRef]bool{}}
		for _, r := range g.refs {
			s.needed[fieldRef{group: r.group, name: r.name}] = true
		}
		e := evalGate(g, s.buildEnv(), gateEval{}, time.Unix(0, 0))
		if !e.pass && e.light != Red && e.light != Grey {
			t.Fatalf("light %q", e.light)
		}
		if !e.pass && e.failing == "" {
			t.Fatalf("%s light without a reason", e.light)
		}
	})
}
