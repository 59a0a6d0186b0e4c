// Package ddtest is a local HTTP server that speaks the two Datadog endpoints warroom calls —
// POST /api/v2/query/timeseries and POST /api/v1/events — with the JSON shapes, headers and
// failures of the real API (checked against the generated models of
// datadog-api-client-go v2.67.0). Tests of sources/datadog and end-to-end tests of
// `warroom check --json` point the real client at it through Server.Datadog.
package ddtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
)

// The keys the server accepts. They are long and distinctive so that tests can assert that
// they appear nowhere in warroom's output.
const (
	APIKey = "ddtest-api-key-5f0c2a9e7d3b41c8a6"
	AppKey = "ddtest-app-key-9b8e7d6c5b4a392817f5e4d3"
)

// Series is one answer series for a query.
type Series struct {
	GroupTags []string // e.g. "host:web-1"; none for an ungrouped query
	Unit      string   // the unit's short name ("ms"); "" answers a null unit
	// Values are the newest buckets of the window, oldest first: the last value lands in the
	// newest bucket, earlier buckets without a value are null. A nil value is a null point.
	Values []*float64
}

// Vals builds Series.Values from float64s, ints and nils.
func Vals(vs ...any) []*float64 {
	out := make([]*float64, len(vs))
	for i, v := range vs {
		switch x := v.(type) {
		case float64:
			out[i] = &x
		case int:
			f := float64(x)
			out[i] = &f
		case nil:
		default:
			panic("ddtest.Vals: want float64, int or nil")
		}
	}
	return out
}

// Query is one query of a timeseries request as the server received it.
type Query struct {
	DataSource string `json:"data_source"`
	Query      string `json:"query"`
	Name       string `json:"name"`
}

// TimeseriesRequest is one POST /api/v2/query/timeseries as received. Header holds the
// request's headers, keys included: assert on it, never print it.
type TimeseriesRequest struct {
	Type     string
	From, To int64 // ms
	Interval int64 // ms
	Queries  []Query
	Formulas []string
	Header   http.Header
}

// EventRequest is one POST /api/v1/events as received.
type EventRequest struct {
	Title        string   `json:"title"`
	Text         string   `json:"text"`
	AlertType    string   `json:"alert_type"`
	Tags         []string `json:"tags"`
	DateHappened int64    `json:"date_happened"`
	Header       http.Header
}

type failure struct {
	status int
	body   string
}

// Server is the fake Datadog API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL ("http://127.0.0.1:PORT"), for datadog.url.
	URL string
	srv *httptest.Server

	mu         sync.Mutex
	series     map[string][]Series
	rejected   map[string]string
	maxQueries int
	limit      int
	period     time.Duration
	winStart   time.Time
	winCount   int
	failures   []failure
	delay      time.Duration
	requests   []TimeseriesRequest
	events     []EventRequest
	now        func() time.Time // the rate limit's clock
}

// NewServer starts a server on 127.0.0.1 that is closed when the test ends. It answers with
// rate-limit headers for 1000 requests per 60 s until SetRateLimit says otherwise.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{series: map[string][]Series{}, rejected: map[string]string{}, limit: 1000, period: time.Minute, now: time.Now}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the server (NewServer's cleanup does it too).
func (s *Server) Close() { s.srv.Close() }

// Datadog is a datadog: config section for this server: its URL and the right keys, other
// keys left at their defaults.
func (s *Server) Datadog() config.Datadog {
	return config.Datadog{URL: s.URL, APIKey: APIKey, AppKey: AppKey}
}

// SetSeries sets the series answered for query (matched exactly). A query with none set
// is answered with no series, as Datadog answers a query that matches no data.
func (s *Server) SetSeries(query string, series ...Series) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.series[query] = series
}

// Reject makes any request that contains query fail with 400 and Datadog's error body
// carrying message, as Datadog answers a query it cannot parse.
func (s *Server) Reject(query, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[query] = message
}

// SetMaxQueries makes requests of more than n queries fail with 400 (0: no maximum).
func (s *Server) SetMaxQueries(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxQueries = n
}

// SetRateLimit limits the timeseries endpoint to limit requests per period (whole
// seconds), in fixed windows that start with the first request after the last one ended,
// and sends the X-RateLimit-* headers. Past the limit it answers 429. SetRateLimit(0, 0)
// turns the limit and its headers off.
func (s *Server) SetRateLimit(limit int, period time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit, s.period, s.winStart, s.winCount = limit, period, time.Time{}, 0
}

// SetClock makes the rate limit's windows run on now instead of the wall clock, so that a
// test can step to a reset exactly (and the client, given the same clock, agrees).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// FailNext answers the next n requests (either endpoint, after the key check) with status
// and body (JSON or not, as given) instead of the real answer.
func (s *Server) FailNext(n, status int, body string) { s.AnswerNext(n, status, body) }

// AnswerNext answers the next n requests (either endpoint, after the key check) with status
// and body as given — a recorded Datadog answer, say — instead of the one the server would
// make.
func (s *Server) AnswerNext(n, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, failure{status, body})
	}
}

// SetDelay makes every answer wait d (or until the client gives up).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// TimeseriesRequests returns every timeseries request received so far, in order, whatever
// it was answered (refused keys, 429 and failures included).
func (s *Server) TimeseriesRequests() []TimeseriesRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TimeseriesRequest(nil), s.requests...)
}

// Events returns every event post received so far, in order, whatever it was answered.
func (s *Server) Events() []EventRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]EventRequest(nil), s.events...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// Read the body first: only then does the server notice a client that hangs up, which
	// ends the delay below.
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case r.URL.Path == "/api/v2/query/timeseries" && r.Method == http.MethodPost:
		s.timeseries(w, r)
	case r.URL.Path == "/api/v1/events" && r.Method == http.MethodPost:
		s.event(w, r)
	default:
		writeJSON(w, r, http.StatusNotFound, errorsBody("Not found"))
	}
}

// errorsBody is Datadog's error shape: {"errors": ["…"]}.
func errorsBody(msgs ...string) map[string]any { return map[string]any{"errors": msgs} }

// writeJSON answers v as JSON, gzip-compressed when the client accepts it (as Datadog does).
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, _ := json.Marshal(v)
	writeRaw(w, r, status, "application/json", b)
}

func writeRaw(w http.ResponseWriter, r *http.Request, status int, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		gz := gzip.NewWriter(w)
		_, _ = gz.Write(b)
		_ = gz.Close()
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readJSON reads a bounded JSON request body into v; false when it answered an error.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeJSON(w, r, http.StatusUnsupportedMediaType, errorsBody("Content-Type must be application/json"))
		return false
	}
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		writeJSON(w, r, http.StatusBadRequest, errorsBody("Invalid JSON: "+err.Error()))
		return false
	}
	return true
}

// nextFailure takes the next failure set by FailNext, if any.
func (s *Server) nextFailure() (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) == 0 {
		return failure{}, false
	}
	f := s.failures[0]
	s.failures = s.failures[1:]
	return f, true
}

func (s *Server) writeFailure(w http.ResponseWriter, r *http.Request, f failure) {
	ct := "application/json"
	if !strings.HasPrefix(strings.TrimSpace(f.body), "{") {
		ct = "text/plain; charset=utf-8"
	}
	writeRaw(w, r, f.status, ct, []byte(f.body))
}
