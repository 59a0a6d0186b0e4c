package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// Def is one simulated source with what the board needs to show it.
type Def struct {
	Source    sources.Source
	Kind      string // the kind it imitates ("mysql", "health", "dns", "datadog"): its facts are that kind's
	Group     string // sources.GroupMetric, GroupDB or GroupHealth
	Unit      string
	Threshold sources.Threshold
}

// Window is how much history the demo back-fills on its first poll.
const Window = 5 * time.Minute

type source struct {
	name     string
	kind     string
	poll     func(now time.Time) sources.Result
	history  func(t time.Time) float64 // back-filled values before the demo started; nil: none
	unit     string
	started  bool
	interval time.Duration
	now      func() time.Time
}

func (s *source) Name() string { return s.name }
func (s *source) Kind() string { return s.kind }

// Poll returns the world's value now; the first poll of a charted source also returns the
// window's history, so that the demo never opens on empty charts.
func (s *source) Poll(ctx context.Context) sources.Result {
	now := s.now()
	r := s.poll(now)
	if s.history != nil && !s.started && r.Value != nil {
		var pts []sources.Point
		for t := now.Add(-Window); t.Before(now); t = t.Add(s.interval) {
			pts = append(pts, sources.Point{Time: t, Value: s.history(t)})
		}
		pts = append(pts, sources.Point{Time: now, Value: *r.Value})
		r.Series = []sources.SeriesResult{{Unit: s.unit, Status: r.Status, Value: r.Value, Points: pts}}
	}
	s.started = true
	return r
}

// Sources returns the demo's sources, polled every interval.
func (w *World) Sources(interval time.Duration) []Def {
	mk := func(name, unit string, poll func(time.Time) sources.Result, history func(time.Time) float64) *source {
		return &source{name: name, unit: unit, poll: poll, history: history, interval: interval, now: w.now}
	}
	def := func(s *source, kind, group string, th sources.Threshold) Def {
		s.kind = kind
		return Def{Source: s, Kind: kind, Group: group, Unit: s.unit, Threshold: th}
	}
	p95 := sources.Threshold{Warn: sources.Float(800), Crit: sources.Float(1500)}
	load := sources.Threshold{Warn: sources.Float(3000), Crit: sources.Float(6000)}
	errs := sources.Threshold{Warn: sources.Float(5), Crit: sources.Float(20)}
	lag := sources.Threshold{Warn: sources.Float(5), Crit: sources.Float(30)}
	lat := sources.Threshold{Warn: sources.Float(500), Crit: sources.Float(2000)}
	return []Def{
		def(mk("app p95", "ms", w.metric("p95:trace.rack.request{service:market}", w.p95, p95), w.historyP95), "datadog", sources.GroupMetric, p95),
		def(mk("browser load", "ms", w.metric("avg:rum.browser.view.loading_time{service:market}", w.browserLoad, load), func(t time.Time) float64 { return 2400 + w.noise(150) }), "datadog", sources.GroupMetric, load),
		def(mk("checkout errors", "", w.metric("sum:trace.rack.request.errors{resource_name:checkout}.as_count()", w.checkoutErrors, errs), func(time.Time) float64 { return 0 }), "datadog", sources.GroupMetric, errs),
		def(mk("cloud-writer", "s", w.replica(lag), func(t time.Time) float64 { return 3 + w.noise(2) }), "mysql", sources.GroupDB, lag),
		def(mk("old-primary", "s", w.primary, nil), "mysql", sources.GroupDB, sources.Threshold{}),
		def(mk("market (old)", "ms", w.oldSite(lat), func(time.Time) float64 { return 140 + w.noise(30) }), "health", sources.GroupHealth, lat),
		def(mk("market (new)", "ms", w.newSite(lat), func(time.Time) float64 { return 90 + w.noise(20) }), "health", sources.GroupHealth, lat),
		def(mk("market.example A", "ms", w.dns, nil), "dns", sources.GroupHealth, sources.Threshold{}),
	}
}

func (w *World) metric(query string, value func() float64, th sources.Threshold) func(time.Time) sources.Result {
	return func(now time.Time) sources.Result {
		v := value()
		return sources.Result{Status: th.Status(v), Value: &v, Facts: map[string]any{
			"points": int(Window / time.Second), "last_point_at": now.UTC().Format(time.RFC3339),
			"series_count": 1, "rate_limit_remaining": nil, "query": query, "error": "",
		}}
	}
}

