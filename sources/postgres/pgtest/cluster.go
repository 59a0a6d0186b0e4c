package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/internal/proctest"
)

// The accounts and objects a cluster is set up with. The monitor account has exactly the
// grants docs/databases.md asks for (pg_monitor, SELECT on the heartbeat table and the
// sequences); NoMonitorUser lacks pg_monitor; the app account is a plain application user
// (default_transaction_read_only stops it); RejectedUser is refused by pg_hba.conf.
const (
	DB             = "lab"
	MonitorUser    = "warroom"
	NoMonitorUser  = "nomon"
	AppUser        = "app"
	AppPassword    = "app-pw"
	RejectedUser   = "rejected"
	LabUser        = "lab" // trusted from 127.0.0.1, pg_monitor: the lab's passwordless account
	HeartbeatTable = "public.heartbeat"
	Publication    = "pub"
	Subscription   = "sub"
	StandbySlot    = "standby"
)

// Cluster is a primary, a streaming standby of it (pg_basebackup -R, physical slot) and a
// logical subscriber of it (publication pub → subscription sub, tables orders and heartbeat).
type Cluster struct {
	Dir             string
	Primary         *Server
	Standby         *Server
	Subscriber      *Server
	MonitorPassword string // random per cluster
	removeDir       bool
}

// StartCluster creates and starts the three servers under dir (a new temporary folder when
// dir is ""), creates the accounts and the lab schema, and waits until the standby and the
// subscriber have caught up.
func StartCluster(ctx context.Context, dir string) (*Cluster, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir}
	if dir == "" {
		d, err := os.MkdirTemp("", "warroom-pg-")
		if err != nil {
			return nil, err
		}
		c.Dir, c.removeDir = d, true
	}
	pw := make([]byte, 12)
	_, _ = rand.Read(pw)
	c.MonitorPassword = "mon-" + hex.EncodeToString(pw)
	if err := acct.own(c.Dir); err != nil {
		_ = c.Close()
		return nil, err
	}
	if err := c.start(ctx, acct); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, acct account) error {
	var err error
	if c.Primary, err = c.initServer(ctx, acct, "primary"); err != nil {
		return err
	}
	if err := c.Primary.Start(ctx); err != nil {
		return err
	}
	if err := c.setup(ctx, c.Primary, true); err != nil {
		return err
	}
	if c.Standby, err = c.newServer(acct, "standby"); err != nil {
		return err
	}
	if err := run(ctx, acct, c.Dir, "pg_basebackup", "-h", "127.0.0.1", "-p", fmt.Sprint(c.Primary.Port),
		"-U", Superuser, "-D", c.Standby.DataDir(), "-R", "-X", "stream", "-C", "-S", StandbySlot, "--no-sync", "--checkpoint=fast"); err != nil {
		return err
	}
	if err := c.Standby.Start(ctx); err != nil {
		return err
	}
	if c.Subscriber, err = c.initServer(ctx, acct, "subscriber"); err != nil {
		return err
	}
	if err := c.Subscriber.Start(ctx); err != nil {
		return err
	}
	if err := c.setup(ctx, c.Subscriber, false); err != nil {
		return err
	}
	sub := fmt.Sprintf("CREATE SUBSCRIPTION %s CONNECTION 'host=127.0.0.1 port=%d user=%s dbname=%s' PUBLICATION %s",
		Subscription, c.Primary.Port, Superuser, DB, Publication)
	if err := c.Subscriber.Exec(ctx, DB, sub); err != nil {
		return err
	}
	return c.Sync(ctx)
}

// newServer makes the server's folder (owned by the server account) on a free port.
func (c *Cluster) newServer(acct account, name string) (*Server, error) {
	port, err := proctest.FreePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Name: name, Port: port, Dir: filepath.Join(c.Dir, name), acct: acct}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, err
	}
	return s, acct.own(s.Dir)
}

// settings are appended to a new server's postgresql.conf: small, fast, logical-capable.
var settings = []string{
	"wal_level = logical", "max_wal_senders = 10", "max_replication_slots = 10",
	"shared_buffers = 16MB", "max_connections = 40", "fsync = off",
	"full_page_writes = off", "hot_standby_feedback = on", "wal_receiver_status_interval = 1s",
	"max_logical_replication_workers = 4", "max_worker_processes = 8", "autovacuum_naptime = 5s",
	"log_min_messages = warning", "log_connections = off", "dynamic_shared_memory_type = posix",
}

// hba trusts the superuser and the lab account on loopback, rejects RejectedUser and asks
// everyone else for a password.
var hba = strings.Join([]string{
	"local all all trust",
	"host all " + Superuser + " 127.0.0.1/32 trust",
	"host replication " + Superuser + " 127.0.0.1/32 trust",
	"host all " + LabUser + " 127.0.0.1/32 trust",
	"host all " + RejectedUser + " 127.0.0.1/32 reject",
	"host all all 127.0.0.1/32 scram-sha-256",
}, "\n") + "\n"

// initServer makes a server's folder and data directory with the cluster's pg_hba.conf.
func (c *Cluster) initServer(ctx context.Context, acct account, name string) (*Server, error) {
	s, err := c.newServer(acct, name)
	if err != nil {
		return nil, err
	}
	return s, initData(ctx, acct, s, hba, nil)
}

