package parity

import (
	"fmt"
	"strings"
)

// dialect is what differs in the walk's SQL between MySQL/MariaDB and PostgreSQL: quoting,
// placeholders, the row hash and its 64-bit checksum, how key values are read back, and
// where the columns are listed. The walk (walk.go) and the statements (query.go) are the same.
type dialect interface {
	// quote quotes one identifier.
	quote(ident string) string
	// param is the n-th (1-based) placeholder of a statement.
	param(n int) string
	// rowHash is the hex MD5 of the compared columns joined with '#', followed by their NULL
	// flags (so that NULL and an empty string differ).
	rowHash(cols []string) string
	// xor64 is the aggregate XOR of the first 64 bits of each row's hash (0 for no rows).
	xor64(hash string) string
	// keyText reads the i-th key column as text (the form placed back into later
	// statements), under a name of its own so that ORDER BY still means the column.
	keyText(col string, i int) string
	// columnsQuery lists a table's columns in order; its parameters are schema and table.
	columnsQuery() string
}

// mysqlDialect is MySQL, MariaDB and Aurora MySQL.
type mysqlDialect struct{}

func (mysqlDialect) quote(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func (mysqlDialect) param(int) string { return "?" }

func (mysqlDialect) rowHash(cols []string) string {
	nulls := make([]string, len(cols))
	for i, c := range cols {
		nulls[i] = "ISNULL(" + c + ")"
	}
	return "MD5(CONCAT_WS('#', " + strings.Join(cols, ", ") + ", CONCAT(" + strings.Join(nulls, ", ") + ")))"
}

func (mysqlDialect) xor64(hash string) string {
	return "COALESCE(BIT_XOR(CAST(CONV(SUBSTRING(" + hash + ", 1, 16), 16, 10) AS UNSIGNED)), 0)"
}

func (mysqlDialect) keyText(col string, _ int) string { return col }

func (mysqlDialect) columnsQuery() string {
	return "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION"
}

// postgresDialect is PostgreSQL 14 and later (bit_xor came in 14). Each column is hashed in
// its text form (col::text), so the hash does not depend on the client's type handling.
type postgresDialect struct{}

func (postgresDialect) quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (postgresDialect) param(n int) string { return fmt.Sprintf("$%d", n) }

func (postgresDialect) rowHash(cols []string) string {
	texts := make([]string, len(cols))
	nulls := make([]string, len(cols))
	for i, c := range cols {
		texts[i] = c + "::text"
		nulls[i] = "(" + c + " IS NULL)::int"
	}
	return "md5(concat_ws('#', " + strings.Join(texts, ", ") + ", concat(" + strings.Join(nulls, ", ") + ")))"
}

func (postgresDialect) xor64(hash string) string {
	return "COALESCE(bit_xor(('x' || substr(" + hash + ", 1, 16))::bit(64)::bigint), 0)"
}

func (postgresDialect) keyText(col string, i int) string {
	return fmt.Sprintf("%s::text AS k%d_text", col, i)
}

func (postgresDialect) columnsQuery() string {
	return "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position"
}

// minPostgres is the oldest PostgreSQL (server_version_num) with bit_xor, which the
// checksum needs; older servers get counts and key bounds only.
const minPostgres = 140000

// Engines, as the databases: entries decide them.
const (
	engineMySQL    = "mysql"
	enginePostgres = "postgres"
)

// Methods, as the method fact says them.
const (
	methodChecksum = "checksum"
	methodCounts   = "counts"
)

// dialectOf is the engine's dialect.
func dialectOf(engine string) dialect {
	if engine == enginePostgres {
		return postgresDialect{}
	}
	return mysqlDialect{}
}

// engineName is the engine as said on the board.
func engineName(engine string) string {
	if engine == enginePostgres {
		return "PostgreSQL"
	}
	return "MySQL/MariaDB"
}

// methodFor decides how two sides are compared: a checksum walk when both speak the same
// SQL (and PostgreSQL is new enough), else counts and key bounds only, with the reason.
func methodFor(oldEngine, newEngine string, pgVersions ...int) (method, why string) {
	if oldEngine != newEngine {
		return methodCounts, fmt.Sprintf("counts only: %s → %s, row hashes are not comparable across engines",
			engineName(oldEngine), engineName(newEngine))
	}
	for _, v := range pgVersions {
		if v > 0 && v < minPostgres {
			return methodCounts, fmt.Sprintf("counts only: PostgreSQL %s has no bit_xor (the checksum walk needs 14 or later)", pgVersion(v))
		}
	}
	return methodChecksum, ""
}

// pgVersion writes a server_version_num: 130012 → 13.12, 90624 → 9.6.
func pgVersion(v int) string {
	if v >= 100000 {
		return fmt.Sprintf("%d.%d", v/10000, v%10000)
	}
	return fmt.Sprintf("%d.%d", v/10000, v/100%100)
}
