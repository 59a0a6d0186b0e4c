package datadog

import "github.com/warroom-dev/warroom/sources"

// Kind declares the datadog kind: one metric query of the batch, its group and every fact a
// poll reports (check --json and gates read them; a test holds real polls to this list).
var Kind = sources.Kind{
	Name:  "datadog",
	Group: sources.GroupMetric,
	Doc:   "a Datadog metric query, polled in one batch with the others",
	Facts: []sources.Fact{
		{Name: "points", Type: sources.Number, Doc: "non-null points in the window, over every series"},
		{Name: "last_point_at", Type: sources.String, Doc: "the newest point's time (RFC 3339); null without data"},
		{Name: "series_count", Type: sources.Number, Doc: "series the query returned (one per group of a `by {…}`)"},
		{Name: "rate_limit_remaining", Type: sources.Number, Doc: "requests left in Datadog's rate-limit window; null until known"},
		{Name: "query", Type: sources.String, Doc: "the query as configured"},
		{Name: "error", Type: sources.String, Doc: "why the metric has no value; empty when fine"},
	},
}
