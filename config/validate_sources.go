package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/go-sql-driver/mysql"
	"golang.org/x/crypto/ssh"
)

// datadog checks the Datadog connection, and that metrics have one.
func (v *validator) datadog() {
	dd := v.c.Datadog
	if dd == nil {
		if len(v.c.Metrics) > 0 {
			v.errorf(v.keys["metrics"], "metrics need a datadog: section with api_key and app_key "+
				"(api_key: ${DD_API_KEY}, app_key: ${DD_APP_KEY})")
		}
		return
	}
	v.required("datadog", "api_key", dd.APIKey, dd.Pos, " (api_key: ${DD_API_KEY})")
	if len(v.c.Metrics) > 0 {
		v.required("datadog", "app_key", dd.AppKey, dd.Pos, " (app_key: ${DD_APP_KEY}; metrics need it)")
	}
	if dd.URL != "" && !v.bad["datadog.url"] {
		v.httpURL("datadog.url", dd.URL, dd.Pos)
		if u, err := url.Parse(strings.TrimSpace(dd.URL)); err == nil && (u.User != nil || u.RawQuery != "" || u.Fragment != "") {
			v.errorf(v.at("datadog.url", dd.Pos), "datadog.url must be a base URL, without a user, ?query or #fragment "+
				"(the keys go in api_key and app_key)")
		}
	}
	if strings.ContainsAny(dd.Site, "/ :@?#") {
		v.errorf(v.at("datadog.site", dd.Pos), "datadog.site is a host name like datadoghq.eu; "+
			"for a full URL use url: instead")
	}
	v.positive("datadog.interval", int64(dd.Interval), dd.Pos)
	v.positive("datadog.timeout", int64(dd.Timeout), dd.Pos)
	v.positive("datadog.window", int64(dd.Window), dd.Pos)
}

// metrics checks each Datadog query.
func (v *validator) metrics() {
	for i, m := range v.c.Metrics {
		if m.Pos.IsZero() {
			continue // an empty item, reported already
		}
		item := fmt.Sprintf("metrics[%d]", i)
		v.required(item, "name", m.Name, m.Pos, "")
		v.required(item, "query", m.Query, m.Pos, ` (like query: "avg:system.load.1{*}")`)
		v.name(item, m.Name, m.Pos)
		if m.Warn == nil || m.Crit == nil {
			continue
		}
		w, c := *m.Warn, *m.Crit
		p := v.at(item+".warn", m.Pos)
		switch {
		case !m.Below && w > c:
			v.errorf(p, "%s: warn (%g) is above crit (%g): when higher is worse warn must be <= crit "+
				"(set below: true if lower is worse)", item, w, c)
		case m.Below && w < c:
			v.errorf(p, "%s: warn (%g) is below crit (%g): with below: true (lower is worse) "+
				"warn must be >= crit", item, w, c)
		}
	}
}

// heartbeatTable is schema.table, safe to put in a query.
var heartbeatTable = regexp.MustCompile(`^[A-Za-z0-9_$]+\.[A-Za-z0-9_$]+$`)

// databases checks each MySQL-family or PostgreSQL node.
func (v *validator) databases() {
	for i, db := range v.c.Databases {
		if db.Pos.IsZero() {
			continue // an empty item, reported already
		}
		item := fmt.Sprintf("databases[%d]", i)
		v.required(item, "name", db.Name, db.Pos, "")
		v.required(item, "dsn", db.DSN, db.Pos, " (like dsn: ${DB_DSN}, user:password@tcp(host:3306)/)")
		v.name(item, db.Name, db.Pos)
		v.databaseDSN(item, db)
		if db.Expect != "" {
			v.oneOf(item+".expect", db.Expect, db.Pos, "writable", "read_only")
		}
		if db.ReplicaOf != "" {
			p := v.at(item+".replica_of", db.Pos)
			if db.ReplicaOf == db.Name {
				v.errorf(p, "%s cannot be a replica of itself", quote(db.Name))
			} else {
				v.reference(p, "database", db.ReplicaOf, v.dbs)
			}
		}
		if hb := db.Heartbeat; hb != nil {
			v.required(item+".heartbeat", "table", hb.Table, v.at(item+".heartbeat", db.Pos),
				" (like table: percona.heartbeat)")
			if hb.Table != "" && !heartbeatTable.MatchString(hb.Table) {
				v.errorf(v.at(item+".heartbeat.table", db.Pos), "%s.heartbeat.table must be schema.table, "+
					"like percona.heartbeat", item)
			}
			if hb.SourceServerID < 0 {
				v.errorf(v.at(item+".heartbeat.source_server_id", db.Pos), "source_server_id must be 0 or more")
			}
		}
		v.limits(item+".lag", db.Lag, db.Pos)
		v.positive(item+".interval", int64(db.Interval), db.Pos)
		v.positive(item+".timeout", int64(db.Timeout), db.Pos)
	}
}

