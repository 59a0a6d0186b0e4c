package mariadbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/warroom-dev/warroom/internal/proctest"
)

// The accounts a pair is set up with. The monitor account has exactly the grants
// docs/databases.md asks for; the app account is a plain application user (read_only stops
// it); root has no password and is reachable over TCP on loopback only.
const (
	MonitorUser    = "warroom"
	AppUser        = "app"
	AppPassword    = "app-pw"
	HeartbeatTable = "percona.heartbeat"
	replUser       = "repl"
	replPassword   = "repl-pw"
)

// Pair is a primary and a replica with GTID replication between them.
type Pair struct {
	Dir             string
	Primary         *Server
	Replica         *Server
	MonitorPassword string // random per pair
	removeDir       bool
}

// StartPair installs and starts a primary (server_id 1) and a replica (server_id 2) under dir
// (a new temporary folder when dir is ""), creates the accounts, the heartbeat table and the
// lab schema, starts replication and waits until the replica has caught up. The replica is
// left read-only.
func StartPair(ctx context.Context, dir string) (*Pair, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	p := &Pair{Dir: dir}
	if dir == "" {
		d, err := os.MkdirTemp("", "warroom-mariadb-")
		if err != nil {
			return nil, err
		}
		p.Dir, p.removeDir = d, true
	}
	pw := make([]byte, 12)
	_, _ = rand.Read(pw)
	p.MonitorPassword = "mon-" + hex.EncodeToString(pw)
	if err := p.start(ctx); err != nil {
		_ = p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Pair) start(ctx context.Context) error {
	template := filepath.Join(p.Dir, "template")
	if err := install(ctx, template); err != nil {
		return err
	}
	var err error
	if p.Primary, err = p.newServer("primary", 1, template); err != nil {
		return err
	}
	if p.Replica, err = p.newServer("replica", 2, template); err != nil {
		return err
	}
	_ = os.RemoveAll(template)
	if err := p.Primary.Start(ctx); err != nil {
		return err
	}
	if err := p.Primary.Exec(ctx, p.primarySetup(ctx)...); err != nil {
		return err
	}
	if err := p.Replica.Start(ctx); err != nil {
		return err
	}
	if err := p.Replica.Exec(ctx, p.ReplicationStatements()...); err != nil {
		return err
	}
	return p.Sync(ctx)
}

// newServer copies the installed template into the server's own folder.
func (p *Pair) newServer(name string, id int, template string) (*Server, error) {
	port, err := proctest.FreePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Name: name, ServerID: id, Port: port, Dir: filepath.Join(p.Dir, name)}
	if err := copyDir(template, s.DataDir()); err != nil {
		return nil, fmt.Errorf("%s: copy data directory: %w", name, err)
	}
	return s, nil
}

func (p *Pair) primarySetup(ctx context.Context) []string {
	stmts := []string{}
	if anon, err := p.anonymousUsers(ctx); err == nil {
		stmts = append(stmts, anon...)
	}
	q := func(user string) string { return "'" + user + "'@'%'" }
	return append(stmts,
		"CREATE USER "+q(replUser)+" IDENTIFIED BY '"+replPassword+"'",
		"GRANT REPLICATION SLAVE ON *.* TO "+q(replUser),
		"CREATE USER "+q(MonitorUser)+" IDENTIFIED BY '"+p.MonitorPassword+"'",
		"GRANT SLAVE MONITOR ON *.* TO "+q(MonitorUser),
		"CREATE DATABASE percona",
		"CREATE TABLE "+HeartbeatTable+" (ts varchar(26) NOT NULL, server_id int unsigned NOT NULL PRIMARY KEY, "+
			"file varchar(255) DEFAULT NULL, position bigint unsigned DEFAULT NULL, "+
			"relay_master_log_file varchar(255) DEFAULT NULL, exec_master_log_pos bigint unsigned DEFAULT NULL)",
		"GRANT SELECT ON percona.* TO "+q(MonitorUser),
		"CREATE DATABASE lab",
		"CREATE TABLE lab.orders (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, "+
			"created datetime(6) NOT NULL, amount int NOT NULL)",
		"CREATE USER "+q(AppUser)+" IDENTIFIED BY '"+AppPassword+"'",
		"GRANT SELECT, INSERT, UPDATE, DELETE ON lab.* TO "+q(AppUser),
		"GRANT SELECT, INSERT, UPDATE, DELETE ON percona.* TO "+q(AppUser),
	)
}

// anonymousUsers returns DROP USER statements for the anonymous accounts of the primary:
// an anonymous user at localhost would match a replication user connecting from 127.0.0.1
// before the user's own '%' account.
func (p *Pair) anonymousUsers(ctx context.Context) ([]string, error) {
	db, err := p.Primary.Open()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT Host FROM mysql.user WHERE User = ''")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var host string
		if err := rows.Scan(&host); err != nil {
			return nil, err
		}
		out = append(out, "DROP USER ''@'"+host+"'")
	}
	return out, rows.Err()
}

// ReplicationStatements point the replica at the primary with GTID replication and make it
// read-only.
func (p *Pair) ReplicationStatements() []string {
	return []string{
		"SET GLOBAL gtid_slave_pos = ''",
		fmt.Sprintf("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=%d, MASTER_USER='%s', "+
			"MASTER_PASSWORD='%s', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1", p.Primary.Port, replUser, replPassword),
		"START SLAVE",
		"SET GLOBAL read_only = ON",
	}
}

// Sync waits (at most 30 s) until the replica has applied everything the primary has
// written so far.
func (p *Pair) Sync(ctx context.Context) error {
	pos, err := p.Primary.QueryString(ctx, "SELECT @@gtid_binlog_pos")
	if err != nil {
		return err
	}
	got, err := p.Replica.QueryString(ctx, "SELECT MASTER_GTID_WAIT(?, 30)", pos)
	if err != nil {
		return err
	}
	if got != "0" {
		return fmt.Errorf("replica did not reach %s within 30 s", pos)
	}
	return nil
}

// Temporary reports whether Close removes the pair's folder (StartPair made it).
func (p *Pair) Temporary() bool { return p.removeDir }

// MonitorDSN is the DSN of the monitor account on s.
func (p *Pair) MonitorDSN(s *Server) string { return s.DSN(MonitorUser, p.MonitorPassword, "") }

// Close stops both servers and removes the folder when StartPair made it.
func (p *Pair) Close() error {
	var errs []error
	for _, s := range []*Server{p.Replica, p.Primary} {
		if s != nil {
			errs = append(errs, s.Stop())
		}
	}
	if p.removeDir {
		errs = append(errs, os.RemoveAll(p.Dir))
	}
	return errors.Join(errs...)
}

// Beat writes one heartbeat row the way pt-heartbeat --utc does: the writer's clock in UTC,
// formatted with microseconds, for its server_id.
func Beat(ctx context.Context, db *sql.DB, serverID int64, now time.Time) error {
	ts := now.UTC().Format("2006-01-02T15:04:05.000000")
	_, err := db.ExecContext(ctx, "REPLACE INTO "+HeartbeatTable+" (ts, server_id) VALUES (?, ?)", ts, serverID)
	return err
}

// copyDir copies a directory tree of regular files.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o660)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
