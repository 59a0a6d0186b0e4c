package health

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// maxErrorRunes bounds any error text built from remote input.
const maxErrorRunes = 200

// describe turns a failed request into words a person can act on. The poll context's end
// (a deadline or a cancel) wins over whatever the transport made of it; stage says how far
// the request got, for timeouts ("no connection", "no first byte"); start is the poll's.
func describe(ctx context.Context, err error, stage string, start time.Time) string {
	deadline, _ := ctx.Deadline()
	return describeAt(ctx.Err(), deadline, err, stage, start)
}

// describeAt is describe for a poll that keeps its own deadline (zero: none) instead of a
// context with one: ctxErr is the caller's context's error, nil while it runs.
func describeAt(ctxErr error, deadline time.Time, err error, stage string, start time.Time) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text repeats the method and URL the board already shows
	}
	switch {
	case errors.Is(ctxErr, context.Canceled):
		return "canceled"
	case ctxErr != nil, errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return fmt.Sprintf("timeout after %s (%s)", roundElapsed(elapsedUntil(deadline, start)), stage)
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	if msg := describeNet(err, stage); msg != "" {
		return msg
	}
	if msg := describeTLS(err); msg != "" {
		return msg
	}
	msg := err.Error()
	if i := strings.Index(msg, "malformed "); i >= 0 {
		// The transport quotes the offending line, which is the server's text: leave it out.
		what, _, _ := strings.Cut(msg[i:], ":")
		return "bad HTTP response from the server: " + clean(what, 60)
	}
	return clean(msg, maxErrorRunes)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// describeNet names connection-level failures; "" when err is none of them.
func describeNet(err error, stage string) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return fmt.Sprintf("dns: %s: no such host", clean(dnsErr.Name, 100))
		}
		return "dns: " + clean(dnsErr.Err, 100)
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connect: connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer (" + stage + ")"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "connect: no route to host"
	case errors.Is(err, syscall.ENETUNREACH):
		return "connect: network is unreachable"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if stage == "reading body" {
			return "connection closed while reading the body"
		}
		return "server closed the connection without answering"
	}
	return ""
}

// describeTLS names certificate and handshake failures; "" when err is none of them.
func describeTLS(err error) string {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		alert    tls.AlertError
	)
	switch {
	case errors.As(err, &unknown):
		return "TLS: certificate signed by an unknown authority (insecure_skip_verify: true probes anyway)"
	case errors.As(err, &hostname):
		return "TLS: " + clean(strings.TrimPrefix(hostname.Error(), "x509: "), maxErrorRunes)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		if invalid.Cert != nil && time.Now().After(invalid.Cert.NotAfter) {
			return "TLS: certificate expired on " + invalid.Cert.NotAfter.UTC().Format(time.DateOnly)
		}
		return "TLS: certificate not valid yet"
	case errors.As(err, &invalid):
		return "TLS: " + clean(strings.TrimPrefix(invalid.Error(), "x509: "), maxErrorRunes)
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "TLS: the server did not answer with TLS (plain HTTP on this port?)"
	case errors.As(err, &alert):
		return "TLS: the server refused the handshake (" + clean(alert.Error(), 80) + ")"
	}
	if msg := err.Error(); strings.HasPrefix(msg, "tls: ") || strings.Contains(msg, "x509: ") {
		return "TLS: " + clean(msg[strings.Index(msg, ": ")+2:], maxErrorRunes)
	}
	return ""
}
