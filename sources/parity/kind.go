package parity

import "github.com/warroom-dev/warroom/sources"

// Kind declares the parity kind: one table compared on two databases, its group and every
// fact a poll reports (check --json and gates read them; a test holds real polls to it).
var Kind = sources.Kind{
	Name:  "parity",
	Group: sources.GroupParity,
	Doc:   "a table compared on two databases: counts, key bounds, and a chunked checksum walk when both sides are the same engine",
	Facts: []sources.Fact{
		{Name: "equal", Type: sources.Bool, Doc: "the last full walk found no difference (and none is known since); null before the first ends"},
		{Name: "old_rows", Type: sources.Number, Doc: "rows on the old side"},
		{Name: "new_rows", Type: sources.Number, Doc: "rows on the new side"},
		{Name: "checked_rows", Type: sources.Number, Doc: "rows the current (or just ended) walk has compared"},
		{Name: "differing_ranges", Type: sources.List, Doc: "up to 20 key ranges that differ: {from, to, missing_on_new, extra_on_new, changed}"},
		{Name: "differing_ranges_total", Type: sources.Number, Doc: "how many ranges differ"},
		{Name: "pending_rows", Type: sources.Number, Doc: "rows that differ but may still be replicating"},
		{Name: "last_full_walk_at", Type: sources.String, Doc: "when the last full walk ended (RFC 3339); null before"},
		{Name: "lag_s", Type: sources.Number, Doc: "the new side's replication lag as its own source last saw it; null when unknown"},
		{Name: "method", Type: sources.String, Doc: "checksum (a walk over row hashes), or counts (counts and key bounds only: across engines, or PostgreSQL before 14)"},
		{Name: "paused", Type: sources.Bool, Doc: "the walk waits because the new side lags more than max_lag"},
	},
}
