package lab

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/internal/proctest"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/mysql"
	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// signalWriter hands the first write to a channel.
type signalWriter struct {
	once sync.Once
	ch   chan []byte
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { w.ch <- append([]byte(nil), p...) })
	return len(p), nil
}

// TestLabCutover starts the lab, loads the config it prints, and walks its runsheet with the
// printed commands: lag from the delayed replica, the freeze stopping the application, the
// catch-up draining the lag, the promotion moving the writes, and a stray write on the old
// primary. Stopping the lab stops the servers and removes the folder.
func TestLabCutover(t *testing.T) {
	if err := mariadbtest.Available(); err != nil {
		proctest.Missing(t, "MariaDB is not installed", err)
	}
	if _, err := exec.LookPath("mariadb"); err != nil {
		t.Fatalf("the printed runsheet uses the mariadb client: %v", err)
	}
	text, stop := startLab(t)
	cfg, err := config.Parse(text, "lab.yaml", nil)
	if err != nil {
		t.Fatalf("the printed config does not load: %v\n%s", err, text)
	}
	l := newLabSources(t, cfg)
	cp := map[string]config.Checkpoint{}
	for _, c := range cfg.Runsheet.Checkpoints {
		cp[c.ID] = c
	}

	l.until(t, "new-primary", 30*time.Second, "delayed lag", func(r sources.Result) bool {
		return r.Facts["lag_source"] == "heartbeat" && lagOf(r) >= 5 && r.Status == sources.Warn
	})
	l.checkpoint(t, cp["freeze"])
	l.until(t, "old-primary", 5*time.Second, "frozen", func(r sources.Result) bool {
		return r.Status == sources.OK && r.Detail == "read-only ✓"
	})
	time.Sleep(1500 * time.Millisecond) // wall time: the real application and heartbeat keep trying on their own timers
	if r := l.poll("old-primary"); r.Status != sources.OK || r.Facts["stray_writes"] != false {
		t.Fatalf("the application must be stopped by read_only: %+v", r)
	}
	l.checkpoint(t, cp["catch-up"])
	l.until(t, "new-primary", 20*time.Second, "caught up", func(r sources.Result) bool {
		return r.Status == sources.OK && lagOf(r) >= 0 && lagOf(r) < 1
	})
	l.checkpoint(t, cp["promote"])
	l.until(t, "new-primary", 5*time.Second, "promoted", func(r sources.Result) bool {
		return r.Status == sources.OK && r.Facts["role"] == "primary" && r.Facts["read_only"] == false
	})

	stray := regexp.MustCompile(`mariadb -S \S+ -uroot -e "INSERT[^"]*"`).Find(text)
	if stray == nil {
		t.Fatalf("no stray-write hint in the config header:\n%s", text)
	}
	run(t, string(stray))
	r := l.until(t, "old-primary", 5*time.Second, "stray write", func(r sources.Result) bool {
		return r.Status == sources.Crit && r.Facts["stray_writes"] == true
	})
	if len(r.Events) != 1 || !strings.Contains(r.Events[0], "on a node expected read-only") {
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
	addr := strings.TrimSuffix(strings.SplitN(cfg.Databases[0].DSN, "tcp(", 2)[1], ")/")
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("old primary still listening on %s", addr)
	}
}

// startLab runs the lab until stop is called (or the test ends) and returns what it printed.
func startLab(t *testing.T) (text []byte, stop func()) {
	t.Helper()
	return startLabFunc(t, Run)
}

// startLabFunc runs runLab until stop is called (or the test ends) and returns what it printed.
func startLabFunc(t *testing.T, runLab func(context.Context, string, io.Writer) error) (text []byte, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &signalWriter{ch: make(chan []byte, 1)}
	done := make(chan error, 1)
	go func() { done <- runLab(ctx, "", w) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(60 * time.Second):
			t.Error("the lab did not stop within 60 s")
		}
	}
	t.Cleanup(stop)
	select {
	case text = <-w.ch:
	case err := <-done:
		stopped = true
		t.Fatalf("lab ended before printing its config: %v", err)
	case <-time.After(90 * time.Second):
		t.Fatal("no config printed within 90 s")
	}
	return text, stop
}

// labSources polls the lab's databases as warroom would.
type labSources struct {
	exp *sources.Expectations
	src map[string]polled
}

// polled is a database source of either engine.
type polled interface {
	Poll(context.Context) sources.Result
}

func newLabSources(t *testing.T, cfg *config.Config) *labSources {
	t.Helper()
	initial := map[string]string{}
	for _, d := range cfg.Databases {
		initial[d.Name] = d.Expect
	}
	l := &labSources{exp: sources.NewExpectations(initial), src: map[string]polled{}}
	for _, d := range cfg.Databases {
		s, err := mysql.New(d, cfg.Databases, cfg.Defaults, l.exp)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		l.src[d.Name] = s
	}
	return l
}

func (l *labSources) poll(name string) sources.Result {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return l.src[name].Poll(ctx)
}

func (l *labSources) until(t *testing.T, name string, limit time.Duration, what string, ok func(sources.Result) bool) sources.Result {
	t.Helper()
	deadline := time.Now().Add(limit)
	var r sources.Result
	for time.Now().Before(deadline) {
		if r = l.poll(name); ok(r) {
			return r
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: %s not within %v; last: status=%s detail=%q error=%q facts=%v", name, what, limit, r.Status, r.Detail, r.Error, r.Facts)
	return r
}

// checkpoint runs a checkpoint's command and applies its expectations, as marking it done
// would.
func (l *labSources) checkpoint(t *testing.T, c config.Checkpoint) {
	t.Helper()
	if c.Command == "" {
		t.Fatalf("checkpoint %q has no command", c.ID)
	}
	run(t, c.Command)
	for db, e := range c.Expect {
		l.exp.Set(db, e)
	}
}

func run(t *testing.T, command string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "sh", "-c", command).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", command, err, out)
	}
}

func lagOf(r sources.Result) float64 {
	if v, ok := r.Facts["lag_s"].(float64); ok {
		return v
	}
	return -1
}
