package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Notify is one receiver of outgoing messages: a Slack incoming webhook or a generic
// webhook. Its URL and header values are secrets: never shown, logged or written.
type Notify struct {
	Name    string            `yaml:"name"`
	Slack   string            `yaml:"slack"`   // Slack incoming-webhook URL (secret)
	Webhook string            `yaml:"webhook"` // generic webhook URL (secret)
	Headers map[string]string `yaml:"headers"` // generic webhook only; values are secrets
	// On lists the events sent: crit, warn, recovered, checkpoint, override, cutover.
	// Default: all of them.
	On []string `yaml:"on"`
	// Sources and Checkpoints, when set, keep only status changes of those sources and
	// transitions of those checkpoints.
	Sources     []string `yaml:"sources"`
	Checkpoints []string `yaml:"checkpoints"`
	// MinInterval is the least time between two status messages about one source; the
	// changes in between are summed up in the next one. Default 1m.
	MinInterval Duration `yaml:"min_interval"`
	Pos         Pos      `yaml:"-"`
}

// Kind is "slack" or "webhook".
func (n Notify) Kind() string {
	if n.Slack != "" {
		return "slack"
	}
	return "webhook"
}

// URL is the receiver's URL (a secret: never show it).
func (n Notify) URL() string {
	if n.Slack != "" {
		return n.Slack
	}
	return n.Webhook
}

// Shown names the receiver for people without its secret: "slack webhook (hidden)" or
// "webhook (hidden)".
func (n Notify) Shown() string {
	if n.Slack != "" {
		return "slack webhook (hidden)"
	}
	return "webhook (hidden)"
}

// HTTP configures the read-only web board served by run, serve and demo.
type HTTP struct {
	Listen string `yaml:"listen"` // host:port; default 127.0.0.1:8080
	// Token is required from every client (Bearer header, ?token= once, then a cookie),
	// and must be set unless Listen is a loopback address. A secret.
	Token string `yaml:"token"`
	Pos   Pos    `yaml:"-"`
}

// The notify and http defaults (docs/notify.md, docs/web.md).
const (
	DefaultNotifyMinInterval = Duration(time.Minute)
	DefaultHTTPListen        = "127.0.0.1:8080"
)

// NotifyEvents are the values of notify[].on, in the order the docs list them.
var NotifyEvents = []string{"crit", "warn", "recovered", "checkpoint", "override", "cutover"}

// outbound checks the notify: list and the http: section.
func (v *validator) outbound() {
	v.notify()
	v.http()
}

// notify checks each receiver. URLs are never quoted back: they are secrets.
func (v *validator) notify() {
	first := map[string]Pos{}
	ids := make([]string, 0, len(v.c.Runsheet.Checkpoints))
	for _, cp := range v.c.Runsheet.Checkpoints {
		ids = append(ids, cp.ID)
	}
	for i, n := range v.c.Notify {
		if n.Pos.IsZero() {
			continue // an empty item, reported already
		}
		item := fmt.Sprintf("notify[%d]", i)
		v.required(item, "name", n.Name, n.Pos, " (like name: room)")
		if n.Name != "" {
			p := v.at(item+".name", n.Pos)
			if hasControl(n.Name) {
				v.errorf(p, "%s.name contains control characters", item)
			} else if f, dup := first[n.Name]; dup {
				v.errorf(p, "duplicate notify name %s (first at %s)", quote(n.Name), f)
			} else {
				first[n.Name] = p
			}
		}
		v.receiver(item, n)
		for j, on := range n.On {
			v.oneOf(fmt.Sprintf("%s.on[%d]", item, j), on, n.Pos, NotifyEvents...)
		}
		for j, s := range n.Sources {
			known := make([]string, 0, len(v.names))
			for name := range v.names {
				known = append(known, name)
			}
			if _, ok := v.names[s]; !ok {
				v.reference(v.at(fmt.Sprintf("%s.sources[%d]", item, j), n.Pos), "source", s, known)
			}
		}
		for j, id := range n.Checkpoints {
			v.reference(v.at(fmt.Sprintf("%s.checkpoints[%d]", item, j), n.Pos), "checkpoint", id, ids)
		}
		v.positive(item+".min_interval", int64(n.MinInterval), n.Pos)
	}
}

// receiver checks that exactly one of slack and webhook is a usable URL.
func (v *validator) receiver(item string, n Notify) {
	switch {
	case n.Slack != "" && n.Webhook != "":
		v.errorf(v.at(item+".webhook", n.Pos), "%s: set one of slack and webhook, not both", item)
		return
	case n.Slack == "" && n.Webhook == "":
		if !v.bad[item+".slack"] && !v.bad[item+".webhook"] {
			v.errorf(n.Pos, "%s: set slack: (a Slack incoming-webhook URL) or webhook: (any URL that takes a JSON POST)", item)
		}
		return
	}
	path := item + "." + n.Kind()
	if !v.bad[path] {
		u, err := url.Parse(strings.TrimSpace(n.URL()))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errorf(v.at(path, n.Pos), "%s must be an http:// or https:// URL with a host (it is not shown: it is a secret)", path)
		}
	}
	if n.Slack != "" && len(n.Headers) > 0 {
		v.errorf(v.keys[item+".headers"], "%s.headers apply only to webhook: receivers (Slack takes none)", item)
	}
	for name := range n.Headers {
		if name == "" || strings.ContainsAny(name, " :\r\n\t") {
			v.errorf(v.keys[item+".headers."+name], "header name %s is not valid", quote(name))
		}
		if strings.ContainsAny(n.Headers[name], "\r\n") {
			v.errorf(v.at(item+".headers."+name, n.Pos), "header %s: the value holds a line break", quote(name))
		}
	}
}

// http checks the web board's address and token.
func (v *validator) http() {
	h := v.c.HTTP
	if h == nil {
		return
	}
	if h.Listen != "" {
		v.hostPort("http.listen", h.Listen, h.Pos, "127.0.0.1:8080 or 0.0.0.0:8080")
	}
	listen := h.Listen
	if listen == "" {
		listen = DefaultHTTPListen
	}
	_, _, addrErr := net.SplitHostPort(strings.TrimSpace(listen))
	if strings.TrimSpace(h.Token) == "" && !v.bad["http.token"] && addrErr == nil && !IsLoopback(listen) {
		v.errorf(v.at("http.listen", h.Pos), "http.listen %s is not a loopback address: set http.token "+
			"(token: ${WARROOM_HTTP_TOKEN}) so strangers cannot read the board", quote(listen))
	}
}

// IsLoopback reports whether a listen address (host:port) only accepts connections from this
// machine: 127.0.0.0/8, ::1 or localhost. An empty host (all interfaces) is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(strings.TrimSpace(addr))
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// notifyDefaults fills in the receivers' and the web board's defaults.
func notifyDefaults(c *Config) {
	for i := range c.Notify {
		n := &c.Notify[i]
		orDuration(&n.MinInterval, DefaultNotifyMinInterval)
		if len(n.On) == 0 {
			n.On = append([]string(nil), NotifyEvents...)
		}
		n.Slack, n.Webhook = strings.TrimSpace(n.Slack), strings.TrimSpace(n.Webhook)
	}
	if h := c.HTTP; h != nil && h.Listen == "" {
		h.Listen = DefaultHTTPListen
	}
}
