package config

import (
	"path/filepath"
	"strings"
	"time"
)

// The documented defaults (docs/config.md).
const (
	DefaultInterval        = Duration(5 * time.Second)
	DefaultTimeout         = Duration(3 * time.Second)
	DefaultWindow          = Duration(time.Hour)
	DefaultDatadogSite     = "datadoghq.com"
	DefaultDatadogInterval = Duration(30 * time.Second)
	DefaultDatadogTimeout  = Duration(10 * time.Second)
	DefaultMethod          = "GET"
	DefaultTLSWarnDays     = 14
	DefaultSSHListen       = "127.0.0.1:2222"
	DefaultMaxSessions     = 200
	DefaultIdleTimeout     = Duration(12 * time.Hour)
	DefaultRatePerMinute   = 60
	DefaultJournal         = "warroom.journal"
)

// applyDefaults fills every unset value that has a default.
func applyDefaults(c *Config, env Env) {
	def := &c.Defaults
	orDuration(&def.Interval, DefaultInterval)
	orDuration(&def.Timeout, DefaultTimeout)
	orDuration(&def.Window, DefaultWindow)
	parityDefaults(c)
	if dd := c.Datadog; dd != nil {
		if dd.Site == "" {
			dd.Site = DefaultDatadogSite
			if site, ok := env("DD_SITE"); ok && strings.TrimSpace(site) != "" {
				dd.Site = strings.TrimSpace(site)
			}
		}
		orDuration(&dd.Interval, DefaultDatadogInterval)
		orDuration(&dd.Timeout, DefaultDatadogTimeout)
		orDuration(&dd.Window, def.Window)
	}
	for i := range c.Health {
		h := &c.Health[i]
		h.Method = strings.ToUpper(h.Method)
		if h.Method == "" {
			h.Method = DefaultMethod
		}
		if h.TLSWarnDays == nil {
			days := DefaultTLSWarnDays
			h.TLSWarnDays = &days
		}
		orDuration(&h.Interval, def.Interval)
		orDuration(&h.Timeout, def.Timeout)
	}
	for i := range c.Databases {
		db := &c.Databases[i]
		orDuration(&db.Interval, def.Interval)
		orDuration(&db.Timeout, def.Timeout)
		if hb := db.Heartbeat; hb != nil && hb.UTC == nil {
			utc := true
			hb.UTC = &utc
		}
	}
	if s := c.SSH; s != nil {
		*s = s.WithDefaults()
	}
	notifyDefaults(c)
	if c.Runsheet.Journal == "" {
		c.Runsheet.Journal = DefaultJournal
	}
}

// WithDefaults returns s with every unset (zero) value given its default; a negative one is
// left for validation to report. Load applies it; `serve` applies it again for a config
// without an ssh section.
func (s SSH) WithDefaults() SSH {
	if s.Listen == "" {
		s.Listen = DefaultSSHListen
	}
	if s.MaxSessions == 0 {
		s.MaxSessions = DefaultMaxSessions
	}
	if s.IdleTimeout == 0 {
		s.IdleTimeout = DefaultIdleTimeout
	}
	if s.RatePerMinute == 0 {
		s.RatePerMinute = DefaultRatePerMinute
	}
	return s
}

func orDuration(d *Duration, def Duration) {
	if *d == 0 {
		*d = def
	}
}

// resolvePaths makes every file path in the config absolute, against the config's folder;
// "~/" is the home directory ($HOME).
func resolvePaths(c *Config, env Env) {
	c.Runsheet.Journal = resolve(c.Dir, c.Runsheet.Journal, env)
	c.Runsheet.From.File = resolve(c.Dir, c.Runsheet.From.File, env)
	for i := range c.Health {
		c.Health[i].CAFile = resolve(c.Dir, c.Health[i].CAFile, env)
	}
	resolveRecordPaths(c, env)
	if s := c.SSH; s != nil {
		if s.HostKey != "" {
			s.HostKey = resolve(c.Dir, s.HostKey, env)
		}
		for _, list := range [][]string{s.Operators, s.Viewers} {
			for i, k := range list {
				if !IsInlineKey(k) {
					list[i] = resolve(c.Dir, k, env)
				}
			}
		}
	}
}

// resolve makes one path absolute.
func resolve(dir, path string, env Env) string {
	path = strings.TrimSpace(path)
	if path == "~" || strings.HasPrefix(path, "~/") {
		if home, ok := env("HOME"); ok && home != "" {
			return filepath.Join(home, path[1:])
		}
	}
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// keyTypes are the OpenSSH public key types an inline key starts with.
var keyTypes = map[string]bool{
	"ssh-ed25519": true, "ssh-rsa": true, "ssh-dss": true,
	"ecdsa-sha2-nistp256": true, "ecdsa-sha2-nistp384": true, "ecdsa-sha2-nistp521": true,
	"sk-ssh-ed25519@openssh.com": true, "sk-ecdsa-sha2-nistp256@openssh.com": true,
}

// IsInlineKey reports whether an ssh.operators or ssh.viewers entry is a public key written
// inline in authorized_keys format ("ssh-ed25519 AAAA… comment", options allowed before the
// type) rather than the path of an authorized_keys file.
func IsInlineKey(entry string) bool {
	for _, field := range strings.Fields(entry) {
		if keyTypes[field] {
			return true
		}
	}
	return false
}
