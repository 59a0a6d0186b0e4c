package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// run runs the command line in-process and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	root := newRoot()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	code := 0
	if err := root.Execute(); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			code = ee.code
		} else {
			reportError(&errb, err)
			code = 1
		}
	}
	return out.String(), errb.String(), code
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "warroom.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// api is a health endpoint whose status the test flips.
func api(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var status atomic.Int64
	status.Store(200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(status.Load()))
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &status
}

const runsheetYAML = `
runsheet:
  checkpoints:
    - id: smoke
      title: Smoke tests green
      owner: qa
      planned: 5m
      gate: health["api"].status == "ok"
`

func TestValidateReportsEveryErrorWithPosition(t *testing.T) {
	path := writeConfig(t, "title: x\ndefaults:\n  intervl: 5s\nhealth:\n  - name: a\n    url: http://127.0.0.1:1/\n    latency: {warn: 5 s}\n")
	_, stderr, code := run(t, "validate", "-c", path)
	if code != 1 {
		t.Fatalf("validate of a broken config exited %d, want 1", code)
	}
	for _, want := range []string{path + ":3:3:", `"intervl"`, path + ":7:", "5 s"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("validate output lacks %q:\n%s", want, stderr)
		}
	}
	good := writeConfig(t, "title: fine\n"+runsheetYAML+"health:\n  - name: api\n    url: http://127.0.0.1:1/\n")
	if out, stderr, code := run(t, "validate", "-c", good); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("validate of a good config: code %d out %q err %q", code, out, stderr)
	}
}

func TestCheckJSONAndExitCodes(t *testing.T) {
	srv, status := api(t)
	path := writeConfig(t, "title: Check test\nhealth:\n  - name: api\n    url: "+srv.URL+"/healthz\n"+runsheetYAML)
	out, stderr, code := run(t, "check", "--json", "-c", path)
	if code != 0 {
		t.Fatalf("check of a healthy endpoint exited %d: %s", code, stderr)
	}
	var rep struct {
		Version   int    `json:"version"`
		Title     string `json:"title"`
		CheckedAt string `json:"checked_at"`
		Status    string `json:"status"`
		Sources   []struct {
			Name, Kind, Status, Unit, Error string
			Value                           *float64
			Series                          []map[string]any
			Facts                           map[string]any
		} `json:"sources"`
		Checkpoints []map[string]any `json:"checkpoints"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --json is not JSON: %v\n%s", err, out)
	}
	if rep.Version != 1 || rep.Title != "Check test" || rep.Status != "ok" || rep.CheckedAt == "" {
		t.Fatalf("report header: %+v", rep)
	}
	s := rep.Sources[0]
	if s.Name != "api" || s.Kind != "health" || s.Status != "ok" || s.Value == nil || s.Unit != "ms" ||
		s.Facts["status_code"] != float64(200) || len(s.Series) != 1 {
		t.Fatalf("source: %+v", s)
	}
	cp := rep.Checkpoints[0]
	for _, k := range []string{"id", "title", "state", "gate", "gate_ok", "started_at", "ended_at", "planned_s", "actual_s", "by", "override"} {
		if _, ok := cp[k]; !ok {
			t.Errorf("checkpoint lacks %q: %v", k, cp)
		}
	}
	if cp["state"] != "pending" || cp["gate_ok"] != true || cp["planned_s"] != float64(300) {
		t.Errorf("checkpoint: %v", cp)
	}
	status.Store(503)
	if _, _, code := run(t, "check", "-c", path); code != 2 {
		t.Fatalf("check of a 503 endpoint exited %d, want 2 (crit)", code)
	}
	if _, _, code := run(t, "check", "-c", filepath.Join(t.TempDir(), "missing.yaml")); code != 3 {
		t.Fatalf("check of a missing config exited %d, want 3", code)
	}
}

func TestCheckpointCommandFollowsTheGate(t *testing.T) {
	srv, status := api(t)
	path := writeConfig(t, "title: CLI\nhealth:\n  - name: api\n    url: "+srv.URL+"/\n"+runsheetYAML)
	if _, stderr, code := run(t, "checkpoint", "smoke", "start", "-c", path); code != 0 {
		t.Fatalf("start: %d %s", code, stderr)
	}
	status.Store(503)
	_, stderr, code := run(t, "checkpoint", "smoke", "done", "-c", path)
	if code != 1 || !strings.Contains(stderr, "gate") {
		t.Fatalf("done on a red gate: code %d stderr %q; want refused with the gate's reason", code, stderr)
	}
	if _, stderr, code := run(t, "checkpoint", "smoke", "fail", "-c", path); code == 0 {
		t.Fatalf("fail without --note must be refused: %s", stderr)
	}
	if _, stderr, code := run(t, "checkpoint", "smoke", "done", "--force", "--reason", "checked by hand", "-c", path); code != 0 {
		t.Fatalf("forced done: %d %s", code, stderr)
	}
	out, _, code := run(t, "checkpoint", "list", "--json", "-c", path)
	var list struct {
		Checkpoints []map[string]any `json:"checkpoints"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != 0 {
		t.Fatalf("list --json: %v %q", err, out)
	}
	if c := list.Checkpoints[0]; c["state"] != "done" || c["override"] != true || c["by"] == "" {
		t.Fatalf("after the forced done: %v", c)
	}
	// The gate holds now: a reopened checkpoint is done without force.
	status.Store(200)
	for _, step := range [][]string{{"reopen"}, {"start"}, {"done"}} {
		if _, stderr, code := run(t, append([]string{"checkpoint", "smoke"}, append(step, "-c", path)...)...); code != 0 {
			t.Fatalf("%s: %d %s", step[0], code, stderr)
		}
	}
}

func TestCheckAgainstDatadog(t *testing.T) {
	dd := ddtest.NewServer(t)
	dd.SetSeries("p95:trace.rack.request{service:market}", ddtest.Series{Unit: "ms", Values: ddtest.Vals(400, nil, 450, 1700)})
	path := writeConfig(t, fmt.Sprintf(`title: DD
datadog:
  url: %s
  api_key: ${TEST_DD_API}
  app_key: ${TEST_DD_APP}
metrics:
  - name: app p95
    query: "p95:trace.rack.request{service:market}"
    unit: ms
    warn: 800
    crit: 1500
`, dd.URL))
	t.Setenv("TEST_DD_API", ddtest.APIKey)
	t.Setenv("TEST_DD_APP", ddtest.AppKey)
	out, stderr, code := run(t, "check", "--json", "-c", path)
	if code != 2 {
		t.Fatalf("a p95 of 1700 over a crit of 1500 exited %d, want 2: %s", code, stderr)
	}
	if strings.Contains(out+stderr, ddtest.APIKey) || strings.Contains(out+stderr, ddtest.AppKey) {
		t.Fatal("a Datadog key reached check's output")
	}
	var rep struct {
		Sources []struct {
			Kind   string
			Value  float64
			Facts  map[string]any
			Status string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	s := rep.Sources[0]
	if s.Kind != "datadog" || s.Value != 1700 || s.Status != "crit" || s.Facts["points"] != float64(3) {
		t.Fatalf("datadog source: %+v", s)
	}
	if n := len(dd.TimeseriesRequests()); n != 1 {
		t.Fatalf("check made %d Datadog requests, want 1", n)
	}
}

func TestInitNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "warroom.yaml")
	if _, stderr, code := run(t, "init", path); code != 0 {
		t.Fatalf("init: %d %s", code, stderr)
	}
	if _, stderr, code := run(t, "validate", "-c", path); code != 0 {
		t.Fatalf("the starter config does not validate: %s", stderr)
	}
	before, _ := os.ReadFile(path)
	if _, stderr, code := run(t, "init", path); code == 0 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("init over an existing file: code %d %q", code, stderr)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("init changed an existing file")
	}
	if out, _, _ := run(t, "version"); !strings.HasPrefix(out, "warroom ") {
		t.Fatalf("version: %q", out)
	}
}

