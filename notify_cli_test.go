package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// hookSink is a loopback webhook receiver recording each body's "text"; status is what it
// answers.
func hookSink(t *testing.T, status int) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var b struct{ Text string }
		_ = json.Unmarshal(raw, &b)
		mu.Lock()
		got = append(got, b.Text)
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
}

// `warroom checkpoint` delivers its message before it exits.
func TestCheckpointCommandNotifies(t *testing.T) {
	hook, got := hookSink(t, 200)
	path := writeConfig(t, fmt.Sprintf(`title: Market cutover
notify:
  - {name: room, slack: %q}
runsheet:
  checkpoints:
    - {id: dns, title: DNS switched, owner: infra, planned: 10m}
`, hook.URL+"/services/SECRET"))
	if _, stderr, code := run(t, "checkpoint", "dns", "start", "-c", path); code != 0 {
		t.Fatal(stderr)
	}
	msgs := got()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "dns (DNS switched) started by ") || !strings.HasPrefix(msgs[0], "Market cutover · ") {
		t.Errorf("messages %q", msgs)
	}
}

// `warroom notify test` reaches every entry, says which failed, and never shows a URL.
func TestNotifyTestCommand(t *testing.T) {
	ok, got := hookSink(t, 200)
	bad, _ := hookSink(t, 404)
	path := writeConfig(t, fmt.Sprintf(`notify:
  - {name: room, slack: %q}
  - {name: pager, webhook: %q, headers: {Authorization: "Bearer TOPSECRET"}}
`, ok.URL+"/services/SECRETPATH", bad.URL+"/hook?key=SECRETKEY"))
	out, stderr, code := run(t, "notify", "test", "-c", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one receiver fails): %s %s", code, out, stderr)
	}
	want := "room (slack webhook (hidden)): delivered\npager (webhook (hidden)): failed: HTTP 404\n"
	if out != want {
		t.Errorf("output\n%s\nwant\n%s", out, want)
	}
	for _, s := range []string{"SECRET", "127.0.0.1"} {
		if strings.Contains(out+stderr, s) {
			t.Errorf("output shows %q", s)
		}
	}
	if len(got()) != 1 || !strings.Contains(got()[0], "this receiver works") {
		t.Errorf("the test message: %q", got())
	}
}
