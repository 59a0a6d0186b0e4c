package mysql

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

// questions reads the server's count of client statements (the read itself is one).
func questions(b *testing.B, s *mariadbtest.Server) int {
	b.Helper()
	db, err := s.Open()
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var name, v string
	if err := db.QueryRow("SHOW GLOBAL STATUS LIKE 'Questions'").Scan(&name, &v); err != nil {
		b.Fatal(err)
	}
	n, _ := strconv.Atoi(v)
	return n
}

// benchPoll polls s b.N times and reports the statements one poll sends to each server.
func benchPoll(b *testing.B, s *Source) {
	ctx := context.Background()
	if r := s.Poll(ctx); r.Status == sources.Crit {
		b.Fatalf("warm-up poll: %s", describeResult(r))
	}
	p0, r0 := questions(b, pair.Primary), questions(b, pair.Replica)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if r := s.Poll(ctx); r.Error != "" {
			b.Fatal(r.Error)
		}
	}
	b.StopTimer()
	p1, r1 := questions(b, pair.Primary), questions(b, pair.Replica)
	// each questions() call counts itself once: subtract the first pair of reads
	b.ReportMetric(float64(r1-r0-1)/float64(b.N), "replica-queries/op")
	b.ReportMetric(float64(p1-p0-1)/float64(b.N), "primary-queries/op")
}

// BenchmarkPollReplica: the heaviest poll — a replica with a heartbeat and replica_of (node
// variables, replica status, heartbeat, then the primary's GTIDs).
func BenchmarkPollReplica(b *testing.B) {
	if pair == nil {
		b.Skip(pairErr)
	}
	db := config.Database{Name: "replica", DSN: pair.MonitorDSN(pair.Replica), ReplicaOf: "primary",
		Heartbeat: &config.Heartbeat{Table: "percona.heartbeat", SourceServerID: 1}}
	all := []config.Database{{Name: "primary", DSN: pair.MonitorDSN(pair.Primary)}, db}
	root, err := pair.Primary.Open()
	if err != nil {
		b.Fatal(err)
	}
	err = mariadbtest.Beat(context.Background(), root, 1, time.Now())
	root.Close()
	if err != nil || pair.Sync(context.Background()) != nil {
		b.Fatal("heartbeat row not written", err)
	}
	s, err := New(db, all, config.Defaults{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchPoll(b, s)
}

// BenchmarkPollPrimary: a primary expected writable (variables and replica status).
func BenchmarkPollPrimary(b *testing.B) {
	if pair == nil {
		b.Skip(pairErr)
	}
	db := config.Database{Name: "primary", DSN: pair.MonitorDSN(pair.Primary), Expect: "writable"}
	s, err := New(db, nil, config.Defaults{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchPoll(b, s)
}
