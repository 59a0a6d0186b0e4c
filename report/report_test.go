package report

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/record"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

var t0 = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

func sec(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }

func f(v float64) *float64 { return &v }

// smallRecording is a ten-minute cutover: freeze, a gate overridden on promote (the point of
// no return), a short rollback called off, the DNS flip at the cutover, a stray write on
// the old primary, a backend flip, and response times that spike at the cutover and settle
// lower. cut leaves the recording as a crash would: no end line, torn last frame, and
// nothing after 250 s (before the cutover).
func smallRecording(t *testing.T, cut bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.rec")
	h := record.Header{Title: "Shop <cutover>", Started: t0, Command: "run", Sources: []record.Source{
		{Name: "app p95", Kind: "datadog", Group: "metric", Unit: "ms", Interval: 10000, Warn: f(800), Crit: f(1500)},
		{Name: "old-primary", Kind: "mysql", Group: "db", Unit: "s", Interval: 5000},
		{Name: "shop A", Kind: "dns", Group: "health", Unit: "ms", Interval: 5000},
		{Name: "shop", Kind: "health", Group: "health", Unit: "ms", Interval: 5000},
	}, Runsheet: record.Plan{Window: record.MillisOf(15 * time.Minute), Checkpoints: []record.Checkpoint{
		{ID: "freeze", Title: "Freeze writes", Owner: "dba", Planned: 60000, Rehearsal: 50000},
		{ID: "promote", Title: "Promote the new writer", Owner: "dba", Planned: 120000, PointOfNoReturn: true, Gate: `db["old-primary"].read_only`, Rehearsal: 90000},
		{ID: "docs", Title: "Update the status page", Owner: "comms", Planned: 30000, After: []string{}},
		{ID: "dns", Title: "Switch DNS", Owner: "infra", Planned: 60000, Cutover: true, After: []string{"promote"}},
	}}}
	w, err := record.Create(path, h, record.Options{Now: func() time.Time { return sec(600) }, Flush: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	seq := int64(0)
	tr := func(at int, id string, a runsheet.Action, by, note string, override bool) {
		seq++
		x := runsheet.Transition{Seq: seq, Checkpoint: id, Action: a, At: sec(at), By: by, Note: note}
		if override {
			x.Force, x.Override, x.Reason, x.Gate = true, true, note, "gate fails"
			x.Note = ""
		}
		w.Transition(x)
		w.Added(board.Event{Time: x.At, Kind: "checkpoint", Source: id, Text: runsheet.EventText(x)})
	}
	end := 600
	if cut {
		end = 250
	}
	for s := 0; s <= end; s += 5 {
		switch {
		case s == 30:
			tr(s, "freeze", runsheet.Start, "dana", "", false)
			tr(s, "docs", runsheet.Start, "sam", "", false)
		case s == 60:
			tr(s, "docs", runsheet.Finish, "sam", "", false)
		case s == 100:
			tr(s, "freeze", runsheet.Finish, "dana", "", false)
			tr(s, "promote", runsheet.Start, "dana", "", false)
		case s == 150:
			tr(s, "", runsheet.Rollback, "lee", "lag climbing", false)
		case s == 170:
			tr(s, "", runsheet.Resume, "lee", "lag back down", false)
		case s == 280:
			tr(s, "promote", runsheet.Finish, "dana", "read_only flag lags in the view; checked by hand", true)
			tr(s, "dns", runsheet.Start, "ravi", "", false)
		case s == 330:
			tr(s, "dns", runsheet.Finish, "ravi", "", false)
		}
		if s%10 == 0 { // Datadog: a 30 s overlapping window of points every 10 s
			var pts []sources.Point
			for k := s - 20; k <= s; k += 10 {
				v := 500.0
				switch {
				case k >= 330 && k < 360:
					v = 1700
				case k >= 360:
					v = 300
				}
				pts = append(pts, sources.Point{Time: sec(k), Value: v, Null: k == 200})
			}
			st := sources.OK
			if pts[2].Value >= 1500 {
				st = sources.Crit
			}
			w.Ingested("app p95", sources.Result{Status: st, Value: f(pts[2].Value),
				Series: []sources.SeriesResult{{Status: st, Value: f(pts[2].Value), Points: pts}}}, sec(s))
		}
		stray := s >= 120 && s < 200
		st, why := sources.OK, ""
		if stray {
			st, why = sources.Crit, "stray write 0-11-4521 on a node expected read-only"
		}
		w.Ingested("old-primary", sources.Result{Status: st, Value: f(0), Error: why, Facts: map[string]any{
			"read_only": s >= 90, "stray_writes": stray, "errant_gtids": "0-11-4521"}}, sec(s))
		answer := "198.51.100.7"
		if s >= 325 {
			answer = "203.0.113.10"
		}
		w.Ingested("shop A", sources.Result{Status: sources.OK, Value: f(2), Facts: map[string]any{"answers": []string{answer}}}, sec(s))
		backend := "old-1"
		if s >= 330 {
			backend = "aws-1"
		}
		w.Ingested("shop", sources.Result{Status: sources.OK, Value: f(120), Detail: "200 · " + backend,
			Facts: map[string]any{"served_by": backend}}, sec(s))
	}
	if cut {
		closeTorn(t, w, path)
		return path
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// closeTorn ends a writer as kill -9 would: what is buffered is written, no end line, and
// the last frame cut in half.
func closeTorn(t *testing.T, w *record.Writer, path string) {
	t.Helper()
	w.Flush()
	w.Added(board.Event{Time: sec(251), Kind: "watch", Text: "this frame is torn"})
	w.Flush()
	w.Abandon()
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, data[:len(data)-20], 0o600); err != nil {
		t.Fatal(err)
	}
}

func render(t *testing.T, path string) (string, string, map[string]string) {
	t.Helper()
	d, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r := Analyze(d)
	md, files := Markdown(r, "report")
	return HTML(r), md, files
}

// Update with: go test ./report -run TestGolden -update
func TestGolden(t *testing.T) {
	html, md, files := render(t, smallRecording(t, false))
	t.Run("html", func(t *testing.T) { golden.RequireEqual(t, html) })
	t.Run("md", func(t *testing.T) {
		var names []string
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		golden.RequireEqual(t, md+"\n<!-- files: "+strings.Join(names, " ")+" -->\n")
	})
	for _, want := range []string{
		"Shop &lt;cutover&gt;", "override", "read_only flag lags in the view", "rollback", "lag climbing", "1 (1 called off)",
		"203.0.113.10", "aws-1", "0-11-4521", "better (median -40%, p95 +240%)", "1.7 s", "01:05:30", "rehearsal",
	} {
		if !strings.Contains(html, want) && !strings.Contains(md, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	if strings.Contains(html, "<script") || strings.Contains(html, "http://") && !strings.Contains(html, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("the page loads or runs something")
	}
}

func TestCutShort(t *testing.T) {
	html, md, _ := render(t, smallRecording(t, true))
	for _, want := range []string{"cut short", "incomplete frame", "ends before the cutover", "not finished"} {
		if !strings.Contains(html, want) || !strings.Contains(md, want) {
			t.Errorf("a crashed recording's report does not say %q", want)
		}
	}
}

func TestWriteCreatesFolders(t *testing.T) {
	rec := smallRecording(t, false)
	dir := t.TempDir()
	md := filepath.Join(dir, "a", "b", "pm.md")
	if err := Write(rec, md); err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile(md)
	for _, name := range []string{"pm-plan.svg", "pm-app-p95.svg"} {
		if _, err := os.Stat(filepath.Join(dir, "a", "b", name)); err != nil || !strings.Contains(string(body), "]("+name+")") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := Write(rec, filepath.Join(dir, "x.pdf")); err == nil {
		t.Error("a .pdf report was accepted")
	}
}

// TestChromium renders the HTML report in headless Chromium and checks the screenshot is not
// blank: the charts and tables draw in a real browser, with no network.
func TestChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("WARROOM_REQUIRE_BROWSER") == "1" {
			t.Fatal("WARROOM_REQUIRE_BROWSER=1 but chromium is not installed (scripts/test-deps installs it)")
		}
		t.Skip("chromium not installed")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := Write(smallRecording(t, false), page); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "out.png")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--screenshot="+shot, "--window-size=1200,2000", "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	ink, red := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
			if r > 0xc000 && g < 0x5000 && bl < 0x5000 {
				red++ // the cutover marker and the critical path
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if ink < total/50 || red == 0 {
		t.Fatalf("screenshot looks blank: %d of %d pixels inked, %d red", ink, total, red)
	}
	if keep := os.Getenv("WARROOM_KEEP_SCREENSHOT"); keep != "" {
		_ = os.WriteFile(keep, data, 0o644)
	}
}
