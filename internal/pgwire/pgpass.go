package pgwire

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// passfilePassword looks the password up in the password file: path (the passfile setting
// or PGPASSFILE), else ~/.pgpass. Lines are host:port:database:user:password, * matches
// anything, \: and \\ escape; the first line that matches wins. A missing file is no error.
func passfilePassword(path string, c *Config) string {
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		path = filepath.Join(home, ".pgpass")
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	host := c.Host
	if strings.HasPrefix(host, "/") {
		host = "localhost"
	}
	db := c.Database
	if db == "" {
		db = c.User
	}
	want := []string{host, strconv.Itoa(c.Port), db, c.User}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := splitPassLine(line)
		if len(fields) != 5 {
			continue
		}
		if passMatch(fields[:4], want) {
			return fields[4]
		}
	}
	return ""
}

// splitPassLine splits a .pgpass line at unescaped colons and removes the escapes.
func splitPassLine(line string) []string {
	var fields []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && i+1 < len(line):
			i++
			b.WriteByte(line[i])
		case c == ':' && len(fields) < 4:
			fields = append(fields, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(fields, b.String())
}

func passMatch(fields, want []string) bool {
	for i, f := range fields {
		if f != "*" && f != want[i] {
			return false
		}
	}
	return true
}
