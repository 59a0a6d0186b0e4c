package widgets

import (
	"fmt"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
)

// go test ./widgets -run '^$' -bench . -benchmem -benchtime 2000x

func BenchmarkSparkRow200(b *testing.B) {
	st := NewStyles(Dark(), false)
	lay := NewSparkLayout(200)
	row := sparkRows(lay.Spark)[1] // thresholds, gaps, a cutover marker and a note
	b.ReportAllocs()
	for b.Loop() {
		_ = st.SparkRow(row, 200)
	}
}

// BenchmarkSparkRows40 is the charts pane of a 200-column frame: 40 rows at 100 columns.
func BenchmarkSparkRows40x100(b *testing.B) {
	st := NewStyles(Dark(), false)
	rows := sparkRows(NewSparkLayout(100).Spark)
	b.ReportAllocs()
	for b.Loop() {
		for i := range 40 {
			_ = st.SparkRow(rows[i%len(rows)], 100)
		}
	}
}

func BenchmarkCheckpointList30(b *testing.B) {
	st := NewStyles(Dark(), false)
	base := checkpointsFixture()
	cps := make([]runsheet.Checkpoint, 30)
	for i := range cps {
		cps[i] = base[i%len(base)]
		cps[i].ID = fmt.Sprintf("%s-%d", cps[i].ID, i)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = st.CheckpointList(cps, 12, 100, 31, fixtureNow)
	}
}

func BenchmarkEventLog(b *testing.B) {
	st := NewStyles(Dark(), false)
	evs := eventsFixture()
	for len(evs) < 200 {
		evs = append(evs, evs...)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = st.EventLog(evs, 200, 8, time.UTC)
	}
}

func BenchmarkSanitizeHostile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Sanitize(hostile)
	}
}

func BenchmarkNewStyles(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NewStyles(Dark(), false)
	}
}
