package datadog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	textsafe "github.com/warroom-dev/warroom/sanitize" // this package has its own sanitize
)

// errTooLarge is returned while reading an answer longer than maxBody.
var errTooLarge = errors.New("answer too large")

// limitedTransport cuts every answer body at max bytes, so that reading an answer whole
// cannot be made to buffer an unbounded body.
type limitedTransport struct {
	base http.RoundTripper
	max  int64
}

// RoundTrip implements http.RoundTripper.
func (t limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the wrapped transport.
func (t limitedTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n - 1, errTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// failKind sorts what went wrong with one request by what warroom does about it.
type failKind int

const (
	failTransport failKind = iota // no answer: network error or timeout
	failAuth                      // 401/403: the keys are wrong; stop
	failRate                      // 429: wait for the reset
	failServer                    // 5xx: back off
	failRejected                  // 400: Datadog rejected the request (a bad query)
	failOther                     // any other status
	failDecode                    // 2xx that is not what the endpoint sends
)

// callError is one failed request, with a message a person can act on. The message has
// already been cleaned of keys and control characters.
type callError struct {
	kind   failKind
	status int
	msg    string
}

func (e *callError) Error() string { return e.msg }

// answer is one HTTP answer, read and bounded.
type answer struct {
	status      int
	header      http.Header
	body        []byte
	contentType string
}

// userAgent names warroom and the Go runtime the way the official client names itself.
var userAgent = fmt.Sprintf("warroom (go %s; os %s; arch %s)", runtime.Version(), runtime.GOOS, runtime.GOARCH)

// call POSTs body as JSON to the API path (e.g. "/api/v2/query/timeseries") with the API key,
// and the application key when appKey is set — the headers, body and URL the official
// client builds for the same call (TestRequestsMatchOfficialClient). Answers may come
// gzip-compressed: net/http asks for it and decompresses. There are no retries inside a call:
// a retry loop would hide a 429 or a 5xx from the board and could sleep past the poll's
// timeout; warroom waits between polls instead (Result.NextIn and the scheduler's backoff).
// A nil error means an answer arrived (any status).
func (c *Client) call(ctx context.Context, path string, body any, appKey bool) (*answer, *callError) {
	var payload bytes.Buffer
	if err := json.NewEncoder(&payload).Encode(body); err != nil {
		return nil, &callError{kind: failTransport, msg: c.clean("cannot build the Datadog request: " + err.Error())}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, &payload)
	if err != nil {
		return nil, &callError{kind: failTransport, msg: c.clean("Datadog API address: " + err.Error())}
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", userAgent)
	h.Set("DD-API-KEY", c.apiKey)
	if appKey {
		h.Set("DD-APPLICATION-KEY", c.appKey)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, err, time.Since(start))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if errors.Is(err, errTooLarge) {
		return nil, &callError{kind: failDecode, status: resp.StatusCode,
			msg: fmt.Sprintf("Datadog's answer is larger than %d MiB: narrow the queries (fewer groups in `by {…}`) or shorten datadog.window", maxBody>>20)}
	}
	if err != nil {
		return nil, c.transportError(ctx, err, time.Since(start))
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: b, contentType: resp.Header.Get("Content-Type")}, nil
}

// transportError says why no (whole) answer arrived.
func (c *Client) transportError(ctx context.Context, err error, took time.Duration) *callError {
	var ue *url.Error
	timeout := errors.As(err, &ue) && ue.Timeout() || errors.Is(err, context.DeadlineExceeded)
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		return &callError{kind: failTransport, msg: "the Datadog request was cancelled"}
	case timeout:
		return &callError{kind: failTransport, msg: fmt.Sprintf(
			"Datadog (%s) did not answer within %s (datadog.timeout is %s)", c.base, took.Round(time.Millisecond), c.timeout)}
	}
	if ue != nil {
		err = ue.Err // the URL is said once, below
	}
	return &callError{kind: failTransport, msg: c.clean(fmt.Sprintf("cannot reach Datadog at %s: %v", c.base, err))}
}

// statusError turns a non-2xx answer into what warroom does about it. what names the
// request ("the query", "the event") in messages.
func (c *Client) statusError(a *answer, what string) *callError {
	remote := c.clean(errorText(a.body))
	if remote != "" {
		remote = ": " + remote
	}
	st := fmt.Sprintf("%d %s", a.status, http.StatusText(a.status))
	switch {
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		return &callError{kind: failAuth, status: a.status, msg: fmt.Sprintf(
			"Datadog refused the keys (%s): check datadog.api_key and datadog.app_key, that the application key may read metrics (timeseries_query), and %s", st, c.siteHint())}
	case a.status == http.StatusTooManyRequests:
		return &callError{kind: failRate, status: a.status, msg: "Datadog rate limit reached (429 Too Many Requests)"}
	case a.status >= 500:
		return &callError{kind: failServer, status: a.status, msg: fmt.Sprintf("Datadog answered %s%s; trying again later", st, remote)}
	case a.status == http.StatusBadRequest:
		return &callError{kind: failRejected, status: a.status, msg: fmt.Sprintf("Datadog rejected %s (%s)%s", what, st, remote)}
	case a.status >= 300 && a.status < 400:
		return &callError{kind: failOther, status: a.status, msg: fmt.Sprintf(
			"Datadog answered %s, a redirect warroom does not follow: check %s", st, c.siteHint())}
	}
	return &callError{kind: failOther, status: a.status, msg: fmt.Sprintf("Datadog answered %s to %s%s", st, what, remote)}
}

// siteHint asks to check the setting that chose the API host: datadog.url when it is set
// (then datadog.site is not used), datadog.site otherwise.
func (c *Client) siteHint() string {
	if c.byURL {
		return fmt.Sprintf("that datadog.url (%s) leads to your account's Datadog site", c.base)
	}
	return fmt.Sprintf("that datadog.site is your account's site (%s)", c.base)
}

// errorText extracts Datadog's error message from an error body ({"errors": ["…"]}, or a
// string), or the start of a body that is not JSON.
func errorText(body []byte) string {
	var v struct {
		Errors any `json:"errors"`
	}
	if err := json.Unmarshal(body, &v); err == nil {
		switch e := v.Errors.(type) {
		case string:
			return e
		case []any:
			var parts []string
			for _, p := range e {
				if s, ok := p.(string); ok {
					parts = append(parts, s)
				}
			}
			return strings.Join(parts, "; ")
		}
		return ""
	}
	return string(body)
}

// maxText bounds any text from outside that ends up in a message.
const maxText = 240

// clean removes the keys, control characters and excess length from a message built with
// text from outside. Every message this package produces passes through it.
func (c *Client) clean(s string) string {
	for _, k := range c.secrets {
		if len(k) >= 4 {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	return sanitize(s, maxText)
}

// sanitize makes text from outside safe for a terminal (textsafe.Line: escape sequences
// removed whole, not just their ESC; C1, bidi and control characters dropped; tabs and
// newlines as spaces) and cuts it at n runes with an ellipsis.
func sanitize(s string, n int) string {
	return textsafe.Cut(strings.TrimSpace(textsafe.Line(s)), n)
}