// initData runs initdb (1 MB WAL segments, so that WAL fills up in tests in seconds) and
// writes the settings (and more), pg_hba.conf and files into the data directory.
func initData(ctx context.Context, acct account, s *Server, hbaConf string, more []string, files ...map[string][]byte) error {
	if err := run(ctx, acct, filepath.Dir(s.Dir), "initdb", "-D", s.DataDir(), "-U", Superuser, "--auth=trust",
		"--no-sync", "--wal-segsize=1", "-E", "UTF8", "--locale=C"); err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	conf, err := os.OpenFile(filepath.Join(s.DataDir(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = conf.WriteString("\n# warroom pgtest\n" + strings.Join(append(settings[:len(settings):len(settings)], more...), "\n") + "\n")
	if cerr := conf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.DataDir(), "pg_hba.conf"), []byte(hbaConf), 0o600); err != nil {
		return err
	}
	for _, fs := range files {
		for name, b := range fs {
			if err := os.WriteFile(filepath.Join(s.DataDir(), name), b, 0o600); err != nil {
				return err
			}
		}
	}
	return acct.own(s.DataDir())
}

// setup creates the roles, the lab database and its tables; on the primary also the
// publication.
func (c *Cluster) setup(ctx context.Context, s *Server, primary bool) error {
	if err := s.Exec(ctx, "postgres", c.roles()...); err != nil {
		return err
	}
	stmts := []string{
		"CREATE TABLE orders (id bigserial PRIMARY KEY, created timestamptz NOT NULL DEFAULT now(), amount int NOT NULL)",
		"CREATE TABLE heartbeat (server_id int PRIMARY KEY, ts timestamptz NOT NULL)",
		"GRANT SELECT ON heartbeat TO " + MonitorUser + ", " + LabUser + ", " + NoMonitorUser,
		"GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO " + MonitorUser + ", " + LabUser,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + AppUser,
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + AppUser,
	}
	if primary {
		stmts = append(stmts, "CREATE PUBLICATION "+Publication+" FOR TABLE orders, heartbeat")
	}
	return s.Exec(ctx, DB, stmts...)
}

func (c *Cluster) roles() []string {
	return []string{
		"CREATE ROLE " + MonitorUser + " LOGIN PASSWORD '" + c.MonitorPassword + "'",
		"GRANT pg_monitor TO " + MonitorUser,
		"CREATE ROLE " + LabUser + " LOGIN",
		"GRANT pg_monitor TO " + LabUser,
		"CREATE ROLE " + NoMonitorUser + " LOGIN PASSWORD '" + c.MonitorPassword + "'",
		"CREATE ROLE " + RejectedUser + " LOGIN PASSWORD '" + c.MonitorPassword + "'",
		"CREATE ROLE " + AppUser + " LOGIN PASSWORD '" + AppPassword + "'",
		"CREATE DATABASE " + DB,
	}
}

// Sync waits (at most 30 s) until the standby has replayed and the subscriber has confirmed
// everything the primary has written so far.
func (c *Cluster) Sync(ctx context.Context) error {
	lsn, err := c.Primary.QueryString(ctx, DB, "pg_current_wal_lsn()")
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		sb, err := c.Standby.QueryString(ctx, DB, "pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1) >= 0", lsn)
		if err == nil && sb == "true" && c.subscriberReady(ctx, lsn) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("standby or subscriber did not reach %s within 30 s (standby: %q %v)", lsn, sb, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// subscriberReady reports whether every table of the subscription is synchronised and its
// slot on the primary has confirmed lsn.
func (c *Cluster) subscriberReady(ctx context.Context, lsn string) bool {
	synced, err := c.Subscriber.QueryString(ctx, DB, "(SELECT count(*) = 0 FROM pg_subscription_rel WHERE srsubstate <> 'r')")
	if err != nil || synced != "true" {
		return false
	}
	got, err := c.Primary.QueryString(ctx, DB, "(SELECT pg_wal_lsn_diff(confirmed_flush_lsn, $1) >= 0 "+
		"FROM pg_replication_slots WHERE slot_name = '"+Subscription+"')", lsn)
	return err == nil && got == "true"
}

// Temporary reports whether Close removes the cluster's folder (StartCluster made it).
func (c *Cluster) Temporary() bool { return c.removeDir }

// MonitorDSN is the DSN of the monitor account on s, database lab.
func (c *Cluster) MonitorDSN(s *Server) string { return s.DSN(MonitorUser, c.MonitorPassword, DB) }

// Close stops the servers and removes the folder when StartCluster made it.
func (c *Cluster) Close() error {
	var errs []error
	for _, s := range []*Server{c.Subscriber, c.Standby, c.Primary} {
		if s != nil {
			errs = append(errs, s.Stop())
		}
	}
	if c.removeDir {
		errs = append(errs, os.RemoveAll(c.Dir))
	}
	return errors.Join(errs...)
}

// BeatSQL writes one heartbeat row for server_id $1 with the writer's clock.
const BeatSQL = "INSERT INTO " + HeartbeatTable + " (server_id, ts) VALUES ($1, clock_timestamp()) " +
	"ON CONFLICT (server_id) DO UPDATE SET ts = excluded.ts"
