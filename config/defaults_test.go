package config

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// TestDefaults checks every documented default, and that the section defaults follow a
// changed defaults: section.
func TestDefaults(t *testing.T) {
	c := mustParse(t, `
datadog: {api_key: k, app_key: a}
databases:
  - {name: db, dsn: "u@tcp(h:3306)/", heartbeat: {table: percona.heartbeat}}
health:
  - {name: h, url: "http://h/", method: head}
ssh: {allow_anonymous_viewers: true}
`, nil)
	if c.Defaults != (Defaults{Interval: Duration(5 * time.Second), Timeout: Duration(3 * time.Second), Window: Duration(time.Hour)}) {
		t.Errorf("defaults = %+v", c.Defaults)
	}
	dd := c.Datadog
	if dd.Site != "datadoghq.com" || dd.Interval.D() != 30*time.Second || dd.Timeout.D() != 10*time.Second || dd.Window.D() != time.Hour {
		t.Errorf("datadog = %+v", *dd)
	}
	h := c.Health[0]
	if h.Method != "HEAD" || *h.TLSWarnDays != 14 || h.Interval.D() != 5*time.Second || h.Timeout.D() != 3*time.Second {
		t.Errorf("health = %+v", h)
	}
	db := c.Databases[0]
	if db.Interval.D() != 5*time.Second || db.Timeout.D() != 3*time.Second || db.Heartbeat.UTC == nil || !*db.Heartbeat.UTC {
		t.Errorf("database = %+v", db)
	}
	s := c.SSH
	if s.Listen != "127.0.0.1:2222" || s.MaxSessions != 200 || s.IdleTimeout.D() != 12*time.Hour || s.RatePerMinute != 60 {
		t.Errorf("ssh = %+v", *s)
	}
	if c.Runsheet.Journal != "/etc/warroom/warroom.journal" {
		t.Errorf("journal = %q, want it beside the config", c.Runsheet.Journal)
	}

	c = mustParse(t, `
defaults: {interval: 1s, timeout: 500ms, window: 6h}
datadog: {api_key: k, app_key: a}
databases:
  - {name: db, dsn: "u@tcp(h:3306)/", interval: 2s, heartbeat: {table: a.b, utc: false}}
health:
  - {name: h, url: "http://h/", timeout: 1s, tls_warn_days: 0}
`, map[string]string{"DD_SITE": "datadoghq.eu"})
	if c.Datadog.Site != "datadoghq.eu" || c.Datadog.Window.D() != 6*time.Hour || c.Datadog.Interval.D() != 30*time.Second {
		t.Errorf("datadog with DD_SITE and a 6h window = %+v", *c.Datadog)
	}
	h, db = c.Health[0], c.Databases[0]
	if h.Interval.D() != time.Second || h.Timeout.D() != time.Second || *h.TLSWarnDays != 0 {
		t.Errorf("health = %+v (tls_warn_days 0 must stay 0: off)", h)
	}
	if db.Interval.D() != 2*time.Second || db.Timeout.D() != 500*time.Millisecond || *db.Heartbeat.UTC {
		t.Errorf("database = %+v", db)
	}
}

// TestPathResolution resolves relative paths against the config's folder, keeps absolute
// ones, expands ~/ and leaves inline keys alone.
func TestPathResolution(t *testing.T) {
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcQ0l8VHOuUy8v7Zh3PZgvP6LBCuMuRi3bXmP8MwWZ+ dana@laptop"
	src := `
ssh:
  host_key: keys/host_ed25519
  operators: [./keys/ops.pub, "` + key + `", ~/.ssh/authorized_keys]
  viewers: [/srv/viewers.pub, 'from="10.0.0.0/8" ` + key + `']
runsheet:
  journal: ../journals/cutover.journal
`
	c, err := Parse([]byte(src), "conf/w.yaml", envOf(map[string]string{"HOME": "/home/dana"}))
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("conf")
	if c.Dir != dir || c.File != "conf/w.yaml" {
		t.Errorf("File, Dir = %q, %q; want conf/w.yaml, %q", c.File, c.Dir, dir)
	}
	if want := filepath.Join(dir, "keys/host_ed25519"); c.SSH.HostKey != want {
		t.Errorf("host_key = %q, want %q", c.SSH.HostKey, want)
	}
	wantOps := []string{filepath.Join(dir, "keys/ops.pub"), key, "/home/dana/.ssh/authorized_keys"}
	if !reflect.DeepEqual(c.SSH.Operators, wantOps) {
		t.Errorf("operators = %q, want %q", c.SSH.Operators, wantOps)
	}
	wantViewers := []string{"/srv/viewers.pub", `from="10.0.0.0/8" ` + key}
	if !reflect.DeepEqual(c.SSH.Viewers, wantViewers) {
		t.Errorf("viewers = %q, want %q", c.SSH.Viewers, wantViewers)
	}
	if want := filepath.Join(filepath.Dir(dir), "journals/cutover.journal"); c.Runsheet.Journal != want {
		t.Errorf("journal = %q, want %q", c.Runsheet.Journal, want)
	}
}

func TestIsInlineKey(t *testing.T) {
	for entry, want := range map[string]bool{
		"ssh-ed25519 AAAA dana":                 true,
		"ecdsa-sha2-nistp256 AAAA":              true,
		`no-pty,from="1.2.3.4" ssh-rsa AAAA x`:  true,
		"./keys/operators.pub":                  false,
		"/etc/warroom/ssh-ed25519 keys/ops.pub": false,
		"ssh-ed25519.pub":                       false,
	} {
		if got := IsInlineKey(entry); got != want {
			t.Errorf("IsInlineKey(%q) = %v, want %v", entry, got, want)
		}
	}
}

func TestExpectations(t *testing.T) {
	c := mustParse(t, `
databases:
  - {name: old, dsn: "u@tcp(a:3306)/", expect: writable}
  - {name: new, dsn: "u@tcp(b:3306)/", replica_of: old}
  - {name: ro, dsn: "u@tcp(c:3306)/", expect: read_only}
`, nil)
	want := map[string]string{"old": "writable", "ro": "read_only"}
	if got := c.Expectations(); !reflect.DeepEqual(got, want) {
		t.Errorf("Expectations() = %v, want %v", got, want)
	}
}
