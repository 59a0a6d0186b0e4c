package runsheet

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources/health"
)

// TestGateFlipsWithRealProbe: a gate over a real HTTP probe of a local server turns green
// when the server answers 200 and red, naming the status code, when it answers 503.
func TestGateFlipsWithRealProbe(t *testing.T) {
	var down atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "back soon")
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	hc := config.Health{Name: "market (new)", URL: srv.URL, Expect: config.HealthExpect{Status: []int{200}, BodyContains: "ok"}}
	probe, err := health.New(hc, config.Defaults{Timeout: config.Duration(2 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	defer probe.(io.Closer).Close()

	infos := []board.Info{{Name: hc.Name, Kind: hc.Kind(), Group: "health", Interval: time.Second}}
	b := board.New(infos, board.Options{})
	names := NamesFromInfos(infos, testKinds)
	rs := config.Runsheet{Journal: journalPath(t), Checkpoints: []config.Checkpoint{{ID: "smoke", Title: "Smoke",
		Gate: `health["market (new)"].status == "ok" && health["market (new)"].status_code == 200`}}}
	s := open(t, rs, Options{Board: b, Names: &names})
	poll := func() Gate {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		b.Ingest(hc.Name, probe.Poll(ctx), time.Now())
		s.Evaluate(b.Snapshot())
		return cp(s.View(), "smoke").Gate
	}
	if g := poll(); g.Light != Green {
		t.Fatalf("server up: %+v", g)
	}
	down.Store(true)
	g := poll()
	if g.Light != Red || g.Failing != `health["market (new)"].status == "ok" (status = "crit")` {
		t.Fatalf("server down: %s %q", g.Light, g.Failing)
	}
	do(t, s, "smoke", Start)
	if got := refused(t, s, Transition{Checkpoint: "smoke", Action: Finish}); !strings.HasPrefix(got, "gate fails: ") {
		t.Fatalf("done while down: %q", got)
	}
	down.Store(false)
	if g := poll(); g.Light != Green {
		t.Fatalf("server back: %+v", g)
	}
	if tr := do(t, s, "smoke", Finish); tr.Gate != "held" || tr.Override {
		t.Fatalf("done: %+v", tr)
	}
}
