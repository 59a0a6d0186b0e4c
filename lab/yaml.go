package lab

import (
	"bytes"
	"fmt"
	"path/filepath"
	"text/template"

	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

// MonitorUser is the lab's monitoring account: SLAVE MONITOR and SELECT on
// the heartbeat schema, no password, and only from 127.0.0.1 — the lab's servers listen on
// loopback alone and die with the lab, so its config holds no secret to leak.
const MonitorUser = "lab"

var configTemplate = template.Must(template.New("lab").Parse(`# warroom lab — a real MariaDB primary and replica on this machine, with an application
# writing {{.Rate}} orders a second and a heartbeat every second. The replica starts
# {{.Delay}} behind (MASTER_DELAY). Data, sockets and logs: {{.Dir}}
# This file is also at {{.File}}:  warroom run -c {{.File}}
# Try a stray write once the old primary is frozen (root gets past read_only):
#   mariadb -S {{.OldSock}} -uroot -e "INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 1)"
# Stop the lab with ctrl+c: it stops the servers{{if .Temp}} and removes {{.Dir}}{{end}}.
title: warroom lab cutover
defaults:
  interval: 1s
  timeout: 1s
  window: 10m                  # the charts show the last ten minutes
databases:
  - name: old-primary
    dsn: {{.OldDSN}}
    expect: writable
  - name: new-primary
    dsn: {{.NewDSN}}
    replica_of: old-primary
    heartbeat: {table: percona.heartbeat, source_server_id: {{.OldID}}}
    lag: {warn: 5s, crit: 30s}
runsheet:
  journal: {{.Journal}}
  checkpoints:
    - id: freeze
      title: Old primary read-only
      owner: dba
      planned: 2m
      command: mariadb -S {{.OldSock}} -uroot -e "SET GLOBAL read_only = ON"
      gate: db["old-primary"].read_only && !db["old-primary"].stray_writes
      expect: {old-primary: read_only}
      rollback: mariadb -S {{.OldSock}} -uroot -e "SET GLOBAL read_only = OFF"
    - id: catch-up
      title: New primary caught up
      owner: dba
      planned: 2m
      command: mariadb -S {{.NewSock}} -uroot -e "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE"
      gate: db["new-primary"].lag_s != nil && db["new-primary"].lag_s < 1
      hold: 5s
    - id: promote
      title: New primary promoted, replication from the old one stopped
      owner: dba
      planned: 2m
      point_of_no_return: true
      command: mariadb -S {{.NewSock}} -uroot -e "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF"
      gate: db["new-primary"].role == "primary" && !db["new-primary"].read_only
      expect: {new-primary: writable}
    - id: writes-moved
      title: Application writing to the new primary, none to the old
      owner: app
      planned: 1m
      cutover: true
      gate: '!db["old-primary"].stray_writes && db["new-primary"].status == "ok"'
`))

type labView struct {
	Rate, OldID        int
	Delay              string
	Dir, File, Journal string
	OldDSN, NewDSN     string
	OldSock, NewSock   string
	Temp               bool
}

// render fills the lab's warroom.yaml in.
func render(p *mariadbtest.Pair) ([]byte, error) {
	v := labView{
		Rate:    int(1 / WriteEvery.Seconds()),
		OldID:   p.Primary.ServerID,
		Delay:   ReplicaDelay.String(),
		Dir:     p.Dir,
		File:    filepath.Join(p.Dir, "warroom.yaml"),
		Journal: filepath.Join(p.Dir, "warroom.journal"),
		OldDSN:  p.Primary.DSN(MonitorUser, "", ""),
		NewDSN:  p.Replica.DSN(MonitorUser, "", ""),
		OldSock: p.Primary.Socket(),
		NewSock: p.Replica.Socket(),
		Temp:    p.Temporary(),
	}
	var b bytes.Buffer
	if err := configTemplate.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("lab: render the config: %w", err)
	}
	return b.Bytes(), nil
}
