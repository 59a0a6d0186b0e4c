package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

// The dialects, as the dialect fact names them.
const (
	dialectPostgres = "postgres"
	dialectAurora   = "aurora"
)

// serverInfo is what warroom learns about a server when it connects.
type serverInfo struct {
	Dialect string
	Version string // version() (Aurora: with the Aurora version)
	Num     int    // server_version_num: 150004 for 15.4
}

// detect finds the server's version and whether it is Aurora PostgreSQL.
func detect(ctx context.Context, c *pgwire.Conn) (*serverInfo, error) {
	rows, err := queryRows(ctx, c, "SELECT version() AS version, current_setting('server_version_num') AS num, "+
		"to_regproc('aurora_version') IS NOT NULL AS aurora")
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errors.New("the server did not report its version")
	}
	info := classify(rows[0].str("version"), rows[0].str("num"), "")
	if rows[0].is("aurora") {
		if rows, err = queryRows(ctx, c, "SELECT aurora_version() AS v"); err == nil && len(rows) > 0 {
			info = classify(info.Version, strconv.Itoa(info.Num), rows[0].str("v"))
		}
	}
	return info, nil
}

// classify turns version(), server_version_num and aurora_version() into a serverInfo.
func classify(version, num, aurora string) *serverInfo {
	n, _ := strconv.Atoi(strings.TrimSpace(num))
	v := version
	if f := strings.Fields(version); len(f) >= 2 && f[0] == "PostgreSQL" {
		v = f[1] // "PostgreSQL 15.4 (Debian 15.4-1) on x86_64…" → "15.4"
	}
	info := &serverInfo{Dialect: dialectPostgres, Version: clip(v, 80), Num: n}
	if aurora != "" {
		info.Dialect = dialectAurora
		info.Version = clip(v+" (Aurora "+aurora+")", 80)
	}
	return info
}
