package record

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Continuing a long recording reads its tail, not the whole file (a 4.5 h recording is
// ~30 MB), and still cuts a torn tail off: a big member just before the tear makes the
// search read further back.
func TestContinueReadsTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "long.rec")
	rng := rand.New(rand.NewPCG(5, 6))
	gz := gzip.NewWriter(nil)
	member := func(l Line) []byte {
		var b bytes.Buffer
		line, _ := json.Marshal(l)
		gz.Reset(&b)
		gz.Write(append(line, '\n'))
		gz.Close()
		return b.Bytes()
	}
	event := func(size int) []byte { // of text that does not compress well
		text := make([]byte, size)
		for i := range text {
			text[i] = "0123456789abcdef"[rng.IntN(16)]
		}
		return member(Line{K: KindEvent, Event: &Event{At: t0, Kind: "watch", Text: string(text)}})
	}
	data := member(Line{K: KindHeader, Header: &Header{Format: Format, Version: Version, Started: t0}})
	small := event(100 << 10)
	for range 150 {
		data = append(data, small...)
	}
	data = append(data, event(600<<10)...) // 300 KB compressed: more than the first read
	whole := len(data)
	data = append(data, event(10)[:20]...) // torn
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	w, err := Create(path, testHeader(), Options{})
	runtime.ReadMemStats(&ms)
	if err != nil {
		t.Fatal(err)
	}
	read := ms.TotalAlloc - before
	t.Logf("Create allocated %d KB to continue a %d KB recording", read>>10, len(data)>>10)
	w.Close()
	if read > uint64(len(data))/2 {
		t.Errorf("Create allocated %d KB for a %d KB recording: it read the whole file", read>>10, len(data)>>10)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got[:whole], data[:whole]) || !bytes.HasPrefix(got[whole:], gzipMagic) {
		t.Errorf("the new session does not follow the last whole member at %d", whole)
	}
	var m members // not ReadAll: decoding 15 MB of lines takes seconds under -race
	out, n, err := m.decode(got[whole:])
	if err != nil || !bytes.HasPrefix(out, []byte(`{"k":"header"`)) || m.lastWhole(got) != len(got) || whole+n >= len(got) {
		t.Fatalf("after the cut: %v %.40q", err, out)
	}
}
