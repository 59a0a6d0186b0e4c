package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// This file holds checks that make `validate` refuse what the sources would refuse later
// (issue 11: validate passed tls=bogus, port 99999 and the like, and `check` then failed).

// urlPortProblem describes a URL's port that no connection could use, or "".
func urlPortProblem(u *url.URL) string {
	p := u.Port()
	if p == "" {
		return ""
	}
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("port %s is not a port: use 1 to 65535", p)
	}
	return ""
}

// dsnProblem reads dsn with the MySQL driver, as the source will, and describes what it
// refuses beyond the fixed "invalid DSN" messages (reported elsewhere), or "". The password
// is never in the result: a driver message is shown only when it is about one parameter,
// tried on its own in a DSN without user or password, and with secret set (the DSN came from
// the environment) the parameter's value is not repeated either.
func dsnProblem(dsn string, secret bool) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err == nil {
		if cfg.Net == "tcp" {
			if _, port, err := net.SplitHostPort(cfg.Addr); err == nil {
				if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
					return fmt.Sprintf("port %s in tcp(…) is not a port: use 1 to 65535", port)
				}
			}
		}
		return ""
	}
	if strings.HasPrefix(err.Error(), "invalid DSN: ") {
		return ""
	}
	slash := strings.LastIndexByte(dsn, '/')
	q := strings.IndexByte(dsn[slash+1:], '?')
	if slash < 0 || q < 0 {
		return "the MySQL driver refuses it (its message is not shown: it could quote the password)"
	}
	for _, param := range strings.Split(dsn[slash+1+q+1:], "&") {
		key, value, _ := strings.Cut(param, "=")
		_, perr := mysql.ParseDSN("u@tcp(127.0.0.1:3306)/?" + param)
		if perr == nil {
			continue
		}
		msg := perr.Error()
		if secret && value != "" {
			msg = strings.ReplaceAll(msg, value, "…")
		}
		return fmt.Sprintf("the MySQL driver refuses its parameter %s: %s%s", quote(key), msg, paramHint(key))
	}
	return "the MySQL driver refuses its parameters (its message is not shown: it could quote the password)"
}

// paramHint says what a parameter takes, for the ones people get wrong.
func paramHint(key string) string {
	switch key {
	case "tls":
		return " (tls is true, false, skip-verify or preferred)"
	case "timeout", "readTimeout", "writeTimeout":
		return " (a duration like 5s)"
	case "parseTime", "allowNativePasswords", "interpolateParams", "multiStatements":
		return " (true or false)"
	case "loc":
		return " (a time zone like UTC or Europe%2FBerlin)"
	}
	return ""
}
