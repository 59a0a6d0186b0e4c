package datadog

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/DataDog/datadog-api-client-go/v2/api/datadog"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// seen is one request as a loopback server received it.
type seen struct {
	method, path string
	header       http.Header
	body         any // the JSON body, decoded
}

// recorder is a loopback server that keeps every request and answers 200 {}.
func recorder(t *testing.T) (*httptest.Server, func() []seen) {
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Errorf("%s: body is not JSON: %v", r.URL.Path, err)
		}
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Clone(), v})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []seen { mu.Lock(); defer mu.Unlock(); return append([]seen(nil), got...) }
}

// official sends body to path the way the generated API methods of the official client do
// (server index 1 with our protocol and name, SetAuthKeys, PrepareRequest, CallAPI), with
// the configuration warroom used to give its core package: gzip on, retries off.
func official(t *testing.T, base, path string, body any, keys ...[2]string) {
	t.Helper()
	u, _ := url.Parse(base)
	cfg := datadog.NewConfiguration()
	cfg.Compress = true
	cfg.RetryConfiguration.EnableRetry = false
	api := datadog.NewAPIClient(cfg)
	ctx := context.WithValue(context.Background(), datadog.ContextAPIKeys, map[string]datadog.APIKey{
		"apiKeyAuth": {Key: ddtest.APIKey}, "appKeyAuth": {Key: ddtest.AppKey}})
	ctx = context.WithValue(ctx, datadog.ContextServerIndex, 1)
	ctx = context.WithValue(ctx, datadog.ContextServerVariables, map[string]string{"protocol": u.Scheme, "name": u.Host})
	server, err := api.Cfg.ServerURLWithContext(ctx, "v2.MetricsApi.QueryTimeseriesData")
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{"Content-Type": "application/json", "Accept": "application/json"}
	datadog.SetAuthKeys(ctx, &headers, keys...)
	req, err := api.PrepareRequest(ctx, server+path, http.MethodPost, body, headers, url.Values{}, url.Values{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := api.CallAPI(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// TestRequestsMatchOfficialClient: the query and the event warroom sends by itself are, header
// for header and byte for byte of JSON, what datadog-api-client-go's core package sends for
// the same call (only the User-Agent names warroom instead).
func TestRequestsMatchOfficialClient(t *testing.T) {
	srv, got := recorder(t)
	dd := config.Datadog{URL: srv.URL, APIKey: ddtest.APIKey, AppKey: ddtest.AppKey, Events: true}
	c := newClient(t, dd, metric("a", "avg:trace.http.request.duration{env:prod}"), metric("b", "sum:x{*} by {host}"))
	body := c.newRequest([]int{0, 1}, time.UnixMilli(1_733_000_000_000))
	if _, cerr := c.call(context.Background(), "/api/v2/query/timeseries", body, true); cerr != nil {
		t.Fatal(cerr)
	}
	official(t, srv.URL, "/api/v2/query/timeseries", body,
		[2]string{"apiKeyAuth", "DD-API-KEY"}, [2]string{"appKeyAuth", "DD-APPLICATION-KEY"})
	ev := eventBody(CheckpointEvent(Transition{Checkpoint: "freeze", State: "done", By: "ana"}), time.Unix(1_733_000_000, 0))
	if _, cerr := c.call(context.Background(), "/api/v1/events", ev, false); cerr != nil {
		t.Fatal(cerr)
	}
	official(t, srv.URL, "/api/v1/events", ev, [2]string{"apiKeyAuth", "DD-API-KEY"})

	reqs := got()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for _, pair := range [][2]seen{{reqs[0], reqs[1]}, {reqs[2], reqs[3]}} {
		ours, theirs := pair[0], pair[1]
		if ours.method != theirs.method || ours.path != theirs.path {
			t.Errorf("ours %s %s, official %s %s", ours.method, ours.path, theirs.method, theirs.path)
		}
		if !reflect.DeepEqual(ours.body, theirs.body) {
			t.Errorf("%s: bodies differ:\nours     %v\nofficial %v", ours.path, ours.body, theirs.body)
		}
		if !strings.HasPrefix(ours.header.Get("User-Agent"), "warroom (go ") {
			t.Errorf("User-Agent %q", ours.header.Get("User-Agent"))
		}
		for _, h := range []http.Header{ours.header, theirs.header} {
			h.Del("User-Agent")
		}
		if !reflect.DeepEqual(ours.header, theirs.header) {
			t.Errorf("%s: headers differ (names only shown):\nours     %v\nofficial %v", ours.path, names(ours.header), names(theirs.header))
		}
	}
	if reqs[0].header.Get("DD-APPLICATION-KEY") != ddtest.AppKey || reqs[2].header.Get("DD-APPLICATION-KEY") != "" {
		t.Error("the application key goes with queries only")
	}
}

func names(h http.Header) []string {
	var out []string
	for k, v := range h {
		if strings.HasPrefix(k, "Dd-") {
			out = append(out, k+"=(secret)")
			continue
		}
		out = append(out, k+"="+strings.Join(v, ","))
	}
	return out
}
