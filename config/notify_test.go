package config

import (
	"strings"
	"testing"
	"time"
)

func TestNotifyParses(t *testing.T) {
	src := `
health:
  - {name: shop, url: "http://shop/"}
runsheet:
  checkpoints:
    - {id: freeze, title: Freeze}
notify:
  - name: room
    slack: ${SLACK_URL}
  - name: pager
    webhook: https://hooks.example/warroom?k=1
    headers: {Authorization: "Bearer ${PAGER_TOKEN}"}
    on: [crit, cutover]
    sources: shop
    checkpoints: [freeze]
    min_interval: 5m
http:
  token: ${WARROOM_HTTP_TOKEN}
`
	c := mustParse(t, src, map[string]string{"SLACK_URL": "https://hooks.slack.com/services/T/B/X",
		"PAGER_TOKEN": "p", "WARROOM_HTTP_TOKEN": "tok"})
	room, pager := c.Notify[0], c.Notify[1]
	if room.Kind() != "slack" || room.URL() != "https://hooks.slack.com/services/T/B/X" || room.MinInterval.D() != time.Minute {
		t.Errorf("room = %+v", room)
	}
	if len(room.On) != len(NotifyEvents) {
		t.Errorf("room.on = %v, want every event by default", room.On)
	}
	if pager.Kind() != "webhook" || pager.Headers["Authorization"] != "Bearer p" || pager.MinInterval.D() != 5*time.Minute ||
		strings.Join(pager.On, ",") != "crit,cutover" || pager.Sources[0] != "shop" || pager.Checkpoints[0] != "freeze" {
		t.Errorf("pager = %+v", pager)
	}
	if room.Shown() != "slack webhook (hidden)" {
		t.Errorf("Shown = %q", room.Shown())
	}
	if c.HTTP.Listen != DefaultHTTPListen || c.HTTP.Token != "tok" {
		t.Errorf("http = %+v", c.HTTP)
	}
}

func TestNotifyErrors(t *testing.T) {
	secret := "https://hooks.slack.com/services/SECRET"
	tests := []struct{ name, src, want string }{
		{"no url", "notify:\n  - name: room\n", "w.yaml:2:5: notify[0]: set slack: (a Slack incoming-webhook URL) or webhook: (any URL that takes a JSON POST)"},
		{"both", "notify:\n  - {name: a, slack: \"https://a/\", webhook: \"https://b/\"}\n", "w.yaml:2:45: notify[0]: set one of slack and webhook, not both"},
		{"bad url hidden", "notify:\n  - {name: a, slack: \"ftp://" + secret + "\"}\n", "w.yaml:2:22: notify[0].slack must be an http:// or https:// URL with a host (it is not shown: it is a secret)"},
		{"name required", "notify:\n  - {slack: \"https://a/\"}\n", "w.yaml:2:5: notify[0]: name is required (like name: room)"},
		{"duplicate", "notify:\n  - {name: a, slack: \"https://a/\"}\n  - {name: a, slack: \"https://b/\"}\n", "w.yaml:3:12: duplicate notify name \"a\" (first at 2:12)"},
		{"on", "notify:\n  - {name: a, slack: \"https://a/\", on: [crit, critical]}\n", "w.yaml:2:47: notify[0].on[1] must be crit or warn or recovered or checkpoint or override or cutover, not \"critical\""},
		{"source", "health:\n  - {name: shop, url: \"http://s/\"}\nnotify:\n  - {name: a, slack: \"https://a/\", sources: [shp]}\n", "w.yaml:4:46: source \"shp\" is not defined (did you mean \"shop\"?)"},
		{"checkpoint", "notify:\n  - {name: a, slack: \"https://a/\", checkpoints: [x]}\n", "w.yaml:2:50: checkpoint \"x\" is not defined (there are none)"},
		{"slack headers", "notify:\n  - {name: a, slack: \"https://a/\", headers: {X: y}}\n", "w.yaml:2:36: notify[0].headers apply only to webhook: receivers (Slack takes none)"},
		{"interval", "notify:\n  - {name: a, slack: \"https://a/\", min_interval: 0s}\n", "w.yaml:2:50: notify[0].min_interval must be more than 0 (remove it for the default)"},
		{"http open", "http: {listen: \"0.0.0.0:8080\"}\n", "w.yaml:1:16: http.listen \"0.0.0.0:8080\" is not a loopback address: set http.token (token: ${WARROOM_HTTP_TOKEN}) so strangers cannot read the board"},
		{"http addr", "http: {listen: \"8080\"}\n", "w.yaml:1:16: http.listen must be host:port, like 127.0.0.1:8080 or 0.0.0.0:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrors(t, tt.src, nil).Error()
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if strings.Contains(got, "SECRET") {
				t.Errorf("a webhook URL leaked into a message: %s", got)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true,
		"0.0.0.0:8080": false, ":8080": false, "10.0.0.1:80": false, "nonsense": false} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}
