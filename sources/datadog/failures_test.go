package datadog

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// outsideRequest uses up one request of the server's rate limit, as another client of the
// same Datadog organisation would.
func outsideRequest(t *testing.T, srv *ddtest.Server) {
	t.Helper()
	body := `{"data":{"type":"timeseries_request","attributes":{"from":1,"to":2,"queries":[{"data_source":"metrics","query":"x","name":"a"}]}}}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v2/query/timeseries", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("DD-API-KEY", ddtest.APIKey)
	req.Header.Set("DD-APPLICATION-KEY", ddtest.AppKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
}

// testClock is a settable clock shared by the test server's rate limit and the client, so
// that a test steps to a reset exactly instead of sleeping until it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRateLimit429WaitsForTheResetAndRecovers: after a 429 the client asks Datadog nothing
// until NextIn has passed, to the nanosecond, then recovers with one request (on a clock
// the server's rate limit shares: no wall-clock wait for the reset).
func TestRateLimit429WaitsForTheResetAndRecovers(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 1, 2, 14, 5, 0, time.UTC)}
	srv := ddtest.NewServer(t)
	srv.SetClock(clk.Now)
	srv.SetSeries("avg:a{*}", ddtest.Series{Values: ddtest.Vals(7)})
	srv.SetRateLimit(2, 2*time.Second)
	dd := srv.Datadog()
	dd.Interval = config.Duration(time.Second)
	c := newClient(t, dd, metric("a", "avg:a{*}"))
	c.now = clk.Now

	if r := poll(t, c)[0].Result; r.Error != "" || r.Facts["rate_limit_remaining"] != 1 {
		t.Fatalf("first poll: error %q, remaining %v", r.Error, r.Facts["rate_limit_remaining"])
	}
	clk.Advance(100 * time.Millisecond)
	outsideRequest(t, srv) // someone else takes the last request of the period
	r := poll(t, c)[0].Result
	if !strings.Contains(r.Error, "rate limit") || !strings.Contains(r.Error, "429") || !strings.Contains(r.Error, "waiting") {
		t.Fatalf("after a 429 the error is %q, want it to say rate limit, 429 and the wait", r.Error)
	}
	// The server said "reset in 2 s" (1.9 s rounded up to whole seconds); the client adds
	// jitter of up to half a second.
	if r.NextIn <= 2*time.Second || r.NextIn > 2500*time.Millisecond {
		t.Fatalf("NextIn after a 429 = %s, want the reset (2 s) plus jitter (≤ 0.5 s)", r.NextIn)
	}
	if r.Facts["rate_limit_remaining"] != 0 {
		t.Errorf("rate_limit_remaining = %v, want 0", r.Facts["rate_limit_remaining"])
	}
	before := len(srv.TimeseriesRequests())
	// Polling again before the reset does not call Datadog: the scheduler would not, and
	// the client refuses to anyway, up to the last nanosecond.
	clk.Advance(r.NextIn - time.Nanosecond)
	early := poll(t, c)[0].Result
	if len(srv.TimeseriesRequests()) != before {
		t.Fatal("a poll a nanosecond before the reset made a request")
	}
	if early.NextIn != time.Nanosecond {
		t.Errorf("early poll NextIn = %s, want what is left of %s (1ns)", early.NextIn, r.NextIn)
	}
	clk.Advance(time.Nanosecond)
	r = poll(t, c)[0].Result
	if r.Error != "" || r.Value == nil || *r.Value != 7 {
		t.Fatalf("after the reset: error %q value %v, want recovered", r.Error, r.Value)
	}
	if len(srv.TimeseriesRequests()) != before+1 {
		t.Errorf("recovering took %d requests, want 1", len(srv.TimeseriesRequests())-before)
	}
}

func TestRateLimitSlowsPollingDown(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetSeries("avg:a{*}", ddtest.Series{Values: ddtest.Vals(1)})
	srv.SetRateLimit(2, 90*time.Second) // 1 request per 45 s at most, interval 30 s
	c := newClient(t, srv.Datadog(), metric("a", "avg:a{*}"), metric("b", "avg:b{*}"))

	for _, rep := range poll(t, c) {
		r := rep.Result
		if r.NextIn != 45*time.Second {
			t.Errorf("%s: NextIn = %s, want 45s (2 requests per 90 s)", rep.Source, r.NextIn)
		}
		if !strings.Contains(r.Detail, "Datadog: 1 req/45s, rate limit") {
			t.Errorf("%s: detail %q does not say it slowed down", rep.Source, r.Detail)
		}
	}
	again := poll(t, c)
	if n := len(srv.TimeseriesRequests()); n != 1 {
		t.Fatalf("a poll within the budget's 45 s made a request (%d in all)", n)
	}
	if again[0].Result.NextIn <= 0 || again[0].Result.Value == nil {
		t.Errorf("the early poll should repeat the last result and say when to come back: %+v", again[0].Result)
	}
}

func TestServerErrorsBackOffWithoutRetryLoops(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetSeries("avg:a{*}", ddtest.Series{Values: ddtest.Vals(3)})
	srv.FailNext(2, http.StatusServiceUnavailable, `{"errors":["Service temporarily unavailable"]}`)
	c := newClient(t, srv.Datadog(), metric("a", "avg:a{*}"))
	for i := range 2 {
		r := poll(t, c)[0].Result
		if !strings.Contains(r.Error, "503") || !strings.Contains(r.Error, "Service temporarily unavailable") {
			t.Fatalf("poll %d: error %q, want the 503 and Datadog's message", i, r.Error)
		}
		if r.Status != sources.Unknown || !r.Failed || r.Value != nil || len(r.Series) != 0 {
			t.Errorf("poll %d: a failed poll reported data or was not marked Failed: %+v", i, r)
		}
	}
	if n := len(srv.TimeseriesRequests()); n != 2 {
		t.Fatalf("two polls against a 503 made %d requests: the client retried on its own", n)
	}
	if r := poll(t, c)[0].Result; r.Error != "" || *r.Value != 3 {
		t.Fatalf("after the 503s: %+v", r)
	}
}

func TestRefusedKeysStopPollingAndSaySoOnce(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusUnauthorized} {
		srv := ddtest.NewServer(t)
		dd := srv.Datadog()
		if status == http.StatusForbidden {
			dd.APIKey, dd.AppKey = wrongAPIKey, wrongAppKey // the server's own 403
		} else {
			srv.FailNext(1, status, `{"errors":["Unauthorized"]}`)
		}
		c := newClient(t, dd, metric("a", "avg:a{*}"), metric("b", "avg:b{*}"))
		first := poll(t, c)
		for _, rep := range first {
			r := rep.Result
			if !strings.Contains(r.Error, "refused the keys") || !strings.Contains(r.Error, "datadog.api_key") || !strings.Contains(r.Error, "stopped") {
				t.Fatalf("%d: error %q, want it to say the keys were refused, which keys, and that polling stopped", status, r.Error)
			}
			if r.NextIn < time.Hour {
				t.Errorf("%d: NextIn = %s, want polling stopped", status, r.NextIn)
			}
		}
		if len(first[0].Result.Events) != 1 || len(first[1].Result.Events) != 0 {
			t.Errorf("%d: events %q / %q, want the refusal logged once", status, first[0].Result.Events, first[1].Result.Events)
		}
		second := poll(t, c)
		if n := len(srv.TimeseriesRequests()); n != 1 {
			t.Fatalf("%d: polling went on after the keys were refused (%d requests)", status, n)
		}
		if second[0].Result.Error != first[0].Result.Error || len(second[0].Result.Events) != 0 {
			t.Errorf("%d: second poll %+v", status, second[0].Result)
		}
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetDelay(5 * time.Second)
	dd := srv.Datadog()
	dd.Timeout = config.Duration(300 * time.Millisecond)
	c := newClient(t, dd, metric("a", "avg:a{*}"))

	start := time.Now()
	r := poll(t, c)[0].Result
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("poll took %s against a server that never answers; the timeout is 300ms", took)
	}
	if !strings.Contains(r.Error, "did not answer within") || !strings.Contains(r.Error, "datadog.timeout") {
		t.Fatalf("error %q, want it to say Datadog did not answer in time", r.Error)
	}

	// A poll whose context ends first returns by its deadline, too.
	dd.Timeout = config.Duration(10 * time.Second)
	c2 := newClient(t, dd, metric("a", "avg:a{*}"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	reports := c2.Job().Poll(ctx)
	if took := time.Since(start); took > time.Second {
		t.Fatalf("poll took %s past a 200ms context", took)
	}
	if reports[0].Result.Error == "" {
		t.Fatal("a poll cut by its context reported no error")
	}
}

func TestGarbageAnswersAreClearErrors(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetSeries("avg:a{*}", ddtest.Series{Values: ddtest.Vals(5)})
	c := newClient(t, srv.Datadog(), metric("a", "avg:a{*}"))
	for _, tc := range []struct{ body, want string }{
		{"<html>\x1b[31mcaptive portal</html>", "not JSON"},
		{`{"data": [1, 2`, "not the expected JSON"},
		{`{"data":{"type":"scalar_response","attributes":{}}}`, "not a timeseries_response"},
		{`{"data":{"type":"timeseries_response","attributes":{"series":[{"query_index":0}],"times":[1],"values":[]}}}`, "1 series but 0 lists of values"},
		{`{}`, `no "data"`},
	} {
		srv.FailNext(1, http.StatusOK, tc.body)
		r := poll(t, c)[0].Result
		if !strings.Contains(r.Error, "cannot be read") || !strings.Contains(r.Error, tc.want) || !strings.Contains(r.Error, "datadog.url") {
			t.Errorf("body %q: error %q, want it to say the answer cannot be read (%s)", tc.body, r.Error, tc.want)
		}
		if strings.ContainsRune(r.Error, 0x1b) {
			t.Errorf("an escape sequence from the answer reached the error: %q", r.Error)
		}
	}
	if r := poll(t, c)[0].Result; r.Error != "" {
		t.Fatalf("after the garbage: %q", r.Error)
	}
}

func TestUnreachableServerKeepsKeysOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dd := config.Datadog{URL: "http://" + addr, APIKey: ddtest.APIKey, AppKey: ddtest.AppKey, Events: true}
	c := newClient(t, dd, metric("a", "avg:a{*}"))
	r := poll(t, c)[0].Result
	if !strings.Contains(r.Error, "cannot reach Datadog at http://"+addr) {
		t.Fatalf("error %q, want it to name the address", r.Error)
	}
	err = c.PostEvent(context.Background(), Event{Title: "t", Text: "x"})
	if err == nil {
		t.Fatal("posting to nowhere succeeded")
	}
	assertNoKeys(t, err.Error())
}

func TestRejectedQueryIsFoundAndSetAside(t *testing.T) {
	srv := ddtest.NewServer(t)
	var ms []config.Metric
	for i, q := range []string{"avg:a{*}", "avg:b{*}", "avg:c{*", "avg:d{*}", "avg:e{*}"} {
		srv.SetSeries(q, ddtest.Series{Values: ddtest.Vals(i)})
		ms = append(ms, config.Metric{Name: q, Query: q, Pos: config.Pos{Line: 20 + i, Col: 5}})
	}
	srv.Reject("avg:c{*", "Error parsing query: unclosed brace")
	c := newClient(t, srv.Datadog(), ms...)

	got := byName(poll(t, c))
	bad := got["avg:c{*"]
	if !strings.Contains(bad.Error, "Error parsing query: unclosed brace") || !strings.Contains(bad.Error, "config line 22") {
		t.Fatalf("the bad query's error is %q", bad.Error)
	}
	for i, m := range ms {
		if i != 2 && (got[m.Name].Error != "" || *got[m.Name].Value != float64(i)) {
			t.Errorf("%s was hurt by another metric's bad query: %+v", m.Name, got[m.Name])
		}
	}
	n := len(srv.TimeseriesRequests())
	if n > 1+maxBisect {
		t.Errorf("finding one bad query of 5 took %d requests", n)
	}
	poll(t, c)
	reqs := srv.TimeseriesRequests()
	if len(reqs) != n+1 || len(reqs[n].Queries) != 4 {
		t.Fatalf("the next poll made %d requests of %v queries, want one of 4 (the bad query set aside)", len(reqs)-n, queryCounts(reqs[n:]))
	}
}

func TestTooManyQueriesShrinksTheBatch(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetMaxQueries(3)
	var ms []config.Metric
	for _, q := range []string{"avg:a{*}", "avg:b{*}", "avg:c{*}", "avg:d{*}", "avg:e{*}"} {
		srv.SetSeries(q, ddtest.Series{Values: ddtest.Vals(1)})
		ms = append(ms, metric(q, q))
	}
	c := newClient(t, srv.Datadog(), ms...)
	for _, rep := range poll(t, c) {
		if rep.Result.Error != "" {
			t.Errorf("%s: %q", rep.Source, rep.Result.Error)
		}
	}
	n := len(srv.TimeseriesRequests())
	poll(t, c)
	reqs := srv.TimeseriesRequests()[n:]
	if got := queryCounts(reqs); len(got) != 2 || got[0] != 3 || got[1] != 2 {
		t.Fatalf("after a 'too many queries' answer the next poll asked %v, want [3 2]", got)
	}
}

func TestKeysNeverInOutput(t *testing.T) {
	// A server that echoes the request headers in its error must not get them into ours.
	srv := ddtest.NewServer(t)
	srv.FailNext(1, http.StatusBadRequest, `{"errors":["bad key `+ddtest.APIKey+` / `+ddtest.AppKey+`"]}`)
	c := newClient(t, srv.Datadog(), metric("a", "avg:a{*}"))
	var buf bytes.Buffer
	for _, rep := range poll(t, c) {
		buf.WriteString(rep.Result.Error + rep.Result.Detail)
	}
	if !strings.Contains(buf.String(), "[redacted]") {
		t.Fatalf("the echoed keys were not redacted: %q", buf.String())
	}
}
