package lab

import (
	"bytes"
	"fmt"
	"path/filepath"
	"text/template"

	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

var pgTemplate = template.Must(template.New("pglab").Parse(`# warroom lab --postgres — a real PostgreSQL primary, a streaming standby of it and a logical
# subscriber of it (the new primary) on this machine, with an application writing {{.Rate}}
# orders a second and a heartbeat every second. Data, sockets and logs: {{.Dir}}
# This file is also at {{.File}}:  warroom run -c {{.File}}
# Try a stray write once the old primary is frozen (a superuser gets past the freeze):
#   {{.OldSQL}} -c "BEGIN; SET TRANSACTION READ WRITE; INSERT INTO orders (amount) VALUES (1); COMMIT"
# Stop the lab with ctrl+c: it stops the servers{{if .Temp}} and removes {{.Dir}}{{end}}.
title: warroom lab cutover (PostgreSQL, logical replication)
defaults:
  interval: 1s
  timeout: 1s
  window: 10m
databases:
  - name: old-primary
    dsn: {{.OldDSN}}
    expect: writable
  - name: old-standby
    dsn: {{.StandbyDSN}}
    replica_of: old-primary
    heartbeat: {table: public.heartbeat, source_server_id: 1}
    lag: {warn: 5s, crit: 30s}
  - name: new-primary
    dsn: {{.NewDSN}}
    replica_of: old-primary
    lag: {warn: 5s, crit: 30s}
runsheet:
  journal: {{.Journal}}
  checkpoints:
    - id: freeze
      title: Old primary read-only
      owner: dba
      planned: 2m
      command: {{.OldSQL}} -c "ALTER SYSTEM SET default_transaction_read_only = on" -c "SELECT pg_reload_conf()"
      gate: db["old-primary"].read_only && !db["old-primary"].stray_writes
      expect: {old-primary: read_only}
      rollback: {{.OldSQL}} -c "ALTER SYSTEM RESET default_transaction_read_only" -c "SELECT pg_reload_conf()"
    - id: catch-up
      title: New primary has confirmed everything the old one wrote
      owner: dba
      planned: 2m
      gate: db["new-primary"].lag_s != nil && db["new-primary"].lag_s < 1
      hold: 5s
    - id: sequences
      title: Sequences moved past the old primary's (logical replication does not copy them)
      owner: dba
      planned: 2m
      command: {{.NewSQL}} -c "SELECT setval('orders_id_seq', $({{.OldSQL}} -Atc 'SELECT last_value FROM orders_id_seq') + 1000)"
      gate: db["new-primary"].status == "ok"
    - id: promote
      title: New primary promoted, the subscription dropped
      owner: dba
      planned: 2m
      point_of_no_return: true
      command: {{.NewSQL}} -c "DROP SUBSCRIPTION {{.Sub}}" -c "ALTER ROLE {{.App}} RESET default_transaction_read_only"
      gate: db["new-primary"].role == "primary" && !db["new-primary"].read_only
      expect: {new-primary: writable}
    - id: writes-moved
      title: Application writing to the new primary, none to the old
      owner: app
      planned: 1m
      cutover: true
      gate: '!db["old-primary"].stray_writes && db["new-primary"].status == "ok"'
`))

type pgLabView struct {
	Rate                       int
	Dir, File, Journal         string
	OldDSN, StandbyDSN, NewDSN string
	OldSQL, NewSQL             string
	Sub, App                   string
	Temp                       bool
}

// renderPostgres fills the PostgreSQL lab's warroom.yaml in.
func renderPostgres(c *pgtest.Cluster) ([]byte, error) {
	bin, err := pgtest.BinDir()
	if err != nil {
		return nil, err
	}
	psql := func(s *pgtest.Server) string {
		return fmt.Sprintf("%s -h %s -p %d -U %s -d %s", filepath.Join(bin, "psql"), s.SocketDir(), s.Port, pgtest.Superuser, pgtest.DB)
	}
	v := pgLabView{
		Rate: int(1 / WriteEvery.Seconds()), Dir: c.Dir, File: filepath.Join(c.Dir, "warroom.yaml"),
		Journal: filepath.Join(c.Dir, "warroom.journal"),
		OldDSN:  c.Primary.DSN(pgtest.LabUser, "", pgtest.DB), StandbyDSN: c.Standby.DSN(pgtest.LabUser, "", pgtest.DB),
		NewDSN: c.Subscriber.DSN(pgtest.LabUser, "", pgtest.DB),
		OldSQL: psql(c.Primary), NewSQL: psql(c.Subscriber), Sub: pgtest.Subscription, App: pgtest.AppUser,
		Temp: c.Temporary(),
	}
	var b bytes.Buffer
	if err := pgTemplate.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("lab: render the config: %w", err)
	}
	return b.Bytes(), nil
}