// check and checkpoint list read the journal but never create or change it, so they work
// where the journal's folder is not writable (a monitoring user).
func TestCheckNeverWritesTheJournal(t *testing.T) {
	srv, _ := api(t)
	path := writeConfig(t, "title: RO\nhealth:\n  - name: api\n    url: "+srv.URL+"/\n"+runsheetYAML)
	journal := filepath.Join(filepath.Dir(path), "warroom.journal")
	if _, _, code := run(t, "check", "-c", path); code != 0 {
		t.Fatalf("check exited %d", code)
	}
	if _, err := os.Stat(journal); !os.IsNotExist(err) {
		t.Fatalf("check created the journal: %v", err)
	}
	if _, stderr, code := run(t, "checkpoint", "smoke", "start", "-c", path); code != 0 {
		t.Fatal(stderr)
	}
	before, _ := os.ReadFile(journal)
	out, _, code := run(t, "checkpoint", "list", "-c", path)
	after, _ := os.ReadFile(journal)
	if code != 0 || !strings.Contains(out, "running") || !bytes.Equal(before, after) {
		t.Fatalf("list: code %d out %q; journal changed: %v", code, out, !bytes.Equal(before, after))
	}
}

// With datadog.events on, a checkpoint changed from a script is posted as a Datadog event
// before the command exits.
func TestCheckpointTransitionPostsADatadogEvent(t *testing.T) {
	dd := ddtest.NewServer(t)
	path := writeConfig(t, fmt.Sprintf(`title: Events
datadog:
  url: %s
  api_key: %s
  events: true
runsheet:
  checkpoints:
    - {id: dns, title: DNS switched, owner: infra}
`, dd.URL, ddtest.APIKey))
	if _, stderr, code := run(t, "checkpoint", "dns", "start", "-c", path); code != 0 {
		t.Fatal(stderr)
	}
	evs := dd.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events posted, want 1", len(evs))
	}
	body := fmt.Sprintf("%+v", evs[0])
	for _, want := range []string{"warroom", "runsheet:dns", "owner:infra", "DNS switched"} {
		if !strings.Contains(body, want) {
			t.Errorf("event lacks %q: %s", want, body)
		}
	}
}
