package datadog

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// TestSplitBatchMeetingA429SaysNotPolled: a request of four queries is refused (400), the
// first half of the split meets a 429: the half never asked says "not polled: rate limited"
// and is failed (it counts against staleness), never "no data".
func TestSplitBatchMeetingA429SaysNotPolled(t *testing.T) {
	srv := ddtest.NewServer(t)
	var ms []config.Metric
	for i := range 4 {
		q := fmt.Sprintf("avg:m%d{*}", i)
		srv.SetSeries(q, ddtest.Series{Values: ddtest.Vals(i)})
		ms = append(ms, metric(q, q))
	}
	srv.FailNext(1, http.StatusBadRequest, `{"errors":["Too many queries: 4, the maximum is 2"]}`)
	srv.FailNext(1, http.StatusTooManyRequests, `{"errors":["Too many requests"]}`)
	c := newClient(t, srv.Datadog(), ms...)
	got := byName(poll(t, c))
	if n := len(srv.TimeseriesRequests()); n != 2 {
		t.Fatalf("%d requests, want 2 (the batch, then its first half)", n)
	}
	for i, m := range ms {
		r := got[m.Name]
		want := "429 Too Many Requests"
		if i >= 2 {
			want = "not polled: rate limited: waiting "
		}
		if !r.Failed || !strings.Contains(r.Error, want) || strings.Contains(r.Error, "no data") {
			t.Errorf("%s: failed %v, error %q; want failed and %q", m.Name, r.Failed, r.Error, want)
		}
	}
}

// TestA429IsPolledAgainWhenItSays: under the real scheduler, with a 10 s interval, a 429
// whose reset is 2 s away says "waiting Ns" and the next request goes out at the NextIn it
// reported (plus the scheduler's jitter, up to 5 %, and its 100 ms slot), not after the
// interval or a backoff.
// In a synctest bubble: the client and the scheduler run on fake time, and the server's
// rate limit (outside the bubble) reads the client's clock as of its latest request.
func TestA429IsPolledAgainWhenItSays(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetSeries("avg:a{*}", ddtest.Series{Values: ddtest.Vals(7)})
	srv.SetRateLimit(1, 2*time.Second)
	var clientNow atomic.Int64
	clientNow.Store(bubbleEpoch.UnixNano())
	srv.SetClock(func() time.Time { return time.Unix(0, clientNow.Load()) })
	outsideRequest(t, srv) // the period's only request is gone, at the bubble's first instant
	dd := srv.Datadog()
	dd.Interval = config.Duration(10 * time.Second)
	synctest.Test(t, func(t *testing.T) {
		if !time.Now().Equal(bubbleEpoch) {
			t.Fatalf("a bubble starts at %s, not %s", time.Now(), bubbleEpoch)
		}
		c := newClient(t, dd, metric("a", "avg:a{*}"))
		stampRequests(c, &clientNow)
		testA429IsPolledAgainWhenItSays(t, c)
	})
}

// bubbleEpoch is where a synctest bubble's clock starts.
var bubbleEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// stampRequests makes c keep no idle connection (an idle connection's reader waits on the
// network and would stop a bubble's clock) and store the time of each request in now.
func stampRequests(c *Client, now *atomic.Int64) {
	lt := c.http.Transport.(limitedTransport)
	lt.base.(*http.Transport).DisableKeepAlives = true
	c.http.Transport = stampTransport{base: lt, now: now}
}

type stampTransport struct {
	base http.RoundTripper
	now  *atomic.Int64
}

func (s stampTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.now.Store(time.Now().UnixNano())
	return s.base.RoundTrip(r)
}

func testA429IsPolledAgainWhenItSays(t *testing.T, c *Client) {
	type seen struct {
		at time.Time
		r  sources.Result
	}
	var mu sync.Mutex
	var reports []seen
	sink := func(rep sources.Report, at time.Time) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, seen{time.Now(), rep.Result})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); sources.NewScheduler([]sources.Job{c.Job()}, sink).Run(ctx) }()
	time.Sleep(8 * time.Second) // fake time: the 429's wait, well short of the 10 s interval
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(reports) != 2 {
		t.Fatalf("%d reports in 8 s, want the 429 and a recovery (a 10 s interval or backoff waited instead of the reset)", len(reports))
	}
	first := reports[0]
	m := regexp.MustCompile(`waiting (\d+)s`).FindStringSubmatch(first.r.Error)
	if !first.r.Failed || m == nil {
		t.Fatalf("first report: failed %v, error %q; want the 429 and how long it waits", first.r.Failed, first.r.Error)
	}
	var said time.Duration
	fmt.Sscan(m[1], &said)
	said *= time.Second
	next := first.r.NextIn
	if next <= 2*time.Second-first.at.Sub(bubbleEpoch) || said != next.Truncate(time.Second)+time.Second {
		t.Errorf("it said %q with NextIn %s: want the rest of the 2 s period plus jitter, rounded up", first.r.Error, next)
	}
	// The scheduler's jitter (up to +5 %; it never comes before NextIn), then its slot.
	if gap := reports[1].at.Sub(first.at); gap < next || gap >= next+next/20+sources.Slot || reports[1].r.Value == nil {
		t.Errorf("NextIn %s and polled again after %s (value %v): want NextIn, +5 %% at most, on a %s slot", next, gap, reports[1].r.Value, sources.Slot)
	}
}

// TestRefusedKeysTextNamesTheSettingInUse: with datadog.url set, a 403 points at the URL,
// not at datadog.site (which is then not used); without it, at datadog.site.
func TestRefusedKeysTextNamesTheSettingInUse(t *testing.T) {
	srv := ddtest.NewServer(t)
	dd := srv.Datadog()
	dd.APIKey = wrongAPIKey
	r := poll(t, newClient(t, dd, metric("a", "avg:a{*}")))[0].Result
	if strings.Contains(r.Error, "datadog.site") || !strings.Contains(r.Error, "datadog.url ("+srv.URL+")") {
		t.Errorf("403 with datadog.url set says %q", r.Error)
	}
	c := newClient(t, config.Datadog{Site: "datadoghq.eu", APIKey: "k", AppKey: "a"}, metric("a", "q"))
	e := c.statusError(&answer{status: http.StatusForbidden}, "the query")
	if !strings.Contains(e.msg, "datadog.site is your account's site (https://api.datadoghq.eu)") || strings.Contains(e.msg, "datadog.url") {
		t.Errorf("403 with datadog.site says %q", e.msg)
	}
}
