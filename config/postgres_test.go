package config

import (
	"strings"
	"testing"
)

// TestPostgresDatabases: a postgres:// DSN or engine: postgres selects PostgreSQL, its DSN
// is read by internal/pgwire, and an error names the position without ever quoting the password.
func TestPostgresDatabases(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"bad port", "databases:\n  - name: a\n    dsn: 'postgres://warroom:s3cretpw@db:port/app'\n",
			`w.yaml:3:10: databases[0].dsn is not a valid PostgreSQL DSN:`},
		{"bad sslmode", "databases:\n  - name: a\n    dsn: 'postgres://warroom:s3cretpw@db/app?sslmode=sometimes'\n",
			`w.yaml:3:10: databases[0].dsn is not a valid PostgreSQL DSN: invalid sslmode "sometimes" (one of disable, allow, prefer, require, verify-ca, verify-full)`},
		{"engine", "databases:\n  - {name: a, dsn: 'postgres://u@db/app', engine: pg}\n",
			`w.yaml:2:51: databases[0].engine must be mysql or postgres, not "pg"`},
		{"mysql engine, postgres dsn", "databases:\n  - {name: a, dsn: 'postgres://u:s3cretpw@db/app', engine: mysql}\n",
			`w.yaml:2:20: databases[0].dsn is a PostgreSQL URL but engine is mysql: set engine: postgres or remove engine`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrors(t, tt.src, nil).Error()
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
			if strings.Contains(got, "s3cretpw") {
				t.Errorf("the password shows: %q", got)
			}
		})
	}
	for _, db := range []Database{{DSN: "postgres://u@h/d"}, {DSN: "PostgreSQL://u@h/d"}, {DSN: "host=h user=u", Engine: "postgres"}} {
		if !db.IsPostgres() {
			t.Errorf("%+v is PostgreSQL", db)
		}
	}
	if (Database{DSN: "u@tcp(h:3306)/"}).IsPostgres() || (Database{DSN: "postgres://u@h/d", Engine: "mysql"}).IsPostgres() {
		t.Error("a MySQL database taken for PostgreSQL")
	}
}
