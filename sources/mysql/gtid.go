package mysql

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// maxGTIDEntries bounds a GTID list or set from a server.
const maxGTIDEntries = 4096

// mariaGTID is one MariaDB GTID, domain-server_id-sequence.
type mariaGTID struct {
	Domain uint32
	Server uint32
	Seq    uint64
}

func (g mariaGTID) String() string { return fmt.Sprintf("%d-%d-%d", g.Domain, g.Server, g.Seq) }

// pair is the (domain, server_id) a GTID was originated in.
func (g mariaGTID) pair() string { return fmt.Sprintf("%d-%d", g.Domain, g.Server) }

// parseMariaGTIDs reads a MariaDB GTID list ("0-1-7,1-11-4521"), as @@gtid_binlog_state,
// @@gtid_binlog_pos, @@gtid_slave_pos and Gtid_IO_Pos print it.
func parseMariaGTIDs(s string) ([]mariaGTID, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxGTIDEntries {
		return nil, fmt.Errorf("GTID list has more than %d entries", maxGTIDEntries)
	}
	out := make([]mariaGTID, 0, len(parts))
	for _, p := range parts {
		f := strings.Split(strings.TrimSpace(p), "-")
		if len(f) != 3 {
			return nil, fmt.Errorf("GTID %q is not domain-server-sequence", clip(p, 40))
		}
		d, err1 := strconv.ParseUint(f[0], 10, 32)
		sv, err2 := strconv.ParseUint(f[1], 10, 32)
		q, err3 := strconv.ParseUint(f[2], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("GTID %q is not domain-server-sequence", clip(p, 40))
		}
		out = append(out, mariaGTID{Domain: uint32(d), Server: uint32(sv), Seq: q})
	}
	return out, nil
}

// mariaNotIn returns the GTIDs of have whose (domain, server_id) other lacks, or has only with
// a lower sequence number: transactions have holds that other never saw. With only set, it
// looks at GTIDs originated by that server_id alone. The result is sorted.
func mariaNotIn(have, other []mariaGTID, only *uint32) []mariaGTID {
	best := make(map[[2]uint32]uint64, len(other))
	for _, g := range other {
		k := [2]uint32{g.Domain, g.Server}
		if q, ok := best[k]; !ok || g.Seq > q {
			best[k] = g.Seq
		}
	}
	var out []mariaGTID
	for _, g := range have {
		if only != nil && g.Server != *only {
			continue
		}
		if q, ok := best[[2]uint32{g.Domain, g.Server}]; ok && q >= g.Seq {
			continue
		}
		out = append(out, g)
	}
	sortGTIDs(out)
	return out
}

// mariaCovers reports whether applied has reached every domain of pos (sequence numbers grow
// within a domain, as gtid_strict_mode guarantees).
func mariaCovers(applied, pos []mariaGTID) bool {
	reached := make(map[uint32]uint64, len(applied))
	for _, g := range applied {
		if q, ok := reached[g.Domain]; !ok || g.Seq > q {
			reached[g.Domain] = g.Seq
		}
	}
	for _, g := range pos {
		if q, ok := reached[g.Domain]; !ok || q < g.Seq {
			return false
		}
	}
	return true
}

// mariaLocal returns the GTIDs of current_pos that differ from slave_pos in their domain:
// transactions this server originated after the last one it replicated.
func mariaLocal(current, slave []mariaGTID) []mariaGTID {
	bySlave := make(map[uint32]mariaGTID, len(slave))
	for _, g := range slave {
		bySlave[g.Domain] = g
	}
	var out []mariaGTID
	for _, g := range current {
		if s, ok := bySlave[g.Domain]; ok && s == g {
			continue
		}
		out = append(out, g)
	}
	sortGTIDs(out)
	return out
}

func sortGTIDs(gs []mariaGTID) {
	sort.Slice(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if a.Domain != b.Domain {
			return a.Domain < b.Domain
		}
		if a.Server != b.Server {
			return a.Server < b.Server
		}
		return a.Seq < b.Seq
	})
}

// gtidPart is the part of a MySQL GTID set that one source UUID originated:
// "3e11fa47-71ca-11e1-9e33-c80aa9429562:23-25:27".
type gtidPart struct {
	UUID string // lower case
	Text string // the whole part, as the server printed it (spaces removed)
}

// parseMySQLGTIDSet splits a MySQL GTID set into its per-UUID parts and checks its syntax:
// UUID(:tag)?(:N(-M)?)+ (tags since MySQL 8.3).
func parseMySQLGTIDSet(s string) ([]gtidPart, error) {
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxGTIDEntries {
		return nil, fmt.Errorf("GTID set has more than %d parts", maxGTIDEntries)
	}
	out := make([]gtidPart, 0, len(parts))
	for _, p := range parts {
		f := strings.Split(p, ":")
		if len(f) < 2 || !isUUID(f[0]) {
			return nil, fmt.Errorf("GTID set part %q does not start with a server UUID", clip(p, 60))
		}
		for _, iv := range f[1:] {
			if !isInterval(iv) && !isTag(iv) {
				return nil, fmt.Errorf("GTID set part %q: %q is not an interval", clip(p, 60), clip(iv, 30))
			}
		}
		out = append(out, gtidPart{UUID: strings.ToLower(f[0]), Text: p})
	}
	return out, nil
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

func isInterval(s string) bool {
	lo, hi, ok := strings.Cut(s, "-")
	a, err := strconv.ParseUint(lo, 10, 64)
	if err != nil || a == 0 {
		return false
	}
	if !ok {
		return true
	}
	b, err := strconv.ParseUint(hi, 10, 64)
	return err == nil && b >= a
}

func isTag(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}
