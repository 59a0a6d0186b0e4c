package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/sanitize"
)

// sendError is why one attempt failed, in words that never hold the URL.
type sendError struct {
	reason     string
	permanent  bool          // retrying cannot help (a 4xx other than 408 and 429)
	retryAfter time.Duration // the receiver asked us to wait (429 Retry-After)
}

func (e *sendError) Error() string { return e.reason }

// post makes one attempt.
func (r *receiver) post(ctx context.Context, body []byte) *sendError {
	ctx, cancel := context.WithTimeout(ctx, r.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return &sendError{reason: "the URL is not usable", permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "warroom")
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	resp, err := r.opt.Client.Do(req)
	if err != nil {
		return r.sendFailure(ctx, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil
	}
	e := &sendError{reason: "HTTP " + strconv.Itoa(code)}
	switch {
	case code == http.StatusTooManyRequests:
		if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s > 0 {
			e.retryAfter = time.Duration(s) * time.Second
		}
	case code == http.StatusRequestTimeout:
	case code >= 300 && code < 500:
		e.permanent = true
	}
	return e
}

// sendFailure is a request that got no answer, in words without the URL or its secrets,
// and safe for a terminal: a library's error quotes what the other side sent (a TLS error
// its certificate's names), and the reason is printed by `notify test` and the board.
func (r *receiver) sendFailure(ctx context.Context, err error) *sendError {
	return &sendError{reason: sanitize.Line(r.scrub(describe(ctx, err, r.opt.Timeout)))}
}

// describe says why a request failed without the URL (a url.Error carries it whole).
func describe(ctx context.Context, err error, timeout time.Duration) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.As(err, &dns):
		return "DNS lookup failed"
	case errors.As(err, &op):
		return "connection failed: " + innermost(op.Err)
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		return "TLS failed: " + clip(err.Error(), 200)
	}
	return clip(err.Error(), 200)
}

// innermost is the last error of a chain ("connection refused").
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// scrub removes the URL and its secret parts from a message, should a library have put
// them there.
func (r *receiver) scrub(s string) string {
	s = strings.ReplaceAll(s, r.url, r.shown)
	if u, err := url.Parse(r.url); err == nil {
		for _, part := range []string{u.RawQuery, u.EscapedPath(), u.Path} {
			if len(part) > 3 {
				s = strings.ReplaceAll(s, part, "(hidden)")
			}
		}
	}
	for _, v := range r.headers {
		if len(v) > 3 {
			s = strings.ReplaceAll(s, v, "(hidden)")
		}
	}
	return s
}

// newClient is the HTTP client of a notifier: no redirects (a redirected POST would become
// a GET, or carry the body somewhere else), each attempt under its own timeout.
func newClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2
	tr.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}
