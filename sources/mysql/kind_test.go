package mysql

import (
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// TestFactsDeclared: polls of a real primary, a real replica and a node that is down report
// exactly the facts Kind declares, each of its declared type.
func TestFactsDeclared(t *testing.T) {
	p := needPair(t)
	all := []config.Database{dbConf("primary", p.Primary), dbConf("replica", p.Replica)}
	all[1].ReplicaOf = "primary"
	down := config.Database{Name: "down", DSN: "monitor:pw@tcp(127.0.0.1:1)/", Timeout: config.Duration(time.Second)}
	exp := sources.NewExpectations(map[string]string{"primary": "writable"})
	for _, db := range append(all, down) {
		r := poll(newSource(t, db, all, exp))
		if err := sources.CheckFacts(Kind, r.Facts); err != nil {
			t.Errorf("%s: %v (%s)", db.Name, err, describeResult(r))
		}
	}
	if _, err := sources.NewRegistry(Kind).Kind("mysql"); !err {
		t.Fatal("registry does not find mysql")
	}
}
