package demo

import (
	"context"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog"
	"github.com/warroom-dev/warroom/sources/health"
	"github.com/warroom-dev/warroom/sources/mysql"
)

// TestFactsDeclared: through the whole story (every step done, one by one), each demo
// source reports exactly the facts of the real kind it imitates, in that kind's group.
func TestFactsDeclared(t *testing.T) {
	reg := sources.NewRegistry(mysql.Kind, health.KindHTTP, health.KindTCP, health.KindDNS, datadog.Kind)
	f := newFake()
	w := NewWorld(func() time.Time { return f.now }, f.progress)
	defs := w.Sources(time.Second)
	steps := []string{"", "announce", "maintenance", "freeze", "catch-up", "promote", "dns", "smoke", "open"}
	for _, id := range steps {
		if id != "" {
			f.set(id, "running", time.Second)
			f.now = f.now.Add(time.Second)
			f.set(id, "done", 20*time.Second)
		}
		for _, d := range defs {
			k, ok := reg.Kind(d.Kind)
			if !ok || k.Group != d.Group || d.Source.Kind() != d.Kind {
				t.Fatalf("%s: kind %q (source says %q) group %q: not a registered kind of that group", d.Source.Name(), d.Kind, d.Source.Kind(), d.Group)
			}
			r := d.Source.Poll(context.Background())
			if err := sources.CheckFacts(k, r.Facts); err != nil {
				t.Errorf("after %q: %s: %v", id, d.Source.Name(), err)
			}
		}
	}
}
