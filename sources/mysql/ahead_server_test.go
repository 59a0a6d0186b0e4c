package mysql

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// TestHeartbeatFromTheFuture: pt-heartbeat run without --utc on a host nine hours ahead of
// UTC writes its local time; the replica, 20 s behind (MASTER_DELAY=20), compares with its
// UTC clock. The lag is unknown and warn, with the reason — never "ok, lag 0" — and stays
// unknown with the SQL thread stopped.
func TestHeartbeatFromTheFuture(t *testing.T) {
	p := needPair(t)
	const writer = 7 // its own row: the other tests' server_id 1 row is left alone
	tokyo := time.Now().UTC().Add(9 * time.Hour).Format("2006-01-02T15:04:05.000000")
	exec(t, p.Primary, "REPLACE INTO percona.heartbeat (ts, server_id) VALUES ('"+tokyo+"', 7)")
	t.Cleanup(func() {
		exec(t, p.Replica, "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE")
		exec(t, p.Primary, "DELETE FROM percona.heartbeat WHERE server_id = 7")
		if err := p.Sync(context.Background()); err != nil {
			t.Error(err)
		}
	})
	if err := p.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	exec(t, p.Replica, "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 20", "START SLAVE")
	exec(t, p.Primary, "INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 20)") // 20 s behind from now on

	db := dbConf("replica", p.Replica)
	db.Heartbeat = &config.Heartbeat{Table: "percona.heartbeat", SourceServerID: writer}
	s := newSource(t, db, nil, nil)
	r := pollUntil(t, s, 5*time.Second, "replicating", func(r sources.Result) bool {
		return r.Facts["sql_running"] == true && r.Facts["io_running"] == true
	})
	if r.Status != sources.Warn || r.Value != nil || r.Facts["lag_s"] != nil {
		t.Fatalf("heartbeat 9 h ahead: want warn with the lag unknown, got %s", describeResult(r))
	}
	if !strings.Contains(r.Detail, "heartbeat is 8h59m in the future: is the writer using --utc?") &&
		!strings.Contains(r.Detail, "heartbeat is 9h00m in the future") {
		t.Fatalf("detail %q does not say the heartbeat is 9 h ahead", r.Detail)
	}
	exec(t, p.Replica, "STOP SLAVE SQL_THREAD")
	r = poll(s)
	if r.Status != sources.Crit || r.Value != nil || r.Facts["lag_s"] != nil || !strings.Contains(r.Detail, "in the future") {
		t.Fatalf("SQL thread stopped, heartbeat ahead: want crit with the lag unknown, got %s", describeResult(r))
	}
}
