package config

import (
	"strings"
	"testing"
)

// TestErrorMessages pins each class of error to its exact FILE:LINE:COL: message.
func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "title: [x\n", `w.yaml:1:8: YAML syntax: sequence end token ']' not found`},
		{"tab", "health:\n\t- name: a\n", `w.yaml:2:1: YAML syntax: found character '\t' that cannot start any token (indent with spaces, not tabs)`},
		{"flow with unquoted var", "defaults: {interval: ${IV}}\n", `w.yaml:1:23: YAML syntax: ',' or '}' must be specified (inside {…} a ${VAR} must be quoted: "${VAR}")`},
		{"unknown key suggestion", "health:\n  - name: a\n    url: http://a/\n  - name: b\n    url: http://b/\n  - name: c\n    url: http://c/\n    intervl: 5s\n",
			`w.yaml:8:5: unknown key "intervl" in health[2] (did you mean "interval"?)`},
		{"unknown key at top", "titel: x\n", `w.yaml:1:1: unknown key "titel" at the top level (did you mean "title"?)`},
		{"unknown key list", "defaults:\n  foo: 1\n", `w.yaml:2:3: unknown key "foo" in defaults (valid keys: interval, timeout, window)`},
		{"key case and dash", "datadog:\n  api-key: k\n  app_key: a\n", `w.yaml:2:3: unknown key "api-key" in datadog (did you mean "api_key"?)`},
		{"duplicate key", "title: a\ntitle: b\n", `w.yaml:2:1: duplicate key "title" in the config (first at 1:1)`},
		{"duration with space", "defaults:\n  interval: 5 s\n", `w.yaml:2:13: duration "5 s": write it like 5s, 250ms or 2m30s`},
		{"duration without unit", "defaults:\n  timeout: 5\n", `w.yaml:2:12: duration "5" has no unit: write it like 5s, 250ms or 2m30s`},
		{"negative duration", "defaults:\n  window: -1h\n", `w.yaml:2:11: duration "-1h" is negative: durations are 0 or more, like 5s`},
		{"zero interval", "defaults:\n  interval: 0s\n", `w.yaml:2:13: defaults.interval must be more than 0 (remove it for the default)`},
		{"bool", "datadog: {api_key: a, app_key: b, events: yes}\n", `w.yaml:1:43: expected true or false, got "yes"`},
		{"int", "ssh: {allow_anonymous_viewers: true, max_sessions: 2.5}\n", `w.yaml:1:52: expected a whole number, got "2.5"`},
		{"float", "datadog: {api_key: a, app_key: b}\nmetrics:\n  - {name: m, query: q, warn: lots}\n", `w.yaml:3:31: expected a number, got "lots"`},
		{"infinite", "datadog: {api_key: a, app_key: b}\nmetrics:\n  - {name: m, query: q, crit: .inf}\n", `w.yaml:3:31: expected a finite number, got ".inf"`},
		{"list expected", "health: {name: a}\n", `w.yaml:1:9: health: expected a list, got a mapping`},
		{"mapping expected", "health:\n  - name: a\n    url: http://a/\n    latency: 2s\n", `w.yaml:4:14: health[0].latency: expected a mapping with keys like warn, crit; got a string`},
		{"root not a mapping", "- a\n- b\n", `w.yaml:1:1: the config: expected a mapping with keys like title, defaults, datadog, metrics, databases, health, …; got a list`},
		{"second document", "title: a\n---\ntitle: b\n", `w.yaml:2:1: a second YAML document: a config is one document, remove this --- and what follows`},
		{"unknown alias", "title: *nope\n", `w.yaml:1:8: unknown alias *nope: define it first with &nope`},
		{"empty item", "health:\n  - name: a\n    url: http://a/\n  -\n", `w.yaml:4:3: health[1] is empty: give it its keys or remove the -`},
		{"duplicate name", "databases:\n  - name: market (new)\n    dsn: u@tcp(h:3306)/\nhealth:\n  - name: market (new)\n    url: http://a/\n",
			`w.yaml:5:11: duplicate name "market (new)" (first at 2:11)`},
		{"url tcp and dns", "health:\n  - name: a\n  - name: b\n    url: http://b/\n    tcp: b:80\n",
			"w.yaml:2:5: health[0]: set exactly one of url, tcp, dns\nw.yaml:3:5: health[1]: set exactly one of url, tcp, dns"},
		{"url scheme", "health:\n  - name: a\n    url: ftp://a/\n", `w.yaml:3:10: health[0].url must be an http:// or https:// URL with a host, like https://example.com/healthz`},
		{"tcp address", "health:\n  - name: a\n    tcp: a\n", `w.yaml:3:10: health[0].tcp must be host:port, like db.example:3306`},
		{"dns name", "health:\n  - name: a\n    dns: http://a/\n", `w.yaml:3:10: health[0].dns must be a host name to resolve, like market.example`},
		{"resolver", "health:\n  - {name: a, dns: a.example, resolver: 'not a server'}\n", `w.yaml:2:41: health[0].resolver must be a DNS server address, like 127.0.0.1:53 or 1.1.1.1`},
		{"http key on tcp", "health:\n  - name: a\n    tcp: a:1\n    expect: {body_contains: ok}\n", `w.yaml:4:14: expect.body_contains applies only to url probes: remove it`},
		{"status code", "health:\n  - name: a\n    url: http://a/\n    expect: {status: [200, 2000]}\n", `w.yaml:4:28: status 2000 is not an HTTP status: use 100 to 599`},
		{"method", "health:\n  - {name: a, url: 'http://a/', method: FETCH}\n", `w.yaml:2:41: health[0].method must be GET or HEAD or POST or PUT or PATCH or DELETE or OPTIONS, not "FETCH"`},
		{"json path", "health:\n  - name: a\n    url: http://a/\n    expect: {json: {path: db, equals: up}}\n", `w.yaml:4:27: health[0].expect.json.path must start with $, like "$.db" or "$.checks[0].status"`},
		{"json path missing", "health:\n  - name: a\n    url: http://a/\n    expect:\n      json: {equals: 1}\n", `w.yaml:5:13: health[0].expect.json: path is required (like path: "$.db")`},
		{"latency order", "health:\n  - name: a\n    url: http://a/\n    latency: {warn: 2s, crit: 500ms}\n", `w.yaml:4:21: health[0].latency: warn (2s) is above crit (500ms): warn must be <= crit`},
		{"unset variable", "datadog:\n  api_key: ${DD_API_KEY}\n  app_key: x\n", `w.yaml:2:12: environment variable DD_API_KEY is not set (use ${DD_API_KEY:-default} for a default)`},
		{"metrics need datadog", "metrics:\n  - {name: m, query: q}\n", `w.yaml:1:1: metrics need a datadog: section with api_key and app_key (api_key: ${DD_API_KEY}, app_key: ${DD_APP_KEY})`},
		{"metric required", "datadog: {api_key: a, app_key: b}\nmetrics:\n  - unit: ms\n", "w.yaml:3:5: metrics[0]: name is required\nw.yaml:3:5: metrics[0]: query is required (like query: \"avg:system.load.1{*}\")"},
		{"datadog keys", "datadog:\n  site: datadoghq.eu\n", "w.yaml:2:3: datadog: api_key is required (api_key: ${DD_API_KEY})"},
		{"datadog keys for metrics", "datadog:\n  api_key: k\nmetrics:\n  - {name: m, query: q}\n", "w.yaml:2:3: datadog: app_key is required (app_key: ${DD_APP_KEY}; metrics need it)"},
		{"datadog url with query", "datadog: {api_key: a, url: 'https://dd.example/?k=1'}\n", `w.yaml:1:28: datadog.url must be a base URL, without a user, ?query or #fragment (the keys go in api_key and app_key)`},
		{"datadog url", "datadog: {api_key: a, app_key: b, url: localhost:8080}\n", `w.yaml:1:40: datadog.url must be an http:// or https:// URL with a host, like https://example.com/healthz`},
		{"datadog site", "datadog: {api_key: a, app_key: b, site: 'https://datadoghq.eu'}\n", `w.yaml:1:41: datadog.site is a host name like datadoghq.eu; for a full URL use url: instead`},
		{"warn above crit", "datadog: {api_key: a, app_key: b}\nmetrics:\n  - {name: m, query: q, warn: 900, crit: 800}\n",
			`w.yaml:3:31: metrics[0]: warn (900) is above crit (800): when higher is worse warn must be <= crit (set below: true if lower is worse)`},
		{"below reversed", "datadog: {api_key: a, app_key: b}\nmetrics:\n  - {name: m, query: q, warn: 5, crit: 10, below: true}\n",
			`w.yaml:3:31: metrics[0]: warn (5) is below crit (10): with below: true (lower is worse) warn must be >= crit`},
		{"database required", "databases:\n  - name: a\n", `w.yaml:2:5: databases[0]: dsn is required (like dsn: ${DB_DSN}, user:password@tcp(host:3306)/)`},
		{"dsn", "databases:\n  - name: a\n    dsn: u:p@tcp(h:3306)\n", `w.yaml:3:10: databases[0].dsn is not a valid DSN: missing the slash separating the database name (the form is user:password@tcp(host:3306)/)`},
		{"expect", "databases:\n  - {name: a, dsn: 'u@tcp(h:3306)/', expect: readonly}\n", `w.yaml:2:46: databases[0].expect must be writable or read_only, not "readonly"`},
		{"replica_of unknown", "databases:\n  - {name: old-primary, dsn: 'u@tcp(h:3306)/'}\n  - {name: new, dsn: 'u@tcp(h:3306)/', replica_of: old-primary1}\n",
			`w.yaml:3:52: database "old-primary1" is not defined (did you mean "old-primary"?)`},
		{"replica_of itself", "databases:\n  - {name: a, dsn: 'u@tcp(h:3306)/', replica_of: a}\n", `w.yaml:2:50: "a" cannot be a replica of itself`},
		{"heartbeat", "databases:\n  - name: a\n    dsn: u@tcp(h:3306)/\n    heartbeat: {table: 'hb; DROP TABLE x'}\n", `w.yaml:4:24: databases[0].heartbeat.table must be schema.table, like percona.heartbeat`},
		{"checkpoint required", "runsheet:\n  checkpoints:\n    - owner: dba\n", "w.yaml:3:7: runsheet.checkpoints[0]: id is required\nw.yaml:3:7: runsheet.checkpoints[0]: title is required"},
		{"checkpoint duplicate", "runsheet:\n  checkpoints:\n    - {id: a, title: A}\n    - {id: a, title: B}\n", `w.yaml:4:12: duplicate checkpoint id "a" (first at 3:12)`},
		{"after unknown", "runsheet:\n  checkpoints:\n    - {id: freeze, title: A}\n    - {id: b, title: B, after: [freez]}\n", `w.yaml:4:33: checkpoint "freez" is not defined (did you mean "freeze"?)`},
		{"after cycle", "runsheet:\n  checkpoints:\n    - {id: a, title: A, after: [c]}\n    - {id: b, title: B}\n    - {id: c, title: C}\n",
			`w.yaml:3:32: checkpoints wait for each other in a loop: a → c → b → a (each waits for the next; a checkpoint without after: waits for the one before it) — fix their after: lists`},
		{"expect database", "databases:\n  - {name: old, dsn: 'u@tcp(h:3306)/'}\nrunsheet:\n  checkpoints:\n    - {id: a, title: A, expect: {olld: read_only, old: off}}\n",
			"w.yaml:5:34: source \"olld\" is not defined (did you mean \"old\"?)\nw.yaml:5:56: runsheet.checkpoints[0].expect.old must be writable or read_only, not \"off\""},
		{"hold without gate", "runsheet:\n  checkpoints:\n    - {id: a, title: A, hold: 30s}\n", `w.yaml:3:31: runsheet.checkpoints[0].hold needs a gate: it is how long the gate must hold`},
		{"two cutovers", "runsheet:\n  checkpoints:\n    - {id: a, title: A, cutover: true}\n    - {id: b, title: B, cutover: true}\n", `w.yaml:4:34: only one checkpoint can be the cutover (already runsheet.checkpoints[0])`},
		{"ssh nobody", "ssh:\n  listen: 0.0.0.0:2222\n", `w.yaml:2:3: ssh: nobody could log in: list keys under operators or viewers, or set allow_anonymous_viewers: true`},
		{"ssh inline key", "ssh:\n  operators: ['ssh-ed25519 AAAAnotakey me']\n", `w.yaml:2:15: ssh.operators[0] is not a valid public key (paste a whole line of an .pub file, like ssh-ed25519 AAAA… name)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrors(t, tt.src, nil).Error()
			if got != tt.want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestAllErrorsAtOnce checks that one pass reports every problem, sorted by position.
func TestAllErrorsAtOnce(t *testing.T) {
	src := strings.Join([]string{
		"titel: x",                   // 1: unknown key
		"defaults:",                  // 2
		"  interval: 5 s",            // 3: bad duration
		"health:",                    // 4
		"  - name: a",                // 5
		"    url: http://a/",         // 6
		"  - name: a",                // 7: duplicate name
		"    tcp: localhost",         // 8: not host:port
		"runsheet:",                  // 9
		"  checkpoints:",             // 10
		"    - id: a",                // 11: no title
		"      after: [nope]",        // 12: unknown checkpoint
		"databases:",                 // 13
		"  - name: db",               // 14
		"    dsn: ${DB_DSN}",         // 15: unset
		"    timeout: ${T:-forever}", // 16: bad duration from a default
	}, "\n")
	es := parseErrors(t, src, nil)
	want := []string{
		`w.yaml:1:1: unknown key "titel" at the top level (did you mean "title"?)`,
		`w.yaml:3:13: duration "5 s": write it like 5s, 250ms or 2m30s`,
		`w.yaml:7:11: duplicate name "a" (first at 5:11)`,
		`w.yaml:8:10: health[1].tcp must be host:port, like db.example:3306`,
		`w.yaml:11:7: runsheet.checkpoints[0]: title is required`,
		`w.yaml:12:15: checkpoint "nope" is not defined (defined: a)`,
		`w.yaml:15:10: environment variable DB_DSN is not set (use ${DB_DSN:-default} for a default)`,
		`w.yaml:16:14: duration from ${T}: write it like 5s, 250ms or 2m30s`,
	}
	if got := es.Error(); got != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	for i := 1; i < len(es); i++ {
		if es[i].Pos.before(es[i-1].Pos) {
			t.Errorf("errors not sorted: %v before %v", es[i-1].Pos, es[i].Pos)
		}
	}
}
