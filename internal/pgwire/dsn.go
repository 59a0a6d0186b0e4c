package pgwire

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// parseURL reads postgres://user:password@host:port/dbname?key=value into settings.
func parseURL(s string) (map[string]string, error) {
	rest := s[strings.Index(s, "://")+3:]
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		authority = authority[i+1:]
	}
	if strings.Contains(authority, ",") {
		return nil, errors.New("several hosts are not supported: give one")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, urlReason(err)
	}
	m := map[string]string{}
	if u.User != nil {
		if n := u.User.Username(); n != "" {
			m["user"] = n
		}
		if pw, ok := u.User.Password(); ok {
			m["password"] = pw
		}
	}
	if h := u.Hostname(); h != "" {
		m["host"] = h
	}
	if p := u.Port(); p != "" {
		m["port"] = p
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != "" {
		m["dbname"] = db
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, errors.New("the URL's parameters have an invalid %-escape (write % as %25)")
	}
	for k, v := range q {
		if len(v) > 0 {
			m[canonKey(k)] = v[len(v)-1]
		}
	}
	return m, nil
}

// urlReason words a URL error without quoting the URL (it holds the password).
func urlReason(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return errors.New("it is not a valid URL")
	}
	var esc url.EscapeError
	var host url.InvalidHostError
	msg := ue.Err.Error()
	switch {
	case errors.As(ue.Err, &esc):
		return errors.New("the URL has an invalid %-escape (write % as %25)")
	case errors.As(ue.Err, &host):
		return errors.New("the host name has an invalid character")
	case strings.Contains(msg, "invalid port"):
		return errors.New("invalid port (a number from 1 to 65535)")
	case strings.Contains(msg, "userinfo"):
		return errors.New("the user or password has a character that must be %-escaped (@ : / ? # as %40 %3A %2F %3F %23)")
	case strings.Contains(msg, "control character"):
		return errors.New("the URL contains a control character")
	}
	return errors.New("it is not a valid URL")
}

// parseKeywords reads libpq's keyword/value form: key = value pairs separated by spaces; a
// value may be single-quoted; a backslash escapes the next character.
func parseKeywords(s string) (map[string]string, error) {
	m := map[string]string{}
	i := 0
	skip := func() {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
	}
	for {
		skip()
		if i >= len(s) {
			return m, nil
		}
		start := i
		for i < len(s) && s[i] != '=' && !isSpace(s[i]) {
			i++
		}
		key := s[start:i]
		skip()
		if i >= len(s) || s[i] != '=' {
			return nil, fmt.Errorf("missing \"=\" after %s", keyName(key))
		}
		i++
		skip()
		val, n, err := keywordValue(s[i:])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyName(key), err)
		}
		i += n
		m[canonKey(key)] = val
	}
}

// keywordValue reads one value at the start of s and says how many bytes it took.
func keywordValue(s string) (string, int, error) {
	var b strings.Builder
	quoted := strings.HasPrefix(s, "'")
	i := 0
	if quoted {
		i = 1
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			b.WriteByte(s[i+1])
			i += 2
			continue
		case quoted && c == '\'':
			return b.String(), i + 1, nil
		case !quoted && isSpace(c):
			return b.String(), i, nil
		}
		b.WriteByte(c)
		i++
	}
	if quoted {
		return "", 0, errors.New("unterminated quoted value (end it with ')")
	}
	return b.String(), i, nil
}

// canonKey is "dbname" for its alias "database".
func canonKey(k string) string {
	if k == "database" {
		return "dbname"
	}
	return k
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// keyName quotes a keyword for an error when it is one libpq knows (anything else might
// be a misplaced password).
func keyName(k string) string {
	if clientKeys[k] || k == "application_name" || k == "options" {
		return strconv.Quote(k)
	}
	return "a keyword"
}
