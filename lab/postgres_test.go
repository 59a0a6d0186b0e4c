package lab

import (
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/internal/proctest"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/postgres"
	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

// TestLabPostgresCutover starts the PostgreSQL lab, loads the config it prints, and walks its
// runsheet with the printed commands: the standby streaming, the freeze stopping the
// application, the subscriber catching up, its sequence moved, the promotion moving the
// writes, and a stray write on the frozen old primary. Stopping the lab stops the servers
// and removes the folder.
func TestLabPostgresCutover(t *testing.T) {
	if err := pgtest.Available(); err != nil {
		proctest.Missing(t, "PostgreSQL is not installed", err)
	}
	text, stop := startLabFunc(t, RunPostgres)
	cfg, err := config.Parse(text, "lab.yaml", nil)
	if err != nil {
		t.Fatalf("the printed config does not load: %v\n%s", err, text)
	}
	l := newPGLabSources(t, cfg)
	cp := map[string]config.Checkpoint{}
	for _, c := range cfg.Runsheet.Checkpoints {
		cp[c.ID] = c
	}
	l.until(t, "old-standby", 20*time.Second, "streaming", func(r sources.Result) bool {
		return r.Status == sources.OK && r.Facts["lag_source"] == "heartbeat" && lagOf(r) < 3
	})
	l.until(t, "new-primary", 20*time.Second, "its sequence behind", func(r sources.Result) bool {
		return r.Status == sources.Warn && strings.Contains(r.Detail, "sequences behind: orders_id_seq")
	})
	l.checkpoint(t, cp["freeze"])
	l.until(t, "old-primary", 5*time.Second, "frozen", func(r sources.Result) bool {
		return r.Status == sources.OK && strings.Contains(r.Detail, "read-only ✓")
	})
	time.Sleep(1500 * time.Millisecond) // wall time: the real application keeps trying on its own timer
	if r := l.poll("old-primary"); r.Status != sources.OK || r.Facts["stray_writes"] != false {
		t.Fatalf("the application must be stopped by the freeze: %s %q", r.Status, r.Detail)
	}
	l.until(t, "new-primary", 20*time.Second, "caught up", func(r sources.Result) bool {
		return lagOf(r) == 0 && r.Facts["lag_source"] == "confirmed"
	})
	l.checkpoint(t, cp["sequences"])
	l.until(t, "new-primary", 10*time.Second, "ok with its sequence moved", func(r sources.Result) bool {
		return r.Status == sources.OK
	})
	l.checkpoint(t, cp["promote"])
	l.until(t, "new-primary", 10*time.Second, "promoted", func(r sources.Result) bool {
		return r.Status == sources.OK && r.Facts["role"] == "primary" && r.Facts["read_only"] == false
	})
	stray := regexp.MustCompile(`\S+/psql -h \S+ -p \d+ -U postgres -d lab -c "BEGIN[^"]*"`).Find(text)
	if stray == nil {
		t.Fatalf("no stray-write hint in the config header:\n%s", text)
	}
	run(t, string(stray))
	r := l.until(t, "old-primary", 5*time.Second, "stray write", func(r sources.Result) bool {
		return r.Status == sources.Crit && r.Facts["stray_writes"] == true
	})
	if len(r.Events) != 1 || !strings.Contains(r.Events[0], "orders +1 row") {
		t.Errorf("events %q", r.Events)
	}
	stop()
	dir := regexp.MustCompile(`Data, sockets and logs: (\S+)`).FindSubmatch(text)
	if dir == nil {
		t.Fatal("no folder in the header")
	}
	if _, err := os.Stat(string(dir[1])); !os.IsNotExist(err) {
		t.Errorf("lab folder %s left behind: %v", dir[1], err)
	}
	u, _ := url.Parse(cfg.Databases[0].DSN)
	if c, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		c.Close()
		t.Errorf("old primary still listening on %s", u.Host)
	}
}

func newPGLabSources(t *testing.T, cfg *config.Config) *labSources {
	t.Helper()
	initial := map[string]string{}
	for _, d := range cfg.Databases {
		initial[d.Name] = d.Expect
	}
	l := &labSources{exp: sources.NewExpectations(initial), src: map[string]polled{}}
	for _, d := range cfg.Databases {
		s, err := postgres.New(d, cfg.Databases, cfg.Defaults, l.exp)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		l.src[d.Name] = s
	}
	return l
}
