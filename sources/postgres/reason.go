package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

// reason explains err in a few words, with a hint for the errors a person can fix.
func reason(err error, timeout time.Duration) string {
	var pe *pgwire.PgError
	var ne net.Error
	switch {
	case errors.As(err, &pe):
		return pgReason(pe)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %v", timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no answer within %v", timeout)
	}
	msg := err.Error()
	return clip(msg+tlsHint(msg), maxErrorText)
}

// pgReason is a server error with its SQLSTATE and what to do about it.
func pgReason(pe *pgwire.PgError) string {
	msg := fmt.Sprintf("%s %s: %s", pe.Severity, pe.Code, clip(pe.Message, maxErrorText))
	switch {
	case pe.Code == "28000" && strings.Contains(pe.Message, "pg_hba.conf"):
		msg += " (add a pg_hba.conf line for this user, database and address on the server, then reload it)"
	case pe.Code == "28P01" || pe.Code == "28000":
		msg += " (check the user and password of the DSN)"
	case pe.Code == "42501":
		msg += " (grant the monitoring role what docs/databases.md lists: GRANT pg_monitor TO …)"
	case pe.Code == "57014":
		msg += " (the monitoring query hit its statement_timeout)"
	case pe.Code == "3D000":
		msg += " (check the database name of the DSN)"
	case pe.Code == "53300":
		msg += " (the server has no free connection slot)"
	case pe.Code == "57P03":
		msg += " (the server is starting up or shutting down)"
	}
	return msg
}

// tlsHint says what to change for the TLS failures of the sslmode settings.
func tlsHint(msg string) string {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "server refused tls") || strings.Contains(m, "server does not support ssl"):
		return " (the server has no TLS: enable ssl on it, or use sslmode=disable on a trusted network)"
	case strings.Contains(m, "certificate signed by unknown authority"):
		return " (set sslrootcert to the server's CA, or use sslmode=require to encrypt without verifying)"
	case strings.Contains(m, "certificate is valid for") || strings.Contains(m, "doesn't contain any ip sans"):
		return " (the certificate does not name this host: connect by the name it holds, or use sslmode=verify-ca)"
	case strings.Contains(m, "no pg_hba.conf entry") && strings.Contains(m, "no encryption"):
		return " (the server only accepts TLS here: use sslmode=require)"
	}
	return ""
}

// clip bounds s to n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
