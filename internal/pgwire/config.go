package pgwire

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The sslmode values, as libpq names them.
var sslModes = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}

// Config is what Connect needs to reach and log in to one server. It holds the password:
// never format or log it whole.
type Config struct {
	Host           string // a host name, an IP address, or a Unix socket folder (starts with /)
	HostAddr       string // an IP address to dial instead of resolving Host (libpq hostaddr)
	Port           int
	User           string
	Password       string
	Database       string // "" lets the server use the user's name
	SSLMode        string // one of disable, allow, prefer (the default), require, verify-ca, verify-full
	SSLRootCert    string // a PEM file of CAs; "system" or "" for the system's roots
	SSLCert        string // a client certificate (PEM), with SSLKey
	SSLKey         string
	ConnectTimeout time.Duration     // 0: only the context bounds connecting
	RuntimeParams  map[string]string // sent in the startup message: application_name, options, …
}

// The keys that configure the client and are not run-time parameters of the session.
var clientKeys = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "user": true, "password": true, "passfile": true,
	"dbname": true, "database": true, "sslmode": true, "sslrootcert": true, "sslcert": true,
	"sslkey": true, "connect_timeout": true,
	// accepted and ignored: no meaning for one host and this client
	"sslsni": true, "sslcompression": true, "keepalives": true, "keepalives_idle": true,
	"keepalives_interval": true, "keepalives_count": true, "tcp_user_timeout": true,
	"gssencmode": true, "krbsrvname": true, "target_session_attrs": true, "channel_binding": true,
	"fallback_application_name": true, "sslnegotiation": true,
	"sslpassword": true, "service": true,
}

// ParseConfig reads a DSN the way libpq does: a postgres:// or postgresql:// URL, or a
// keyword/value string ("host=db port=5432 user=warroom password='x y' dbname=app"), over
// the PG* environment variables, over the defaults (port 5432, the OS user, sslmode
// prefer); the password comes from PGPASSFILE or ~/.pgpass when none is given. Errors never
// quote the DSN or its password.
func ParseConfig(dsn string) (*Config, error) {
	settings := envSettings()
	var given map[string]string
	var err error
	if s := strings.TrimSpace(dsn); hasURLScheme(s) {
		given, err = parseURL(s)
	} else {
		given, err = parseKeywords(s)
	}
	if err != nil {
		return nil, err
	}
	for k, v := range given {
		settings[k] = v
	}
	return buildConfig(settings)
}

func hasURLScheme(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// envSettings are the libpq environment variables that are set.
func envSettings() map[string]string {
	m := map[string]string{}
	for env, key := range map[string]string{
		"PGHOST": "host", "PGHOSTADDR": "hostaddr", "PGPORT": "port", "PGUSER": "user",
		"PGPASSWORD": "password", "PGPASSFILE": "passfile", "PGDATABASE": "dbname",
		"PGSSLMODE": "sslmode", "PGSSLROOTCERT": "sslrootcert", "PGSSLCERT": "sslcert",
		"PGSSLKEY": "sslkey", "PGCONNECT_TIMEOUT": "connect_timeout", "PGAPPNAME": "application_name",
		"PGOPTIONS": "options",
	} {
		if v := os.Getenv(env); v != "" {
			m[key] = v
		}
	}
	return m
}

// buildConfig checks the settings and fills in the defaults.
func buildConfig(s map[string]string) (*Config, error) {
	c := &Config{
		Host: s["host"], HostAddr: s["hostaddr"], User: s["user"], Password: s["password"],
		Database: s["dbname"], SSLMode: s["sslmode"], SSLRootCert: s["sslrootcert"],
		SSLCert: s["sslcert"], SSLKey: s["sslkey"], RuntimeParams: map[string]string{},
	}
	if strings.Contains(c.Host, ",") || strings.Contains(s["port"], ",") || strings.Contains(c.HostAddr, ",") {
		return nil, errors.New("several hosts are not supported: give one")
	}
	if c.Host == "" && c.HostAddr == "" {
		c.Host = defaultHost()
	}
	if c.Host == "" {
		c.Host = c.HostAddr
	}
	c.Port = 5432
	if p := s["port"]; p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("invalid port%s (a number from 1 to 65535)", quoteIf(p, isDigits))
		}
		c.Port = n
	}
	if c.User == "" {
		c.User = osUser()
	}
	if c.SSLMode == "" {
		c.SSLMode = "prefer"
	}
	if !contains(sslModes, c.SSLMode) {
		return nil, fmt.Errorf("invalid sslmode%s (one of %s)", quoteIf(c.SSLMode, isWord), strings.Join(sslModes, ", "))
	}
	if (c.SSLCert == "") != (c.SSLKey == "") {
		return nil, errors.New("sslcert and sslkey go together: give both or neither")
	}
	if t := s["connect_timeout"]; t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("invalid connect_timeout%s (whole seconds)", quoteIf(t, isDigits))
		}
		if n > 0 { // libpq: at least 2 s
			c.ConnectTimeout = time.Duration(max(n, 2)) * time.Second
		}
	}
	if err := unsupported(s); err != nil {
		return nil, err
	}
	for k, v := range s {
		if !clientKeys[k] {
			c.RuntimeParams[k] = v
		}
	}
	if _, ok := c.RuntimeParams["application_name"]; !ok && s["fallback_application_name"] != "" {
		c.RuntimeParams["application_name"] = s["fallback_application_name"]
	}
	if c.Password == "" {
		c.Password = passfilePassword(s["passfile"], c)
	}
	return c, nil
}

// unsupported refuses the settings that ask for something this client cannot do.
func unsupported(s map[string]string) error {
	switch {
	case s["gssencmode"] == "require":
		return errors.New("gssencmode=require is not supported (GSSAPI encryption): use sslmode instead")
	case s["channel_binding"] == "require":
		return errors.New("channel_binding=require is not supported (SCRAM-SHA-256-PLUS)")
	case s["target_session_attrs"] != "" && s["target_session_attrs"] != "any":
		return errors.New("target_session_attrs is not supported: give the one host to connect to")
	case s["sslnegotiation"] == "direct":
		return errors.New("sslnegotiation=direct is not supported: use postgres (the default)")
	case s["service"] != "":
		return errors.New("service is not supported (pg_service.conf): give host, port, user and dbname")
	case s["sslkey"] != "" && s["sslpassword"] != "":
		return errors.New("sslpassword is not supported: give an unencrypted sslkey")
	}
	return nil
}

// defaultHost is libpq's: the first of the usual socket folders that exists, else localhost.
func defaultHost() string {
	for _, d := range []string{"/var/run/postgresql", "/private/tmp", "/tmp"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return "localhost"
}

func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

// quoteIf quotes v for an error message when ok says it is safe to show (a value that could
// be part of a password is not quoted).
func quoteIf(v string, ok func(string) bool) string {
	if len(v) <= 20 && ok(v) {
		return " " + strconv.Quote(v)
	}
	return ""
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func isWord(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz-") == ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// params lists the run-time parameters in a stable order (for the startup message).
func (c *Config) params() []string {
	keys := make([]string, 0, len(c.RuntimeParams))
	for k := range c.RuntimeParams {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
