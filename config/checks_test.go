package config

import (
	"strings"
	"testing"
)

// validate refuses what the sources would refuse (issue 11): DSN parameters the MySQL driver
// rejects, ports above 65535; and a byte order mark is not part of the first key.
func TestValidateRefusesWhatCheckRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, src, pos, want string
		vars                 map[string]string
	}{
		{name: "tls=bogus", src: "databases:\n  - name: d\n    dsn: 'u:Hunter2pw@tcp(127.0.0.1:3306)/db?tls=bogus'\n",
			pos: "3:10", want: `databases[0].dsn: the MySQL driver refuses its parameter "tls": invalid value / unknown config name: bogus (tls is true, false, skip-verify or preferred)`},
		{name: "tls=bogus from the environment", src: "databases:\n  - name: d\n    dsn: ${DSN}\n",
			vars: map[string]string{"DSN": "u:Hunter2pw@tcp(127.0.0.1:3306)/db?tls=bogus"},
			pos:  "3:10", want: `the MySQL driver refuses its parameter "tls": invalid value / unknown config name: … (tls is`},
		{name: "timeout", src: "databases:\n  - name: d\n    dsn: 'u:Hunter2pw@tcp(h:3306)/db?timeout=5&parseTime=true'\n",
			pos: "3:10", want: `parameter "timeout": time: missing unit in duration "5" (a duration like 5s)`},
		{name: "dsn port", src: "databases:\n  - name: d\n    dsn: 'u:Hunter2pw@tcp(127.0.0.1:70000)/db'\n",
			pos: "3:10", want: "databases[0].dsn: port 70000 in tcp(…) is not a port: use 1 to 65535"},
		{name: "url port", src: "health:\n  - name: a\n    url: http://127.0.0.1:99999/healthz\n",
			pos: "3:10", want: "health[0].url: port 99999 is not a port: use 1 to 65535"},
		{name: "datadog url port", src: "datadog:\n  api_key: k\n  app_key: k\n  url: https://127.0.0.1:65536\nmetrics:\n  - {name: m, query: 'avg:x{*}'}\n",
			pos: "4:8", want: "datadog.url: port 65536 is not a port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := parseErrors(t, tc.src, tc.vars)
			found := false
			for _, e := range es {
				if strings.Contains(e.Error(), "Hunter2pw") {
					t.Errorf("the password is in %q", e.Error())
				}
				if strings.Contains(e.Msg, tc.want) && e.Pos.String() == tc.pos {
					found = true
				}
			}
			if !found {
				t.Errorf("errors %v, want %q at %s", es, tc.want, tc.pos)
			}
		})
	}
}

func TestByteOrderMarkIsSkipped(t *testing.T) {
	c := mustParse(t, "\ufefftitle: with a BOM\nhealth:\n  - {name: a, url: 'http://127.0.0.1:8080/'}\n", nil)
	if c.Title != "with a BOM" {
		t.Fatalf("title = %q", c.Title)
	}
	es := parseErrors(t, "\ufefftitle: x\nintervl: 5s\n", nil)
	if len(es) != 1 || es[0].Pos.String() != "2:1" || strings.Contains(es[0].Msg, "\ufeff") {
		t.Fatalf("errors after a BOM: %v", es)
	}
}
