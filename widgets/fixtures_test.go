package widgets

import (
	"math"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
)

// The fixtures are a frozen moment of the market cutover story: response times that spike
// during the downtime and settle lower after the cutover, lag that drains, a stale probe.

var fixtureLoc = time.FixedZone("CEST", 2*60*60)

// fixtureNow is 02:41:07 local.
var fixtureNow = time.Date(2026, 3, 14, 0, 41, 7, 0, time.UTC)

func ptr(v float64) *float64 { return &v }

// series makes n buckets of f(x) for x in [0,1), oldest first; gaps where f returns NaN.
func series(n int, f func(x float64) float64) []board.Bucket {
	bs := make([]board.Bucket, n)
	for i := range bs {
		v := f(float64(i) / float64(n))
		if math.IsNaN(v) {
			continue
		}
		bs[i] = board.Bucket{Min: v * 0.8, Max: v * 1.3, Avg: v, N: 60}
	}
	return bs
}

// spike rises to peak around 0.5 of the window and settles to after at the cutover (0.7).
func spike(base, peak, after float64) func(float64) float64 {
	return func(x float64) float64 {
		wobble := 0.08 * base * math.Sin(x*53)
		switch {
		case x < 0.4:
			return base + wobble
		case x < 0.7:
			return base + (peak-base)*math.Sin((x-0.4)/0.3*math.Pi) + wobble
		}
		return after + wobble/2
	}
}

// sparkRows is the charts pane for n bucket columns.
func sparkRows(n int) []SparkRow {
	cut := n * 7 / 10
	gappy := spike(2.3, 6.5, 2.05)
	return []SparkRow{
		{Label: "app p95", Buckets: series(n, spike(480, 2400, 400)), Unit: "ms", Value: ptr(412),
			Warn: ptr(800), Crit: ptr(1500), CutoverCol: cut, Level: LevelOK,
			Note: "▼18% after", NoteLevel: LevelOK},
		{Label: "browser load", Buckets: series(n, func(x float64) float64 {
			if x > 0.45 && x < 0.55 {
				return math.NaN()
			}
			return gappy(x)
		}), Unit: "s", Value: ptr(2.1), Warn: ptr(4), Crit: ptr(8), CutoverCol: cut,
			Level: LevelOK, Note: "▼11% after", NoteLevel: LevelOK},
		{Label: "checkout errors", Buckets: series(n, func(float64) float64 { return 0 }),
			Value: ptr(0), CutoverCol: cut, Level: LevelOK},
		{Label: "cloud-writer lag", Buckets: series(n, func(x float64) float64 {
			return math.Max(0, 30*math.Sin(x*math.Pi)-3)
		}), Unit: "s", Value: ptr(0.4), Warn: ptr(5), Crit: ptr(30), CutoverCol: cut,
			Level: LevelWarn, Note: "heartbeat"},
		{Label: "old-primary", Level: LevelCrit, CutoverCol: -1,
			Detail: "read-only ✓  STRAY WRITE 0-11-4521 since 02:39:55", Note: "stray write", NoteLevel: LevelCrit},
		{Label: "market (old)", Buckets: series(n, spike(90, 90, 90)), Unit: "ms", Value: ptr(88),
			Warn: ptr(300), Crit: ptr(1000), CutoverCol: cut, Level: LevelOK, Stale: true,
			Note: "503 maintenance"},
		{Label: "market.example a-very-long-label", CutoverCol: -1, Level: LevelUnknown,
			Detail: "203.0.113.10  new side  TTL 60"},
	}
}

func checkpointsFixture() []runsheet.Checkpoint {
	at := func(h, m int) time.Time { return time.Date(2026, 3, 14, h, m, 0, 0, time.UTC) }
	min := time.Minute
	return []runsheet.Checkpoint{
		{ID: "announce", Title: "Community notified", Owner: "comms", Planned: 5 * min,
			State: runsheet.Done, StartedAt: at(23, 29), EndedAt: at(23, 33), Actual: 4 * min, By: "sam"},
		{ID: "maintenance", Title: "Maintenance page up", Owner: "web", Planned: 10 * min,
			State: runsheet.Done, StartedAt: at(23, 33), EndedAt: at(23, 45), Actual: 12 * min,
			Overrun: true, Gate: runsheet.Gate{Expr: "health.market_old.status == 503", Light: runsheet.Green}},
		{ID: "freeze", Title: "Old primary read-only", Owner: "dba", Planned: 5 * min,
			State: runsheet.Done, Actual: 3 * min, Override: true,
			Gate: runsheet.Gate{Expr: "db.old_primary.read_only", Light: runsheet.Green}},
		{ID: "catch-up", Title: "Cloud writer caught up", Owner: "dba", Planned: 20 * min,
			State: runsheet.Running, StartedAt: at(0, 27), Actual: 14 * min, By: "dana",
			Command:  "watch -n1 'mysql -e \"SHOW REPLICA STATUS\\G\"'\nthen compare GTIDs on both sides",
			Rollback: "STOP REPLICA; set old primary read_only=0; put DNS back",
			Gate: runsheet.Gate{Expr: "db.cloud_writer.lag < 1 && db.old_primary.writes == 0",
				Light: runsheet.Amber, Held: 12 * time.Second, Hold: 30 * time.Second}},
		{ID: "promote", Title: "Writer promoted", Owner: "dba", Planned: 15 * min,
			State: runsheet.Pending, PointOfNoReturn: true,
			Gate: runsheet.Gate{Expr: "db.cloud_writer.lag == 0", Light: runsheet.Red,
				Failing: "db.cloud_writer.lag = 0.4"}},
		{ID: "dns", Title: "DNS + LB switched", Owner: "infra", Planned: 30 * min,
			State: runsheet.Pending, Cutover: true, Gate: runsheet.Gate{Expr: "dns.market.ok", Light: runsheet.Grey}},
		{ID: "smoke", Title: "Smoke tests green", Owner: "qa", Planned: 45 * min, State: runsheet.Pending},
		{ID: "skip-cache", Title: "Warm the image cache", Owner: "web", Planned: 10 * min,
			State: runsheet.Skipped, Note: "cache warms itself"},
		{ID: "reindex", Title: "Search reindexed", Owner: "search", Planned: 40 * min,
			State: runsheet.Failed, Actual: 65 * min, Overrun: true, Note: "indexer OOM"},
		{ID: "open", Title: "Site open", Owner: "web", Planned: 10 * min, State: runsheet.Pending},
	}
}

func eventsFixture() []EventLine {
	at := func(h, m, s int) time.Time { return time.Date(2026, 3, 14, h, m, s, 0, time.UTC) }
	return []EventLine{
		{Time: at(0, 20, 1), Level: LevelOK, Text: "market (new): ok"},
		{Time: at(0, 37, 2), Level: LevelOK, Text: "freeze done by dana · gate held"},
		{Time: at(0, 38, 10), Level: LevelOK, Glyph: "▶", Text: "catch-up started by dana (ssh SHA256:9fQ…)"},
		{Time: at(0, 39, 30), Level: LevelWarn, Text: "cloud-writer: lag 6.2 s above warn 5 s"},
		{Time: at(0, 39, 55), Level: LevelCrit, Text: "old-primary: stray write 0-11-4521 on a node expected read-only"},
	}
}
