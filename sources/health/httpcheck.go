package health

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

const (
	// maxBody is the most of a body a probe reads; a longer body is crit, not a memory spike.
	maxBody = 1 << 20
	// snippetBytes is how much of a body is kept when no expectation needs all of it: enough
	// for the page title of a maintenance page.
	snippetBytes = 4 << 10
	// pooledBodyCap is the largest buffer kept for reuse between polls.
	pooledBodyCap = 64 << 10
)

// bodyPool keeps read buffers between polls; only small ones are put back.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, snippetBytes); return &b }}

// answer is what one request brought back.
type answer struct {
	resp   *http.Response
	body   *[]byte // the first maxBody bytes, or the first snippetBytes
	tooBig bool
	total  time.Duration
	phases map[string]float64
}

// readBody reads the body to its end (so the connection can be reused and the total latency
// includes it) but never more than maxBody+1 bytes. It keeps all it read when all is set,
// else only the first snippetBytes; sizeHint (the Content-Length, -1 if unknown) sizes the
// buffer. tooBig reports a body longer than maxBody. Release the buffer with releaseBody.
func readBody(r io.Reader, all bool, sizeHint int64) (buf *[]byte, tooBig bool, err error) {
	buf = bodyPool.Get().(*[]byte)
	b := (*buf)[:0]
	defer func() { *buf = b }()
	keep := snippetBytes
	if all {
		keep = maxBody
		if sizeHint > 0 && sizeHint <= maxBody && int(sizeHint) > cap(b) {
			b = make([]byte, 0, sizeHint+512) // room to see the end without growing
		}
	}
	for len(b) < keep {
		if len(b) == cap(b) {
			grown := make([]byte, len(b), min(2*cap(b), keep))
			copy(grown, b)
			b = grown
		}
		n, err := r.Read(b[len(b):min(cap(b), keep)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	rest, err := io.Copy(io.Discard, io.LimitReader(r, int64(maxBody-len(b)+1)))
	return buf, int64(len(b))+rest > maxBody, err
}

func releaseBody(buf *[]byte) {
	if buf != nil && cap(*buf) <= pooledBodyCap {
		bodyPool.Put(buf)
	}
}

// verdict is the judgement of one answer before facts and served-by are added.
type verdict struct {
	status   sources.Status
	err      string
	detail   string
	measured bool // the total latency is a real measurement (the body was read whole)
}

// judge applies the expectations, the TLS expiry and the latency limits, in that order.
func (p *httpProbe) judge(a answer) sources.Result {
	code := a.resp.StatusCode
	if a.tooBig {
		return p.judged(a, verdict{sources.Crit, "body exceeds 1 MiB", fmt.Sprintf("%d · body over 1 MiB", code), false})
	}
	if !p.expect.statusOK(code) {
		msg := fmt.Sprintf("status %d, expected %s", code, p.expect.statusWant())
		if loc := a.resp.Header.Get("Location"); code >= 300 && code < 400 && loc != "" {
			msg += fmt.Sprintf(" (redirect to %s; follow_redirects: true follows it)", clean(loc, 100))
		}
		return p.judged(a, verdict{sources.Crit, msg, statusDetail(code, *a.body), true})
	}
	if msg := p.expect.checkBody(*a.body); msg != "" {
		return p.judged(a, verdict{sources.Crit, msg, fmt.Sprintf("%d · %s", code, shortError(msg)), true})
	}
	// The row shows the latency as its value: the detail says only what else is worth
	// reading, what is wrong first (a slow answer, a certificate about to expire), then a
	// status that is not 2xx ("503 maintenance" when that is expected).
	v := verdict{status: p.limits.Status(millis(a.total)), measured: true}
	if v.status != sources.OK {
		v.detail = slowDetail(p.limits, v.status)
	}
	if days, ok := tlsDaysLeft(a.resp); ok {
		switch {
		case days < 0:
			v.status = sources.Crit
			v.err = "TLS: certificate expired on " + a.resp.TLS.PeerCertificates[0].NotAfter.UTC().Format(time.DateOnly)
			v.detail = joinDetail("cert expired", v.detail)
		case days < p.tlsWarnDays:
			v.status = sources.Worst(v.status, sources.Warn)
			v.detail = joinDetail(fmt.Sprintf("cert expires in %d d", days), v.detail)
		}
	}
	if code < 200 || code >= 300 {
		v.detail = joinDetail(v.detail, statusDetail(code, *a.body))
	}
	return p.judged(a, v)
}

// judged completes a verdict into a Result: the value, the served-by share and its flip
// event, and the facts check --json reports.
func (p *httpProbe) judged(a answer, v verdict) sources.Result {
	r := sources.Result{Status: v.status, Unit: "ms", Error: v.err, Detail: v.detail}
	days, daysOK := tlsDaysLeft(a.resp)
	facts := map[string]any{
		"status_code":   a.resp.StatusCode,
		"latency_ms":    nil,
		"phases_ms":     a.phases,
		"served_by":     "",
		"tls_days_left": nilOr(days, daysOK),
		"error":         v.err,
	}
	if v.measured {
		r.Value = sources.Float(millis(a.total))
		facts["latency_ms"] = *r.Value
	}
	if p.servedByKey != "" {
		value := clean(a.resp.Header.Get(p.servedByKey), maxServedByRunes)
		if event := p.servedBy.add(value); event != "" {
			r.Events = []string{event}
		}
		facts["served_by"] = value
		r.Detail = joinDetail(r.Detail, p.servedBy.share())
	}
	facts["served_by_share"] = p.shareFact()
	r.Facts = facts
	return p.states.apply(r, p.states.match(a.resp.StatusCode, *a.body))
}

// shareFact is the served_by_share fact: each served_by value's percentage of the last
// servedByWindow answers ({} without served_by_header or before any answer).
func (p *httpProbe) shareFact() map[string]int {
	if p.servedByKey == "" {
		return map[string]int{}
	}
	return p.servedBy.shares()
}

// slowDetail says that an answer was slower than a latency limit, without repeating the
// latency (the row's value): "slow (warn at 800 ms)".
func slowDetail(th sources.Threshold, st sources.Status) string {
	lim, name := th.Warn, "warn"
	if st == sources.Crit && th.Crit != nil {
		lim, name = th.Crit, "crit"
	}
	if lim == nil {
		return "slow"
	}
	return fmt.Sprintf("slow (%s at %s)", name, formatLatency(time.Duration(*lim*float64(time.Millisecond))))
}

// tlsDaysLeft is how many whole days the server's certificate has left (negative once
// expired); ok is false for plain HTTP.
func tlsDaysLeft(resp *http.Response) (int, bool) {
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
		return 0, false
	}
	left := time.Until(resp.TLS.PeerCertificates[0].NotAfter)
	return int(math.Floor(left.Hours() / 24)), true
}

// statusDetail is the status code, and for an answer that is not 2xx a hint of what it
// said: the page title or the first line ("503 maintenance").
func statusDetail(code int, body []byte) string {
	if code >= 200 && code < 300 {
		return fmt.Sprint(code)
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", code, snippet(body)))
}

// snippet returns a short, clean hint of a body: its HTML title, else its first line.
func snippet(body []byte) string {
	body = body[:min(len(body), snippetBytes)]
	lower := bytes.ToLower(body)
	if i := bytes.Index(lower, []byte("<title")); i >= 0 {
		if j := bytes.IndexByte(lower[i:], '>'); j >= 0 {
			start := i + j + 1
			if end := bytes.Index(lower[start:], []byte("</title")); end >= 0 {
				return clean(string(body[start:start+end]), 32)
			}
		}
	}
	for _, line := range bytes.Split(body, []byte("\n")) {
		if s := clean(stripTags(line), 32); s != "" {
			return s
		}
	}
	return ""
}

// stripTags drops everything between < and > (HTML tags, doctype) from one line.
func stripTags(line []byte) string {
	var b strings.Builder
	in := false
	for _, c := range line {
		switch {
		case c == '<':
			in = true
		case c == '>' && in:
			in = false
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}
