package pgwire

import (
	"strings"
	"testing"
)

// FuzzParseConfig: any DSN either parses or fails with an error that contains neither the
// password nor the DSN; it never panics.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{"@h/db", "@h:1,h:2/db?sslmode=x", "@[::1]:5432/%zz", "@h/db?port=abc&connect_timeout=-1",
		"@/db?host=/tmp", "@h:0/db", "%@h/db?a=%", "@h/?options=-c%20x"} {
		f.Add("Pw-7", s, "host=h port=")
	}
	f.Fuzz(func(t *testing.T, pwTail, urlTail, kvHead string) {
		pw := "Pw-7" + pwTail
		if strings.ContainsAny(pw, "@/?#") {
			return
		}
		for _, dsn := range []string{
			"postgres://u:" + pw + urlTail,
			kvHead + " password='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(pw) + "' " + urlTail,
			kvHead + "password=" + pw,
		} {
			c, err := ParseConfig(dsn)
			if err == nil {
				if c.Port < 1 || c.Port > 65535 || c.SSLMode == "" {
					t.Fatalf("%q parsed to %+v", dsn, *c)
				}
				continue
			}
			msg := err.Error()
			if strings.Contains(msg, pw) || (len(dsn) > 8 && strings.Contains(msg, dsn)) {
				t.Fatalf("error for %q shows the password or the DSN: %s", dsn, msg)
			}
		}
	})
}
