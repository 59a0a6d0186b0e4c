package web

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/warroom-dev/warroom/board"
)

func get(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func request(t *testing.T, method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// The first response holds the whole board, escaped, with no external asset.
func TestPageIsWholeAndSelfContained(t *testing.T) {
	r := newRig(t, Options{})
	resp, body := get(t, request(t, "GET", r.base+"/"))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"Market &lt;cutover&gt;", `name="viewport"`, "T&#43;", "of 1:00:00", "freeze", "Old primary read-only",
		"started by dana", "cloud-writer", "0.4 s lag", "<svg", "checkout &lt;errors&gt;", `class="chip ok">✓ 3 ok`, "warn", "crit"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"<cutover>", "<errors>", "http://", "https://", "src="} {
		if strings.Contains(strings.ReplaceAll(body, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("the page holds %q (unescaped text or an external asset)", bad)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, hashOf(liveScript)) {
		t.Errorf("CSP %q", csp)
	}
}

// Nothing can be changed: every method but GET and HEAD is refused; unknown paths are 404.
func TestReadOnly(t *testing.T) {
	r := newRig(t, Options{})
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		for _, p := range []string{"/", "/api/v1/status", "/metrics", "/events"} {
			if resp, _ := get(t, request(t, m, r.base+p)); resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s = %d", m, p, resp.StatusCode)
			}
		}
	}
	if resp, _ := get(t, request(t, "HEAD", r.base+"/metrics")); resp.StatusCode != 200 {
		t.Errorf("HEAD /metrics = %d", resp.StatusCode)
	}
	if resp, _ := get(t, request(t, "GET", r.base+"/nope")); resp.StatusCode != 404 {
		t.Errorf("GET /nope = %d", resp.StatusCode)
	}
}

// The token refuses strangers, lets in a Bearer header, and turns ?token= into a cookie.
func TestTokenRefusesStrangers(t *testing.T) {
	r := newRig(t, Options{Token: "s3cret-token"})
	for name, req := range map[string]*http.Request{
		"none":         request(t, "GET", r.base+"/metrics"),
		"wrong query":  request(t, "GET", r.base+"/?token=guess"),
		"wrong bearer": withHeader(request(t, "GET", r.base+"/api/v1/status"), "Authorization", "Bearer s3cret-tokeN"),
		"wrong cookie": withHeader(request(t, "GET", r.base+"/"), "Cookie", cookieName+"=s3cret-token"),
		"stream":       request(t, "GET", r.base+"/events"),
	} {
		resp, body := get(t, req)
		if resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "cloud-writer") {
			t.Errorf("%s: %d %q", name, resp.StatusCode, body)
		}
	}
	resp, _ := get(t, withHeader(request(t, "GET", r.base+"/metrics"), "Authorization", "Bearer s3cret-token"))
	if resp.StatusCode != 200 {
		t.Errorf("bearer: %d", resp.StatusCode)
	}
	resp, _ = get(t, request(t, "GET", r.base+"/?token=s3cret-token"))
	cookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" ||
		!strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") || strings.Contains(cookie, "s3cret-token") {
		t.Fatalf("?token=: %d Location %q Set-Cookie %q", resp.StatusCode, resp.Header.Get("Location"), cookie)
	}
	resp, body := get(t, withHeader(request(t, "GET", r.base+"/"), "Cookie", strings.Split(cookie, ";")[0]))
	if resp.StatusCode != 200 || !strings.Contains(body, "cloud-writer") {
		t.Errorf("with the cookie: %d", resp.StatusCode)
	}
}

func withHeader(req *http.Request, k, v string) *http.Request {
	req.Header.Set(k, v)
	return req
}

// Off loopback, a token is required.
func TestTokenRequiredOffLoopback(t *testing.T) {
	if _, err := New(Deps{}, Options{Listen: "0.0.0.0:8080"}); err == nil || !strings.Contains(err.Error(), "token is required") {
		t.Errorf("New without a token on 0.0.0.0: %v", err)
	}
}

