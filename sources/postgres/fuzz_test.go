package postgres

import (
	"strings"
	"testing"
	"time"
)

// FuzzParsers: the parsers of server text never panic, and a parsed LSN prints back.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"0/3000148", "16/B374D848", "2026-11-22 02:40:00.5+00", "MASTER_SESSION_ID", "", "/", "ffffffff/ffffffff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := parseLSN(s); ok {
			back, ok2 := parseLSN(strings.ToUpper(formatLSN(v)))
			if !ok2 || back != v {
				t.Fatalf("%q → %x → %q", s, v, formatLSN(v))
			}
		}
		parsePGTime(s)
		h := parseAuroraHost(row{"server_id": &s, "session_id": &s, "replica_lag_in_msec": &s, "last_update_timestamp": &s})
		auroraSelf([]auroraHost{h}, s, time.Now())
		_ = RedactDSN(s)
		_ = ParseError(s)
		const pw = "Zq9-secret-pw"
		for _, dsn := range []string{"postgres://u:" + pw + "@" + s + "/db", "postgres://u:" + pw + "@h:" + s + "/db?x=" + s,
			"host=" + s + " user=u password=" + pw} {
			if err := ParseError(dsn); err != nil && strings.Contains(err.Error(), pw) {
				t.Fatalf("%q: the password shows: %v", dsn, err)
			}
			if strings.Contains(RedactDSN(dsn), pw) {
				t.Fatalf("%q: RedactDSN shows the password: %s", dsn, RedactDSN(dsn))
			}
		}
		_ = classify(s, s, s)
	})
}

func formatLSN(v uint64) string {
	const hex = "0123456789abcdef"
	part := func(x uint64) string {
		if x == 0 {
			return "0"
		}
		var b []byte
		for ; x > 0; x >>= 4 {
			b = append([]byte{hex[x&15]}, b...)
		}
		return string(b)
	}
	return part(v>>32) + "/" + part(v&0xffffffff)
}