func (w *World) replica(th sources.Threshold) func(time.Time) sources.Result {
	return func(now time.Time) sources.Result {
		v := w.lag()
		r := sources.Result{Status: th.Status(v), Value: &v, Unit: "s",
			Detail: fmt.Sprintf("%.1f s lag · heartbeat", v)}
		r.Facts = dbFacts("replica", false, "writable", v, false, "")
		return r
	}
}

func (w *World) primary(now time.Time) sources.Result {
	ro := w.oldReadOnly()
	expect := "writable"
	if _, ok := w.done("freeze"); ok {
		expect = "read_only"
	}
	r := sources.Result{Status: sources.OK, Detail: "writable ✓"}
	if ro {
		r.Detail = "read-only ✓"
	}
	if expect == "writable" && ro {
		r.Status, r.Detail = sources.Warn, "read-only, expected writable"
	}
	stray := w.strayWrite()
	gtid := ""
	if stray {
		gtid = "0-11-4521"
		r.Status, r.Detail = sources.Crit, "STRAY WRITE "+gtid
		r.Error = "stray write " + gtid + " on a node expected read-only"
	}
	r.Facts = dbFacts("primary", ro, expect, 0, stray, gtid)
	r.Facts["lag_s"], r.Facts["lag_source"] = nil, nil
	return r
}

func dbFacts(role string, ro bool, expect string, lag float64, stray bool, gtid string) map[string]any {
	return map[string]any{
		"role": role, "read_only": ro, "expect": expect, "io_running": role == "replica",
		"sql_running": role == "replica", "lag_s": lag, "lag_source": "heartbeat",
		"stray_writes": stray, "errant_gtids": gtid, "last_error": "", "dialect": "mariadb",
		"version": "11.4.3-MariaDB (simulated)",
	}
}

func (w *World) oldSite(th sources.Threshold) func(time.Time) sources.Result {
	return func(now time.Time) sources.Result {
		v := 140 + w.noise(30)
		code, detail := 200, ""
		if w.maintenance() {
			v, code, detail = 35+w.noise(5), 503, "503 maintenance"
		}
		r := sources.Result{Status: th.Status(v), Value: &v, Unit: "ms", Detail: detail,
			Facts: httpFacts(code, v, "old-1", map[string]int{"old-1": 100})}
		if code == 503 {
			// the maintenance page: crit while it goes up, planned once the step is done,
			// as a probe with states: {maintenance: {status: [503]}} and the step's expect: show it
			r.Status, r.Error, r.Facts["state"] = sources.Crit, "status 503, expected 200", "maintenance"
			r.Facts["error"] = r.Error
			if _, done := w.done("maintenance"); done {
				r.Status, r.Error, r.Planned, r.Detail = sources.OK, "", "maintenance", sources.PlannedDetail("maintenance", detail)
				r.Facts["error"] = ""
			}
		}
		return r
	}
}

func (w *World) newSite(th sources.Threshold) func(time.Time) sources.Result {
	return func(now time.Time) sources.Result {
		v := 90 + 260*w.cutoverLoad() + w.noise(20)
		return sources.Result{Status: th.Status(v), Value: &v, Unit: "ms",
			Detail: "aws-1 70% · aws-2 30%", Facts: httpFacts(200, v, "aws-1", map[string]int{"aws-1": 70, "aws-2": 30})}
	}
}

func httpFacts(code int, ms float64, servedBy string, share map[string]int) map[string]any {
	return map[string]any{"status_code": code, "latency_ms": ms, "phases_ms": map[string]any{"total": ms},
		"served_by": servedBy, "served_by_share": share, "tls_days_left": 61, "error": "", "state": ""}
}

func (w *World) dns(now time.Time) sources.Result {
	v := 2 + w.noise(1)
	answer, side, ttl := "198.51.100.7", "old side", 300
	if w.dnsFlipped() {
		answer, side, ttl = "203.0.113.10", "new side", 60
	}
	return sources.Result{Status: sources.OK, Value: &v, Unit: "ms",
		Detail: fmt.Sprintf("%s  %s  TTL %d", answer, side, ttl),
		Facts:  map[string]any{"answers": []string{answer}, "ttl_s": ttl, "matched": side == "new side", "error": "", "state": ""}}
}
