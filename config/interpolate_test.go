package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestInterpolate(t *testing.T) {
	env := envOf(map[string]string{"HOST": "db.internal", "EMPTY": "", "IV": "2s"})
	tests := []struct {
		in, want string
		vars     []string
		errs     []string
	}{
		{in: "plain", want: "plain"},
		{in: "${HOST}:3306", want: "db.internal:3306", vars: []string{"HOST"}},
		{in: "${MISSING:-fallback}", want: "fallback", vars: []string{"MISSING"}},
		{in: "${EMPTY:-fallback}", want: "fallback", vars: []string{"EMPTY"}},
		{in: "${EMPTY}", want: "", vars: []string{"EMPTY"}},
		{in: "${MISSING:-}", want: "", vars: []string{"MISSING"}},
		{in: "a${HOST}b${IV}c", want: "adb.internalb2sc", vars: []string{"HOST", "IV"}},
		{in: "cost $$5", want: "cost $5"},
		{in: "$${HOST}", want: "${HOST}"},
		{in: "$.checks[0].status", want: "$.checks[0].status"},
		{in: "trailing $", want: "trailing $"},
		{in: "${MISSING}", want: "", vars: []string{"MISSING"},
			errs: []string{"environment variable MISSING is not set (use ${MISSING:-default} for a default)"}},
		{in: "${HOST", want: "${HOST", errs: []string{"unclosed ${: close it with } or write $${ for a literal ${"}},
		{in: "${}", want: "", errs: []string{"empty ${}: write ${NAME} or ${NAME:-default}"}},
		{in: "${HOST-x}", want: "", errs: []string{`"${HOST-x}": write ${NAME} or ${NAME:-default} (only the :- form is supported)`}},
		{in: "${1X}", want: "", errs: []string{`invalid variable name "1X" in ${...}: use letters, digits and _`}},
	}
	for _, tt := range tests {
		x := interpolate(tt.in, env)
		if x.text != tt.want || !reflect.DeepEqual(x.vars, tt.vars) || !reflect.DeepEqual(x.errs, tt.errs) {
			t.Errorf("interpolate(%q) = %q vars %q errs %q; want %q vars %q errs %q",
				tt.in, x.text, x.vars, x.errs, tt.want, tt.vars, tt.errs)
		}
	}
}

// TestInterpolateBeforeConversion checks that ${...} works in durations, numbers and
// booleans: the value is interpolated first, then converted.
func TestInterpolateBeforeConversion(t *testing.T) {
	src := `
defaults:
  interval: ${IV:-5s}
  timeout: ${TO}
datadog:
  api_key: ${DD_API_KEY}
  app_key: "${DD_APP_KEY}"
  events: ${EVENTS:-false}
metrics:
  - name: p95
    query: "p95:trace.rack.request{env:${ENV:-prod}}"
    warn: ${WARN:-800}
    crit: ${CRIT}
ssh:
  max_sessions: ${MAX}
  allow_anonymous_viewers: true
health:
  - name: price
    url: https://shop.example/price
    expect: {json: {path: "$.price", equals: "$$5"}}
`
	c := mustParse(t, src, map[string]string{
		"TO": "1500ms", "DD_API_KEY": "k-123", "DD_APP_KEY": "a-456", "EVENTS": "true",
		"CRIT": "1500.5", "MAX": "7",
	})
	if c.Defaults.Interval.D() != 5*time.Second || c.Defaults.Timeout.D() != 1500*time.Millisecond {
		t.Errorf("defaults = %v/%v, want 5s/1.5s", c.Defaults.Interval.D(), c.Defaults.Timeout.D())
	}
	if c.Datadog.APIKey != "k-123" || c.Datadog.AppKey != "a-456" || !c.Datadog.Events {
		t.Errorf("datadog = %+v", *c.Datadog)
	}
	m := c.Metrics[0]
	if m.Query != "p95:trace.rack.request{env:prod}" || *m.Warn != 800 || *m.Crit != 1500.5 {
		t.Errorf("metric = %q warn %v crit %v", m.Query, *m.Warn, *m.Crit)
	}
	if c.SSH.MaxSessions != 7 {
		t.Errorf("max_sessions = %d, want 7", c.SSH.MaxSessions)
	}
	js := c.Health[0].Expect.JSON
	if js.Path != "$.price" || js.Equals != "$5" {
		t.Errorf("json check = %+v, want $.price equals $5", *js)
	}
}

// TestSecretsNeverInErrors checks that values from the environment are never repeated in
// a message, even when they are what is wrong.
func TestSecretsNeverInErrors(t *testing.T) {
	const secret = "hunter2-S3CRET"
	src := `
defaults:
  interval: ${IV}
datadog:
  api_key: ${KEY}
  app_key: x
  events: ${KEY}
  url: ${KEY}
databases:
  - name: db
    dsn: ${KEY}
    expect: ${KEY}
health:
  - name: h
    url: ${KEY}
    method: ${KEY}
    tls_warn_days: ${KEY}
runsheet:
  checkpoints:
    - {id: a, title: A, expect: {db: "${KEY}"}}
`
	es := parseErrors(t, src, map[string]string{"KEY": secret, "IV": secret})
	msg := es.Error()
	if strings.Contains(msg, "hunter2") || strings.Contains(msg, "S3CRET") {
		t.Fatalf("a secret reached an error message:\n%s", msg)
	}
	for _, want := range []string{
		"w.yaml:3:13: duration from ${IV}: write it like 5s, 250ms or 2m30s",
		"w.yaml:7:11: expected true or false, got from ${KEY}",
		"w.yaml:8:8: datadog.url must be an http:// or https:// URL",
		"w.yaml:11:10: databases[0].dsn is not a valid DSN",
		"w.yaml:12:13: databases[0].expect must be writable or read_only, not (from the environment)",
		"w.yaml:15:10: health[0].url must be an http:// or https:// URL",
		"w.yaml:16:13: health[0].method must be GET or HEAD",
		"w.yaml:17:20: expected a whole number, got from ${KEY}",
		"w.yaml:20:38: runsheet.checkpoints[0].expect.db must be writable or read_only, not (from the environment)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
}

// TestUnsetVariables checks that each unset variable is named at its own position and that
// nothing else is reported about the values that could not be read.
func TestUnsetVariables(t *testing.T) {
	src := "datadog:\n  api_key: ${DD_API_KEY}\n  app_key: ${DD_APP_KEY}\nhealth:\n  - name: h\n    url: ${URL}\n"
	want := "w.yaml:2:12: environment variable DD_API_KEY is not set (use ${DD_API_KEY:-default} for a default)\n" +
		"w.yaml:3:12: environment variable DD_APP_KEY is not set (use ${DD_APP_KEY:-default} for a default)\n" +
		"w.yaml:6:10: environment variable URL is not set (use ${URL:-default} for a default)"
	if got := parseErrors(t, src, nil).Error(); got != want {
		t.Errorf("errors:\n%s\nwant:\n%s", got, want)
	}
}
