package parity

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

// TestMillionRows walks a 1M-row table at the default chunk size and pace, and reports the
// load it put on each server: statements and rows read per second of walking, and the time
// of a full pass. It asserts the bounds (a poll checks at most chunks_per_poll chunks; the
// walk finishes, equal) — the figures are for docs/parity.md. Set WARROOM_PARITY_ROWS to
// walk another size.
func TestMillionRows(t *testing.T) {
	needPair(t)
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("WARROOM_PARITY_ROWS")); err == nil && v > 0 {
		n = v
	}
	start := time.Now()
	onOld(t, "CREATE TABLE market.big (id bigint NOT NULL PRIMARY KEY, a varchar(40) NOT NULL, b decimal(12,2) NOT NULL, c datetime NOT NULL)")
	for lo := 0; lo < n; lo += 100_000 { // in batches well inside the test connection's read timeout
		hi := min(lo+100_000, n)
		onOld(t, fmt.Sprintf("INSERT INTO market.big SELECT seq, MD5(seq), seq/3, '2026-12-06 02:00:00' + INTERVAL seq SECOND FROM seq_%d_to_%d", lo+1, hi))
	}
	t.Cleanup(func() { onOld(t, "DROP TABLE market.big"); sync(t) })
	sync(t)
	t.Logf("%d rows written and replicated in %v", n, time.Since(start).Round(time.Millisecond))

	s := source(t, func(p *config.Parity) {
		p.Table, p.Chunk, p.ChunksPerPoll, p.Timeout = "market.big", config.DefaultParityChunk, config.DefaultChunksPerPoll, config.Duration(60*time.Second)
	}, nil, false)
	before := [2]map[string]int64{status(t, pair.Primary), status(t, pair.Replica)}
	var walking time.Duration
	polls := 0
	for polls = 1; polls <= n/(config.DefaultParityChunk*config.DefaultChunksPerPoll)+3; polls++ {
		t0 := time.Now()
		r := poll(t, s)
		walking += time.Since(t0)
		if r.Failed {
			t.Fatalf("poll %d: %s", polls, show(r))
		}
		if r.Facts["equal"] != nil {
			if r.Facts["equal"] != true || r.Facts["checked_rows"] != int64(n) {
				t.Fatalf("after the walk: %s", show(r))
			}
			break
		}
		if got := r.Facts["checked_rows"].(int64); got > int64(polls*config.DefaultParityChunk*config.DefaultChunksPerPoll) {
			t.Fatalf("poll %d checked %d rows: more than chunks_per_poll × chunk per poll", polls, got)
		}
	}
	if s.last == nil {
		t.Fatalf("the walk did not finish in %d polls", polls)
	}
	for i, srv := range []*mariadbtest.Server{pair.Primary, pair.Replica} {
		after := status(t, srv)
		q, rows := after["Questions"]-before[i]["Questions"], after["rows"]-before[i]["rows"]
		t.Logf("%s: %d statements, %d rows read in %d polls, %v of walking: %.0f statements/s, %.0f rows/s while walking",
			srv.Name, q, rows, polls, walking.Round(time.Millisecond), float64(q)/walking.Seconds(), float64(rows)/walking.Seconds())
	}
	t.Logf("a full pass of %d rows: %d polls of at most %d chunks, %v of server time in all; at interval 30s that is %v of wall time",
		n, polls, config.DefaultChunksPerPoll, walking.Round(time.Millisecond), time.Duration(polls-1)*30*time.Second)
}

// status reads the server's global counters as root.
func status(t *testing.T, s *mariadbtest.Server) map[string]int64 {
	t.Helper()
	db, err := s.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name = 'Questions' OR Variable_name LIKE 'Handler_read%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		if k == "Questions" {
			out[k] = v
		} else {
			out["rows"] += v // every row an index or table scan read
		}
	}
	return out
}
