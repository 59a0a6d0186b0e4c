package pgwire

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clearEnv unsets the libpq variables for the test (and points ~/.pgpass nowhere).
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE",
		"PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY", "PGCONNECT_TIMEOUT", "PGAPPNAME", "PGOPTIONS"} {
		t.Setenv(k, "")
	}
	t.Setenv("PGPASSFILE", filepath.Join(t.TempDir(), "none"))
}

// TestParseConfig reads the forms users write, as libpq reads them.
func TestParseConfig(t *testing.T) {
	clearEnv(t)
	tests := []struct {
		dsn  string
		want Config
	}{
		{"postgres://warroom:s%40cret@db.example:6432/app?sslmode=verify-full&application_name=wr&search_path=x",
			Config{Host: "db.example", Port: 6432, User: "warroom", Password: "s@cret", Database: "app", SSLMode: "verify-full",
				RuntimeParams: map[string]string{"application_name": "wr", "search_path": "x"}}},
		{"postgresql://u@[::1]/d%20b?connect_timeout=1&database=other",
			Config{Host: "::1", Port: 5432, User: "u", Database: "other", SSLMode: "prefer", ConnectTimeout: 2 * time.Second,
				RuntimeParams: map[string]string{}}},
		{"postgres:///app?host=/var/run/pg&port=5433&user=me",
			Config{Host: "/var/run/pg", Port: 5433, User: "me", Database: "app", SSLMode: "prefer", RuntimeParams: map[string]string{}}},
		{`host=db port=5433 user=warroom password='it\'s' dbname=app sslmode=require`,
			Config{Host: "db", Port: 5433, User: "warroom", Password: "it's", Database: "app", SSLMode: "require",
				RuntimeParams: map[string]string{}}},
		{`host = db user=w password='a b\'c\\d' options='-c statement_timeout=5s' connect_timeout=10 sslrootcert=/ca.pem`,
			Config{Host: "db", Port: 5432, User: "w", Password: `a b'c\d`, SSLMode: "prefer", SSLRootCert: "/ca.pem",
				ConnectTimeout: 10 * time.Second, RuntimeParams: map[string]string{"options": "-c statement_timeout=5s"}}},
		{`host=h user=u password=un\ quoted`,
			Config{Host: "h", Port: 5432, User: "u", Password: "un quoted", SSLMode: "prefer", RuntimeParams: map[string]string{}}},
	}
	for _, tt := range tests {
		got, err := ParseConfig(tt.dsn)
		if err != nil {
			t.Errorf("%s: %v", tt.dsn, err)
			continue
		}
		if !sameConfig(got, &tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.dsn, *got, tt.want)
		}
	}
}

func sameConfig(a, b *Config) bool {
	if a.Host != b.Host || a.Port != b.Port || a.User != b.User || a.Password != b.Password || a.Database != b.Database ||
		a.SSLMode != b.SSLMode || a.SSLRootCert != b.SSLRootCert || a.ConnectTimeout != b.ConnectTimeout ||
		len(a.RuntimeParams) != len(b.RuntimeParams) {
		return false
	}
	for k, v := range b.RuntimeParams {
		if a.RuntimeParams[k] != v {
			return false
		}
	}
	return true
}

// TestParseConfigEnv: the PG* variables fill what the DSN leaves out; the DSN wins.
func TestParseConfigEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv("PGHOST", "envhost")
	t.Setenv("PGPORT", "7000")
	t.Setenv("PGUSER", "envuser")
	t.Setenv("PGPASSWORD", "envpw")
	t.Setenv("PGDATABASE", "envdb")
	t.Setenv("PGSSLMODE", "disable")
	t.Setenv("PGAPPNAME", "envapp")
	t.Setenv("PGCONNECT_TIMEOUT", "3")
	c, err := ParseConfig("postgres://dsnuser@/")
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "envhost" || c.Port != 7000 || c.User != "dsnuser" || c.Password != "envpw" || c.Database != "envdb" ||
		c.SSLMode != "disable" || c.RuntimeParams["application_name"] != "envapp" || c.ConnectTimeout != 3*time.Second {
		t.Fatalf("%+v", *c)
	}
}

// TestParseConfigDefaults: port 5432, sslmode prefer, the OS user, a socket folder or
// localhost.
func TestParseConfigDefaults(t *testing.T) {
	clearEnv(t)
	c, err := ParseConfig("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 5432 || c.SSLMode != "prefer" || c.User == "" || c.Host == "" || c.Password != "" {
		t.Fatalf("%+v", *c)
	}
}

// TestPgpass: the first matching line of the password file gives the password; * matches
// anything; \: is a colon; a DSN password wins over the file.
func TestPgpass(t *testing.T) {
	clearEnv(t)
	f := filepath.Join(t.TempDir(), "pgpass")
	body := "# comment\nother:5432:*:warroom:nope\ndb.example:*:app:warroom:pa\\:ss\\\\1\n*:*:*:*:fallback\n"
	if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", f)
	for dsn, want := range map[string]string{
		"postgres://warroom@db.example:6432/app":        `pa:ss\1`,
		"postgres://warroom@db.example/otherdb":         "fallback",
		"postgres://warroom:given@db.example/app":       "given",
		"host=other user=warroom dbname=x":              "nope",
		"host=/tmp user=someone dbname=x passfile=" + f: "fallback",
	} {
		c, err := ParseConfig(dsn)
		if err != nil || c.Password != want {
			t.Errorf("%s: password %q, %v; want %q", dsn, c.Password, err, want)
		}
	}
}

// TestParseConfigErrors: clear reasons, never the password or the DSN.
func TestParseConfigErrors(t *testing.T) {
	clearEnv(t)
	const pw = "Sekr3t%zz"
	for dsn, want := range map[string]string{
		"postgres://u:Sekr3t%zz@h/db":                      "invalid %-escape",
		"postgres://u:Sekr3t@h1,h2/db":                     "several hosts are not supported: give one",
		"host=h1,h2 user=u password=Sekr3t":                "several hosts are not supported: give one",
		"postgres://u:Sekr3t@h:99999/db":                   "invalid port",
		"postgres://u:Sekr3t@h/db?sslmode=sometimes":       `invalid sslmode "sometimes"`,
		"host=h password='Sekr3t":                          `"password": unterminated quoted value`,
		"host=h Sekr3t":                                    `missing "=" after a keyword`,
		"host=h port=Sekr3t password=x":                    "invalid port (",
		"postgres://u:Sekr3t@h/db?connect_timeout=soon":    "invalid connect_timeout (",
		"postgres://u:Sekr3t@h/db?target_session_attrs=rw": "target_session_attrs is not supported",
		"postgres://u:Sekr3t@h/db?sslcert=/c.pem":          "sslcert and sslkey go together",
	} {
		_, err := ParseConfig(dsn)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", dsn, err, want)
			continue
		}
		if strings.Contains(err.Error(), "Sekr3t") || strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), dsn) {
			t.Errorf("%s: the error shows the password or the DSN: %v", dsn, err)
		}
	}
}
