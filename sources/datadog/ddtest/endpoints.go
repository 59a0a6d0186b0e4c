package ddtest

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// maxPoints is how many buckets the server answers at most; like Datadog, it widens the
// interval when the asked one would give more.
const maxPoints = 1500

// keysOK answers 403 {"errors":["Forbidden"]} when the request lacks the right keys.
func keysOK(w http.ResponseWriter, r *http.Request, needAppKey bool) bool {
	if r.Header.Get("DD-API-KEY") != APIKey || needAppKey && r.Header.Get("DD-APPLICATION-KEY") != AppKey {
		writeJSON(w, r, http.StatusForbidden, errorsBody("Forbidden"))
		return false
	}
	return true
}

// rateHeaders counts the request in the current window, sets the X-RateLimit-* headers,
// and reports whether the request is over the limit.
func (s *Server) rateHeaders(w http.ResponseWriter) (over bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit <= 0 || s.period <= 0 {
		return false
	}
	now := s.now()
	if s.winStart.IsZero() || !now.Before(s.winStart.Add(s.period)) {
		s.winStart, s.winCount = now, 0
	}
	s.winCount++
	reset := int(math.Ceil(s.winStart.Add(s.period).Sub(now).Seconds()))
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.limit))
	h.Set("X-RateLimit-Period", strconv.Itoa(int(s.period/time.Second)))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(s.limit-s.winCount, 0)))
	h.Set("X-RateLimit-Reset", strconv.Itoa(reset))
	h.Set("X-RateLimit-Name", "timeseries_query")
	return s.winCount > s.limit
}

type tsRequestBody struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			From     int64   `json:"from"`
			To       int64   `json:"to"`
			Interval int64   `json:"interval"`
			Queries  []Query `json:"queries"`
			Formulas []struct {
				Formula string `json:"formula"`
			} `json:"formulas"`
		} `json:"attributes"`
	} `json:"data"`
}

func (s *Server) timeseries(w http.ResponseWriter, r *http.Request) {
	var body tsRequestBody
	if !readJSON(w, r, &body) {
		return
	}
	req := record(body, r.Header)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	if !keysOK(w, r, true) {
		return
	}
	if s.rateHeaders(w) {
		writeJSON(w, r, http.StatusTooManyRequests, errorsBody("Too many requests"))
		return
	}
	if f, ok := s.nextFailure(); ok {
		s.writeFailure(w, r, f)
		return
	}
	if msg := s.check(req); msg != "" {
		writeJSON(w, r, http.StatusBadRequest, errorsBody(msg))
		return
	}
	writeJSON(w, r, http.StatusOK, s.answer(req))
}

func record(body tsRequestBody, h http.Header) TimeseriesRequest {
	a := body.Data.Attributes
	req := TimeseriesRequest{Type: body.Data.Type, From: a.From, To: a.To, Interval: a.Interval,
		Queries: a.Queries, Header: h.Clone()}
	for _, f := range a.Formulas {
		req.Formulas = append(req.Formulas, f.Formula)
	}
	return req
}

// check returns Datadog's 400 message for a request it would refuse, "" for a good one.
func (s *Server) check(req TimeseriesRequest) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case req.Type != "timeseries_request":
		return fmt.Sprintf("Invalid type %q: expected timeseries_request", req.Type)
	case req.From <= 0 || req.To <= req.From:
		return "Invalid time range: from must be before to"
	case len(req.Queries) == 0:
		return "At least one query is required"
	case s.maxQueries > 0 && len(req.Queries) > s.maxQueries:
		return fmt.Sprintf("Too many queries: %d, the maximum is %d", len(req.Queries), s.maxQueries)
	}
	names := map[string]bool{}
	for _, q := range req.Queries {
		if q.DataSource != "metrics" {
			return fmt.Sprintf("Invalid data_source %q", q.DataSource)
		}
		if msg, bad := s.rejected[q.Query]; bad {
			return msg
		}
		names[q.Name] = true
	}
	for _, f := range req.Formulas {
		if !names[f] {
			return fmt.Sprintf("Formula %q refers to no query", f)
		}
	}
	return ""
}

// answer is the timeseries_response for req: one formula per query (or the queries
// themselves when there are no formulas), with the shared times of the window.
func (s *Server) answer(req TimeseriesRequest) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	interval := req.Interval
	if interval <= 0 {
		interval = 20_000
	}
	if n := (req.To - req.From) / interval; n > maxPoints {
		interval = (req.To - req.From + maxPoints - 1) / maxPoints
	}
	var times []int64
	for t := (req.From + interval - 1) / interval * interval; t < req.To; t += interval {
		times = append(times, t)
	}
	byName := map[string]string{}
	for _, q := range req.Queries {
		byName[q.Name] = q.Query
	}
	formulas := req.Formulas
	if len(formulas) == 0 {
		for _, q := range req.Queries {
			formulas = append(formulas, q.Name)
		}
	}
	series, values := []map[string]any{}, [][]*float64{}
	for i, f := range formulas {
		for _, sr := range s.series[byName[f]] {
			series = append(series, map[string]any{"group_tags": orEmpty(sr.GroupTags), "query_index": i, "unit": unit(sr.Unit)})
			values = append(values, align(sr.Values, len(times)))
		}
	}
	return map[string]any{"data": map[string]any{
		"id":   "0",
		"type": "timeseries_response",
		"attributes": map[string]any{
			"series": series, "times": orEmptyInts(times), "values": values,
		},
	}}
}

// align right-aligns vs to n buckets, padding older buckets with nulls.
func align(vs []*float64, n int) []*float64 {
	out := make([]*float64, n)
	if len(vs) > n {
		vs = vs[len(vs)-n:]
	}
	copy(out[n-len(vs):], vs)
	return out
}

func unit(short string) any {
	if short == "" {
		return nil
	}
	return []any{map[string]any{"family": "custom", "name": short, "plural": short, "scale_factor": 1.0, "short_name": short}, nil}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orEmptyInts(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}

func (s *Server) event(w http.ResponseWriter, r *http.Request) {
	var ev EventRequest
	if !readJSON(w, r, &ev) {
		return
	}
	ev.Header = r.Header.Clone()
	s.mu.Lock()
	s.events = append(s.events, ev)
	id := len(s.events)
	s.mu.Unlock()
	if !keysOK(w, r, false) {
		return
	}
	if f, ok := s.nextFailure(); ok {
		s.writeFailure(w, r, f)
		return
	}
	if ev.Title == "" || ev.Text == "" {
		writeJSON(w, r, http.StatusBadRequest, errorsBody("Event title and text are required"))
		return
	}
	writeJSON(w, r, http.StatusAccepted, map[string]any{"status": "ok", "event": map[string]any{
		"id": id, "title": ev.Title, "text": ev.Text, "tags": ev.Tags, "alert_type": ev.AlertType,
		"date_happened": ev.DateHappened, "url": fmt.Sprintf("https://app.datadoghq.com/event/event?id=%d", id),
	}})
}
