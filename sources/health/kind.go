package health

import "github.com/warroom-dev/warroom/sources"

// KindHTTP, KindTCP and KindDNS declare the three kinds of probe: their group and every fact
// a poll reports (check --json and gates read them; tests hold real polls to these lists).
var (
	KindHTTP = sources.Kind{
		Name:  "health",
		Group: sources.GroupHealth,
		Doc:   "an HTTP(S) endpoint: status, body, JSON value, certificate, backend, latency per phase",
		Facts: []sources.Fact{
			{Name: "status_code", Type: sources.Number, Doc: "the HTTP status code; null when there was no answer"},
			{Name: "latency_ms", Type: sources.Number, Doc: "the whole request in milliseconds; null when not measured"},
			{Name: "phases_ms", Type: sources.Map, Doc: "milliseconds per phase: dns, connect, tls, first_byte, total (those measured)"},
			{Name: "served_by", Type: sources.String, Doc: "the served_by header's value; empty when not configured"},
			{Name: "served_by_share", Type: sources.Map, Doc: "backend → whole percent of the last 20 answers; empty without served_by_header"},
			{Name: "tls_days_left", Type: sources.Number, Doc: "whole days the certificate has left; null for plain HTTP"},
			{Name: "error", Type: sources.String, Doc: "why the probe is not ok; empty when fine"},
			{Name: "state", Type: sources.String, Doc: "the declared state (states:) the last answer matches: the planned one if it does, else the first by name; empty when none"},
		},
	}
	KindTCP = sources.Kind{
		Name:  "tcp",
		Group: sources.GroupHealth,
		Doc:   "a TCP port: connect time",
		Facts: []sources.Fact{
			{Name: "latency_ms", Type: sources.Number, Doc: "the connect time in milliseconds; null when it failed"},
			{Name: "error", Type: sources.String, Doc: "why the connect failed; empty when fine"},
			{Name: "state", Type: sources.String, Doc: "the declared state (states:) the last answer matches: the planned one if it does, else the first by name; empty when none"},
		},
	}
	KindDNS = sources.Kind{
		Name:  "dns",
		Group: sources.GroupHealth,
		Doc:   "a DNS name: answers, TTL, which side they point at",
		Facts: []sources.Fact{
			{Name: "answers", Type: sources.List, Doc: "the A/AAAA answers, as strings"},
			{Name: "ttl_s", Type: sources.Number, Doc: "the lowest TTL of the answers; null without one"},
			{Name: "matched", Type: sources.Bool, Doc: "an answer is one of expect.any_of (without any_of: there is an answer)"},
			{Name: "error", Type: sources.String, Doc: "why the lookup failed; empty when fine"},
			{Name: "state", Type: sources.String, Doc: "the declared state (states:) the last answer matches: the planned one if it does, else the first by name; empty when none"},
		},
	}
)
