package record

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

var t0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

func testHeader() Header {
	return Header{Title: "test cutover", Sources: []Source{{Name: "api", Kind: "health", Group: "health", Unit: "ms"}},
		Runsheet: Plan{Checkpoints: []Checkpoint{{ID: "freeze", Title: "Freeze writes", Planned: 60000}}}}
}

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "c.rec")
	w, err := Create(path, testHeader(), Options{Now: func() time.Time { return t0 }, Secrets: []string{"hunter22"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		// Each poll returns an overlapping window of three points: each is recorded once.
		var pts []sources.Point
		for k := -2; k <= 0; k++ {
			pts = append(pts, sources.Point{Time: at.Add(time.Duration(k) * time.Second), Value: float64(i + k)})
		}
		pts[0].Null = true
		w.Ingested("api", sources.Result{Status: sources.Warn, Value: sources.Float(float64(i)),
			Error: "dial root:hunter22@db \x1b[31mred", Facts: map[string]any{"code": 200},
			Series: []sources.SeriesResult{{Name: "p95", Points: pts}}}, at)
	}
	w.Added(board.Event{Time: t0, Status: sources.Warn, Kind: "watch", Text: "hello"})
	w.Transition(runsheet.Transition{Seq: 1, Checkpoint: "freeze", Action: runsheet.Start, At: t0, By: "dana"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines, r, err := ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Torn || r.Skipped != 0 {
		t.Fatalf("torn %v skipped %d", r.Torn, r.Skipped)
	}
	var kinds []string
	points := 0
	for _, l := range lines {
		kinds = append(kinds, l.K)
		if l.Result != nil {
			if strings.Contains(l.Result.Error, "hunter22") || strings.Contains(l.Result.Error, "\x1b") {
				t.Errorf("secret or escape recorded: %q", l.Result.Error)
			}
			points += len(l.Result.Series[0].Points)
		}
	}
	if got := strings.Join(kinds, ","); got != "header,result,result,result,event,transition,end" {
		t.Fatalf("kinds %s", got)
	}
	if points != 5 { // 3 from the first poll, one new point from each of the next two
		t.Errorf("points recorded %d, want 5", points)
	}
	first := lines[1].Result.Series[0].Points
	if !first[0].Null || first[2].Value != 0 || !first[2].Time.Equal(t0) {
		t.Errorf("points %+v", first)
	}
	if lines[0].Header.Format != Format || lines[0].Header.Version != Version {
		t.Errorf("header %+v", lines[0].Header)
	}
}

// The file is plain gzip members of JSON lines: the standard library and gzip -dc read it whole.
func TestStandardDecoder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.rec")
	w, err := Create(path, testHeader(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Added(board.Event{Time: t0, Kind: "watch", Text: "one"})
	_ = w.flush(false)
	w.Added(board.Event{Time: t0, Kind: "watch", Text: "two"})
	w.Close()
	f, _ := os.Open(path)
	defer f.Close()
	d, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(d)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(all), "\n"); n != 4 || !strings.HasPrefix(string(all), `{"k":"header"`) {
		t.Fatalf("%d lines:\n%s", n, all)
	}
	if gz, err := exec.LookPath("gzip"); err == nil {
		out, err := exec.Command(gz, "-dc", path).Output()
		if err != nil || string(out) != string(all) {
			t.Fatalf("gzip -dc: %v\n%s", err, out)
		}
	}
}

func TestTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.rec")
	w, _ := Create(path, testHeader(), Options{})
	w.Added(board.Event{Time: t0, Kind: "watch", Text: "kept"})
	w.flush(false)
	w.Added(board.Event{Time: t0, Kind: "watch", Text: "lost"})
	w.flush(false)
	w.f.Close() // a crash: no end line
	data, _ := os.ReadFile(path)
	for cut := 1; cut < 12; cut++ {
		r, _ := NewReader(data[:len(data)-cut])
		var texts []string
		for {
			l, err := r.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatal(err)
				}
				break
			}
			if l.Event != nil {
				texts = append(texts, l.Event.Text)
			}
		}
		if strings.Join(texts, ",") != "kept" || !r.Torn {
			t.Fatalf("cut %d: %v torn %v", cut, texts, r.Torn)
		}
	}
	// A new session continues the file after cutting off the torn tail.
	os.WriteFile(path, data[:len(data)-5], 0o600)
	w2, err := Create(path, testHeader(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	w2.Added(board.Event{Time: t0, Kind: "watch", Text: "after"})
	w2.Close()
	lines, r, err := ReadAll(path)
	if err != nil || r.Torn {
		t.Fatal(err, r.Torn)
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.K)
	}
	if strings.Join(got, ",") != "header,event,header,event,end" {
		t.Fatalf("%v", got)
	}
}

func TestLockedGoesPerProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.rec")
	a, err := Create(path, testHeader(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Create(path, testHeader(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Path() == path || !strings.HasSuffix(b.Path(), ".rec") || !strings.Contains(b.Path(), "c.") {
		t.Fatalf("second writer at %s", b.Path())
	}
}

func TestUnwritableStops(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	// /dev/full takes no lock trouble and fails every write with ENOSPC.
	w := &Writer{path: "/dev/full", last: map[string]int64{}, stop: make(chan struct{}), done: make(chan struct{})}
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	w.f = f
	w.gz = gzip.NewWriter(nil)
	stopped := make(chan error, 1)
	w.opt.Stopped = func(err error) { stopped <- err }
	w.Added(board.Event{Time: t0, Kind: "watch", Text: "x"})
	if err := w.flush(false); err == nil {
		t.Fatal("no error on a full disk")
	}
	select {
	case err := <-stopped:
		if !strings.Contains(err.Error(), "no space") {
			t.Errorf("stopped: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Stopped not called")
	}
	w.Added(board.Event{Time: t0, Kind: "watch", Text: "y"}) // ignored, never blocks
	f.Close()
}

func TestRefusesOtherFiles(t *testing.T) {
	for name, data := range map[string][]byte{"empty": nil, "text": []byte("hello\n")} {
		r, _ := NewReader(data)
		if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "not a warroom recording") {
			t.Errorf("%s: %v", name, err)
		}
	}
	var newer bytes.Buffer
	gz := gzip.NewWriter(&newer)
	gz.Write([]byte(`{"k":"header","header":{"format":"warroom-recording","version":99}}` + "\n"))
	gz.Close()
	r, _ := NewReader(newer.Bytes())
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("newer: %v", err)
	}
}

// A version-1 file (zstd, unreleased builds only) gets an error that says how to convert it,
// from the reader and the player, and the writer does not cut it.
func TestZstdRefused(t *testing.T) {
	zst := append([]byte{0x28, 0xB5, 0x2F, 0xFD}, "rest of a frame"...)
	if _, err := NewReader(zst); err == nil || !strings.Contains(err.Error(), "zstd -dc FILE | gzip") {
		t.Errorf("reader: %v", err)
	}
	if _, err := NewPlayer(zst, PlayerOptions{}); err == nil || !strings.Contains(err.Error(), "zstd") {
		t.Errorf("player: %v", err)
	}
	path := filepath.Join(t.TempDir(), "old.rec")
	os.WriteFile(path, zst, 0o600)
	if _, err := Create(path, testHeader(), Options{}); err == nil || !strings.Contains(err.Error(), "zstd") {
		t.Errorf("writer: %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, zst) {
		t.Errorf("the zstd file was changed")
	}
}

// A corrupt member in the middle is skipped and counted; the members after it still read.
func TestCorruptMiddleMember(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.rec")
	w, _ := Create(path, testHeader(), Options{})
	ends := []int64{w.off}
	for _, text := range []string{"one", "two", "three"} {
		w.Added(board.Event{Time: t0, Kind: "watch", Text: text})
		w.flush(false)
		ends = append(ends, w.off)
	}
	w.Close()
	data, _ := os.ReadFile(path)
	mid := (ends[1] + ends[2]) / 2 // inside the member holding "two"
	data[mid] ^= 0xff
	r, _ := NewReader(data)
	var texts []string
	for {
		l, err := r.Next()
		if err != nil {
			break
		}
		if l.Event != nil {
			texts = append(texts, l.Event.Text)
		}
	}
	if strings.Join(texts, ",") != "one,three" || r.Skipped != 1 || r.Torn {
		t.Fatalf("%v skipped %d torn %v", texts, r.Skipped, r.Torn)
	}
}
