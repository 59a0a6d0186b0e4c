package record

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// testdata/v2.rec is a version-2 recording (gzip members), the first released version
// (version 1, zstd, was never released). Every later warroom must read it: this test guards
// the format, not only the code. Regenerate only with a new version's file beside it:
// WARROOM_WRITE_V2=1 go test ./record -run TestVersion2
func TestVersion2File(t *testing.T) {
	path := filepath.Join("testdata", "v2.rec")
	if os.Getenv("WARROOM_WRITE_V2") != "" {
		writeV2(t, path)
	}
	lines, r, err := ReadAll(path)
	if err != nil || r.Torn || r.Skipped > 0 {
		t.Fatalf("%v torn %v skipped %d", err, r.Torn, r.Skipped)
	}
	h := lines[0].Header
	if h.Version != 2 || h.Title != "v2" || h.Sources[0].Name != "api" || h.Runsheet.Checkpoints[0].Planned.D() != time.Minute {
		t.Fatalf("header %+v", h)
	}
	res := lines[1].Result
	if res.Source != "api" || res.Status != "warn" || *res.Value != 812.5 || res.Facts["status_code"] != 200.0 ||
		len(res.Series[0].Points) != 2 || !res.Series[0].Points[1].Null || !res.At.Equal(t0) {
		t.Fatalf("result %+v", res)
	}
	if tr := lines[3].Transition; tr.Seq != 1 || tr.Action != runsheet.Start || tr.By != "dana" {
		t.Fatalf("transition %+v", tr)
	}
	if lines[2].Event.Text != "freeze started by dana" || lines[4].K != KindEnd {
		t.Fatalf("%+v %+v", lines[2].Event, lines[4])
	}
}

func writeV2(t *testing.T, path string) {
	h := Header{Title: "v2", Started: t0, Sources: []Source{{Name: "api", Kind: "health", Group: "health", Unit: "ms", Interval: 5000}},
		Runsheet: Plan{Checkpoints: []Checkpoint{{ID: "freeze", Title: "Freeze", Planned: 60000}}}}
	os.Remove(path)
	w, err := Create(path, h, Options{Now: func() time.Time { return t0.Add(time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	w.Ingested("api", sources.Result{Status: sources.Warn, Value: sources.Float(812.5), Facts: map[string]any{"status_code": 200},
		Series: []sources.SeriesResult{{Status: sources.Warn, Value: sources.Float(812.5),
			Points: []sources.Point{{Time: t0.Add(-5 * time.Second), Value: 700}, {Time: t0, Null: true}}}}}, t0)
	tr := runsheet.Transition{Seq: 1, Checkpoint: "freeze", Action: runsheet.Start, At: t0, By: "dana"}
	w.Added(board.Event{Time: t0, Kind: "checkpoint", Source: "freeze", Text: runsheet.EventText(tr)})
	w.Transition(tr)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