// /metrics parses with Prometheus' own text parser and holds the documented families.
func TestMetricsParse(t *testing.T) {
	r := newRig(t, Options{})
	r.goCrit()
	resp, body := get(t, request(t, "GET", r.base+"/metrics"))
	if ct := resp.Header.Get("Content-Type"); ct != metricsContentType {
		t.Errorf("Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the Prometheus parser refuses /metrics: %v\n%s", err, body)
	}
	value := func(name string, labels map[string]string) (float64, bool) {
		f, ok := fams[name]
		if !ok {
			return 0, false
		}
	next:
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue next
				}
			}
			switch {
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			}
		}
		return 0, false
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"warroom_source_status", map[string]string{"source": "cloud-writer"}, 2},
		{"warroom_source_status", map[string]string{"source": "app p95"}, 0},
		{"warroom_source_value", map[string]string{"source": "cloud-writer", "unit": "s"}, 42},
		{"warroom_db_lag_seconds", map[string]string{"source": "cloud-writer"}, 42},
		{"warroom_board_status", nil, 2},
		{"warroom_checkpoint_state", map[string]string{"checkpoint": "freeze", "state": "running"}, 1},
		{"warroom_checkpoint_state", map[string]string{"checkpoint": "freeze", "state": "pending"}, 0},
		{"warroom_checkpoint_planned_seconds", map[string]string{"checkpoint": "dns"}, 600},
		{"warroom_runsheet_window_seconds", nil, 3600},
		{"warroom_source_polls_total", map[string]string{"source": "checkout <errors>"}, 60},
		{"warroom_info", map[string]string{"title": "Market <cutover>"}, 1},
	} {
		got, ok := value(c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if fams["warroom_source_polls_total"].GetType().String() != "COUNTER" {
		t.Errorf("polls_total is %v", fams["warroom_source_polls_total"].GetType())
	}
}

// /api/v1/status is the document Deps.Status builds.
func TestStatusAPI(t *testing.T) {
	r := newRig(t, Options{})
	resp, body := get(t, request(t, "GET", r.base+"/api/v1/status"))
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%v %q", err, body)
	}
	if doc["version"] != 1.0 || doc["sources"] != 3.0 || doc["checkpoints"] != 2.0 {
		t.Errorf("doc %v", doc)
	}
}

// The live stream sends the board at once and again when a source goes crit; streams are
// bounded.
func TestEventsStream(t *testing.T) {
	r := newRig(t, Options{MaxClients: 1})
	resp, err := http.Get(r.base + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	if second, _ := get(t, request(t, "GET", r.base+"/events")); second.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a second stream over MaxClients: %d", second.StatusCode)
	}
	events := make(chan string, 16)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 4<<20)
		var ev strings.Builder
		for sc.Scan() {
			line := sc.Text()
			if line == "" && ev.Len() > 0 {
				events <- ev.String()
				ev.Reset()
				continue
			}
			ev.WriteString(strings.TrimPrefix(line, "data: ") + "\n")
		}
	}()
	first := <-events
	if !strings.Contains(first, "event: board") || !strings.Contains(first, `data-status="ok"`) || strings.Contains(first, `data-status="crit"`) {
		t.Fatalf("first event: %.300q", first)
	}
	r.goCrit()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if strings.Contains(ev, `data-status="crit"`) && strings.Contains(ev, "SQL thread stopped") {
				return
			}
		case <-deadline:
			t.Fatal("no crit frame within 5s")
		}
	}
}

// Pinned sources are charted; with none, the metrics.
func TestChartSources(t *testing.T) {
	s := &Server{}
	names := func(infos ...board.Info) []string {
		var out []string
		for _, src := range s.chartSources(board.New(infos, board.Options{}).Snapshot()) {
			out = append(out, src.Name)
		}
		return out
	}
	m, db := board.Info{Name: "p95", Group: "metric"}, board.Info{Name: "db", Group: "db"}
	if got := names(m, db); len(got) != 1 || got[0] != "p95" {
		t.Errorf("unpinned: %v", got)
	}
	db.Pin = true
	if got := names(m, db); len(got) != 1 || got[0] != "db" {
		t.Errorf("pinned: %v", got)
	}
}
