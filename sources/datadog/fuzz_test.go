package datadog

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/warroom-dev/warroom/config"
)

// FuzzDecodeTimeseries feeds any answer to the decoder and the result builder: they must not
// panic, must keep points oldest first, must put no series in a slot that does not exist,
// and must let no control character through to the board.
func FuzzDecodeTimeseries(f *testing.F) {
	f.Add([]byte(`{"data":{"id":"0","type":"timeseries_response","attributes":{"series":[{"group_tags":["host:a"],"query_index":0,"unit":[{"short_name":"ms"},null]}],"times":[1700000000000,1700000015000],"values":[[1.5,null]]}}}`), "application/json", 1)
	f.Add([]byte(`{"data":{"type":"timeseries_response","attributes":{"series":[{"query_index":1},{"query_index":0,"group_tags":["a\u001b[2J"]}],"times":[3,1,2],"values":[[1,2,3],[null]]}},"errors":"partial"}`), "application/json; charset=utf-8", 2)
	f.Add([]byte(`{"data":{"type":"timeseries_response","attributes":{"series":[],"times":[],"values":[]}}}`), "", 3)
	f.Add([]byte(`{"errors":["Forbidden"]}`), "application/json", 1)
	f.Add([]byte(`<html>`), "text/html", 1)
	f.Add([]byte(`{"data":{"attributes":{"series":[{"query_index":-1}],"values":[[1e308,-1e308]],"times":[-9223372036854775808,9223372036854775807]}}}`), "application/vnd.api+json", 1)
	warn, crit := 1.0, 2.0
	c := &Client{metrics: []config.Metric{{Name: "m", Query: "q", Warn: &warn, Crit: &crit}}, window: time.Hour, pollState: newPollState()}
	f.Fuzz(func(t *testing.T, body []byte, contentType string, slots int) {
		slots = 1 + (slots&0xff)%4
		d, err := decodeTimeseries(body, contentType, slots)
		if err != nil {
			if !printable(err.Error()) {
				t.Fatalf("error with control characters: %q", err.Error())
			}
			return
		}
		if len(d.bySlot) != slots {
			t.Fatalf("%d slots for %d queries", len(d.bySlot), slots)
		}
		for _, ss := range d.bySlot {
			r := c.result(0, outcome{series: ss, remarks: d.remarks}, "")
			for _, s := range r.Series {
				if !printable(s.Name) {
					t.Fatalf("series name with control characters: %q", s.Name)
				}
				for i := 1; i < len(s.Points); i++ {
					if s.Points[i].Time.Before(s.Points[i-1].Time) {
						t.Fatal("points not oldest first")
					}
				}
			}
			if !printable(r.Error) || !printable(r.Detail) || !printable(r.Unit) {
				t.Fatalf("control characters in %q / %q / %q", r.Error, r.Detail, r.Unit)
			}
		}
		_ = errorText(body)
	})
}

func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) })
}

// FuzzRateBudget feeds any rate-limit headers to the budget: it must not panic or divide by
// zero, must never ask for less than the interval, and must not wait absurdly long.
func FuzzRateBudget(f *testing.F) {
	f.Add("2", "90", "1", "60", 1)
	f.Add("0", "0", "0", "0", 3)
	f.Add("-1", "x", "999999999999", "", 0)
	f.Fuzz(func(t *testing.T, limit, period, remaining, reset string, reqs int) {
		h := http.Header{}
		h.Set("X-RateLimit-Limit", limit)
		h.Set("X-RateLimit-Period", period)
		h.Set("X-RateLimit-Remaining", remaining)
		h.Set("X-RateLimit-Reset", reset)
		r := newRateState()
		now := time.Unix(1_700_000_000, 0)
		r.observe(h, now)
		reqs = reqs & 0x3f
		got, note := r.budget(now, now, 30*time.Second, reqs)
		if got < 30*time.Second {
			t.Fatalf("budget %s is less than the interval", got)
		}
		if got > 30*time.Second && note == "" {
			t.Fatal("slowed down without saying so")
		}
		if w := r.untilReset(now); w < 0 {
			t.Fatalf("negative wait %s", w)
		}
	})
}