// dsn reports a DSN the MySQL driver cannot read. Only the driver's fixed "invalid DSN"
// messages are repeated: others could quote a part of the DSN, and it holds a password.
func (v *validator) dsn(path, dsn string, fallback Pos) {
	if strings.TrimSpace(dsn) == "" || v.bad[path] {
		return
	}
	_, err := mysql.ParseDSN(dsn)
	if err == nil || !strings.HasPrefix(err.Error(), "invalid DSN: ") {
		if p := dsnProblem(dsn, v.secret[path]); p != "" {
			v.errorf(v.at(path, fallback), "%s: %s", path, p)
		}
		return
	}
	v.errorf(v.at(path, fallback), "%s is not a valid DSN: %s (the form is user:password@tcp(host:3306)/)",
		path, strings.TrimPrefix(err.Error(), "invalid DSN: "))
}

// limits checks a warn/crit pair of durations (higher is worse).
func (v *validator) limits(path string, l DurationLimits, fallback Pos) {
	if l.Warn > 0 && l.Crit > 0 && l.Warn > l.Crit {
		v.errorf(v.at(path+".warn", fallback), "%s: warn (%s) is above crit (%s): warn must be <= crit",
			path, l.Warn.D(), l.Crit.D())
	}
}

var (
	httpOnly = []string{"method", "headers", "expect.status", "expect.body_contains", "expect.json",
		"served_by_header", "tls_warn_days", "follow_redirects", "insecure_skip_verify", "fresh_connection", "ca_file"}
	dnsOnly = []string{"expect.any_of", "resolver"}
	methods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
	dnsName = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$`)
)

// health checks each HTTP, TCP and DNS probe.
func (v *validator) health() {
	for i, h := range v.c.Health {
		if h.Pos.IsZero() {
			continue // an empty item, reported already
		}
		item := fmt.Sprintf("health[%d]", i)
		v.required(item, "name", h.Name, h.Pos, "")
		v.name(item, h.Name, h.Pos)
		kinds, kind := 0, ""
		for _, k := range []string{"url", "tcp", "dns"} {
			if _, ok := v.vals[item+"."+k]; ok {
				kinds, kind = kinds+1, k
			}
		}
		if kinds != 1 {
			v.errorf(h.Pos, "%s: set exactly one of url, tcp, dns", item)
			kind = ""
		}
		switch kind {
		case "url":
			v.httpURL(item+".url", h.URL, h.Pos)
			v.httpProbe(item, h)
		case "tcp":
			v.hostPort(item+".tcp", h.TCP, h.Pos, "db.example:3306")
		case "dns":
			if !v.bad[item+".dns"] && (!dnsName.MatchString(strings.TrimSpace(h.DNS)) || len(h.DNS) > 253) {
				v.errorf(v.at(item+".dns", h.Pos), "%s.dns must be a host name to resolve, like market.example", item)
			}
		}
		if kind != "" && kind != "url" {
			v.onlyFor(item, httpOnly, "url")
		}
		if kind != "" && kind != "dns" {
			v.onlyFor(item, dnsOnly, "dns")
		}
		if h.Resolver != "" && kind == "dns" {
			v.resolver(item+".resolver", h.Resolver, h.Pos)
		}
		v.healthStates(item, h, kind)
		v.limits(item+".latency", h.Latency, h.Pos)
		v.positive(item+".interval", int64(h.Interval), h.Pos)
		v.positive(item+".timeout", int64(h.Timeout), h.Pos)
	}
}

// httpProbe checks the keys of an HTTP probe.
func (v *validator) httpProbe(item string, h Health) {
	if h.Method != "" {
		v.oneOf(item+".method", strings.ToUpper(h.Method), h.Pos, methods...)
	}
	for j, code := range h.Expect.Status {
		if code < 100 || code > 599 {
			v.errorf(v.at(fmt.Sprintf("%s.expect.status[%d]", item, j), h.Pos),
				"status %d is not an HTTP status: use 100 to 599", code)
		}
	}
	if js := h.Expect.JSON; js != nil && strings.TrimSpace(js.Path) == "" {
		v.required(item+".expect.json", "path", js.Path, v.at(item+".expect.json", h.Pos), ` (like path: "$.db")`)
	} else if js != nil && !strings.HasPrefix(strings.TrimSpace(js.Path), "$") {
		v.errorf(v.at(item+".expect.json.path", v.at(item+".expect.json", h.Pos)),
			`%s.expect.json.path must start with $, like "$.db" or "$.checks[0].status"`, item)
	}
	v.caFile(item, h)
	if h.TLSWarnDays != nil && *h.TLSWarnDays < 0 {
		v.errorf(v.at(item+".tls_warn_days", h.Pos), "tls_warn_days must be 0 (off) or more")
	}
	for name := range h.Headers {
		if name == "" || strings.ContainsAny(name, " :\r\n\t") {
			v.errorf(v.keys[item+".headers."+name], "header name %s is not valid", quote(name))
		}
	}
}

// resolver checks a DNS server address: host:port, or a host (port 53).
func (v *validator) resolver(path, addr string, fallback Pos) {
	addr = strings.TrimSpace(addr)
	if _, _, err := net.SplitHostPort(addr); err == nil {
		v.hostPort(path, addr, fallback, "127.0.0.1:53")
		return
	}
	host := strings.Trim(addr, "[]")
	if v.bad[path] || (host != "" && (net.ParseIP(host) != nil || dnsName.MatchString(host))) {
		return
	}
	v.errorf(v.at(path, fallback), "%s must be a DNS server address, like 127.0.0.1:53 or 1.1.1.1", path)
}

// onlyFor reports keys that were set but mean nothing for this kind of probe.
func (v *validator) onlyFor(item string, keys []string, kind string) {
	for _, k := range keys {
		if v.set(item + "." + k) {
			v.errorf(v.keys[item+"."+k], "%s applies only to %s probes: remove it", k, kind)
		}
	}
}

// ssh checks `warroom serve`'s section.
func (v *validator) ssh() {
	s := v.c.SSH
	if s == nil {
		return
	}
	if s.Listen != "" {
		v.hostPort("ssh.listen", s.Listen, s.Pos, "127.0.0.1:2222 or 0.0.0.0:2222")
	}
	for _, list := range []struct {
		key     string
		entries []string
	}{{"operators", s.Operators}, {"viewers", s.Viewers}} {
		for i, e := range list.entries {
			path := fmt.Sprintf("ssh.%s[%d]", list.key, i)
			switch {
			case strings.TrimSpace(e) == "":
				v.errorf(v.at(path, s.Pos), "%s is empty: give an authorized_keys file or a public key", path)
			case IsInlineKey(e):
				if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(e)); err != nil {
					v.errorf(v.at(path, s.Pos), "%s is not a valid public key (paste a whole line "+
						"of an .pub file, like ssh-ed25519 AAAA… name)", path)
				}
			}
		}
	}
	if len(s.Operators) == 0 && len(s.Viewers) == 0 && !s.AllowAnonymousViewers {
		v.errorf(s.Pos, "ssh: nobody could log in: list keys under operators or viewers, "+
			"or set allow_anonymous_viewers: true")
	}
	v.positive("ssh.max_sessions", int64(s.MaxSessions), s.Pos)
	v.positive("ssh.rate_per_minute", int64(s.RatePerMinute), s.Pos)
	v.positive("ssh.idle_timeout", int64(s.IdleTimeout), s.Pos)
}
