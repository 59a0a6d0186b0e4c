package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	driver "github.com/go-sql-driver/mysql"
)

// failureText is the error of a failed step, leading with what is wrong in words a person
// acts on, then where and what the driver said: "wrong password for warroom · connect
// warroom:***@tcp(127.0.0.1:3306)/: error 1045: Access denied …". A row cut at any width
// still reads the first part ("connection refused", "no answer in 3s").
func failureText(what, redacted, user string, err error, timeout time.Duration) string {
	said := reason(err, timeout)
	lead := errorWords(err, user, timeout)
	where := what + " " + redacted
	if lead == "" {
		return where + ": " + said
	}
	if strings.Contains(said, lead) {
		return lead + " · " + where
	}
	return lead + " · " + where + ": " + said
}

// errorWords names the failure in a few words, "" when it is nothing warroom recognises.
func errorWords(err error, user string, timeout time.Duration) string {
	var me *driver.MySQLError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &me):
		switch me.Number {
		case 1045:
			if strings.Contains(me.Message, "using password: NO") {
				return "no password given for " + user
			}
			return "wrong password for " + user
		case 1044:
			return user + " may not use the database"
		case 1227, 1142, 1143:
			return "missing privilege for " + user
		case 1129:
			return "host blocked by the server (too many connection errors)"
		case 1040:
			return "too many connections"
		case 3024, 1969:
			return "query hit its time cap"
		}
		return fmt.Sprintf("server error %d", me.Number)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer in %v", timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "no such host"
		}
		return "DNS lookup failed"
	case errors.Is(err, driver.ErrInvalidConn), errors.Is(err, sql.ErrConnDone):
		return "connection lost"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Sprintf("no answer in %v", timeout)
	}
	return ""
}

// problemsFirst adds the read-only verdict to a row's detail: right after the stray write
// (or first) when it is wrong ("STRAY WRITE since 10:12:03 · WRITABLE, expected read-only ·
// …"), last when it is fine; the stray write's GTIDs or binlog position, which can be long,
// go at the very end, so that a row cut at any width still says what is wrong and since when.
func problemsFirst(detail []string, roText string, roBad bool, strayText string) []string {
	if roBad {
		at := 0
		if strayText != "" {
			at = 1
		}
		detail = append(detail[:at], append([]string{roText}, detail[at:]...)...)
	} else {
		detail = append(detail, roText)
	}
	if strayText != "" {
		detail = append(detail, strayText)
	}
	return detail
}

// strayText is the first stray write's GTIDs or position, "" when there is none.
func strayText(strays []strayEntry) string {
	if len(strays) == 0 {
		return ""
	}
	return strays[0].Text
}
