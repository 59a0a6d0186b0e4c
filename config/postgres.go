package config

import (
	"net/url"
	"strings"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

// IsPostgres reports whether the database is a PostgreSQL node: engine postgres, or no
// engine and a postgres:// or postgresql:// DSN.
func (d Database) IsPostgres() bool {
	if d.Engine != "" {
		return d.Engine == "postgres"
	}
	dsn := strings.ToLower(strings.TrimSpace(d.DSN))
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// databaseDSN checks a database's engine and its DSN with that engine's parser.
func (v *validator) databaseDSN(item string, db Database) {
	if db.Engine != "" {
		v.oneOf(item+".engine", db.Engine, db.Pos, "mysql", "postgres")
	}
	switch {
	case db.Engine == "mysql" && (Database{DSN: db.DSN}).IsPostgres():
		v.errorf(v.at(item+".dsn", db.Pos), "%s.dsn is a PostgreSQL URL but engine is mysql: set engine: postgres "+
			"or remove engine", item)
	case db.IsPostgres():
		v.pgDSN(item+".dsn", db.DSN, db.Pos)
	case db.Engine == "" || db.Engine == "mysql":
		v.dsn(item+".dsn", db.DSN, db.Pos)
	}
}

// pgDSN reports a DSN the PostgreSQL client cannot read. Its reasons never quote the DSN;
// the URL's password is scrubbed all the same.
func (v *validator) pgDSN(path, dsn string, fallback Pos) {
	if strings.TrimSpace(dsn) == "" || v.bad[path] {
		return
	}
	_, err := pgwire.ParseConfig(dsn)
	if err == nil {
		return
	}
	msg := err.Error()
	if u, uerr := url.Parse(strings.TrimSpace(dsn)); uerr == nil {
		if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(msg, pw) {
			msg = "it is not a valid URL or keyword/value list"
		}
	}
	v.errorf(v.at(path, fallback), "%s is not a valid PostgreSQL DSN: %s (the form is "+
		"postgres://user:password@host:5432/dbname?sslmode=verify-full)", path, msg)
}
