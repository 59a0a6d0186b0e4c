package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Parity compares one table on two databases: counts and key bounds every interval, and a
// chunked checksum walk over the key range, computed on the servers.
type Parity struct {
	Name    string   `yaml:"name"`
	Old     string   `yaml:"old"`     // a databases: entry: the side that is the truth
	New     string   `yaml:"new"`     // a databases: entry: the side checked against it
	Table   string   `yaml:"table"`   // schema.table
	Key     []string `yaml:"key"`     // a unique, ordered key; several columns for a composite one
	Columns []string `yaml:"columns"` // the columns compared; default all but the excluded
	Exclude []string `yaml:"exclude"` // columns never compared (updated_at)
	Where   string   `yaml:"where"`   // the rows in scope, an SQL condition
	Chunk   int      `yaml:"chunk"`   // rows per checksum chunk; default 1000
	// ChunksPerPoll bounds the walk's work per poll; default 100.
	ChunksPerPoll int      `yaml:"chunks_per_poll"`
	MaxLag        Duration `yaml:"max_lag"` // pause the walk while new lags more; default 5s
	Interval      Duration `yaml:"interval"`
	Timeout       Duration `yaml:"timeout"`
	Pos           Pos      `yaml:"-"`
}

// The parity defaults.
const (
	DefaultParityChunk    = 1000
	DefaultChunksPerPoll  = 100
	DefaultParityInterval = Duration(30 * time.Second)
	DefaultParityMaxLag   = Duration(5 * time.Second)
	DefaultParityTimeout  = Duration(10 * time.Second)
)

var (
	sqlIdent  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,63}$`)
	qualified = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,63}\.[A-Za-z_][A-Za-z0-9_$]{0,63}$`)
	// whereBreaks are what would end the condition early or take locks in the walk's queries.
	whereBreaks = regexp.MustCompile(`(?i);|--|/\*|#|\bfor\s+update\b|\block\s+in\s+share\s+mode\b|\bfor\s+share\b`)
)

// parity checks the parity entries: names, the two databases, identifiers and limits.
func (v *validator) parity() {
	for i, p := range v.c.Parity {
		if p.Pos.IsZero() {
			continue
		}
		item := fmt.Sprintf("parity[%d]", i)
		v.required(item, "name", p.Name, p.Pos, "")
		v.name(item, p.Name, p.Pos)
		v.required(item, "old", p.Old, p.Pos, " (the databases: entry of the old side)")
		v.required(item, "new", p.New, p.Pos, " (the databases: entry of the new side)")
		for _, side := range []struct{ key, db string }{{"old", p.Old}, {"new", p.New}} {
			if side.db != "" {
				v.reference(v.at(item+"."+side.key, p.Pos), "database", side.db, v.dbs)
			}
		}
		if p.Old != "" && p.Old == p.New {
			v.errorf(v.at(item+".new", p.Pos), "%s: old and new are the same database", item)
		}
		v.required(item, "table", p.Table, p.Pos, " (like table: market.orders)")
		if p.Table != "" && !qualified.MatchString(p.Table) {
			v.errorf(v.at(item+".table", p.Pos), "%s.table must be schema.table, like market.orders", item)
		}
		if len(p.Key) == 0 && !v.bad[item+".key"] {
			v.errorf(v.at(item+".key", p.Pos), "%s: key is required: a unique, ordered key like key: id (or key: [shop_id, id])", item)
		}
		for list, cols := range map[string][]string{"key": p.Key, "columns": p.Columns, "exclude": p.Exclude} {
			for j, c := range cols {
				if !sqlIdent.MatchString(c) {
					v.errorf(v.at(fmt.Sprintf("%s.%s[%d]", item, list, j), v.at(item+"."+list, p.Pos)),
						"%s.%s: %s is not a column name (letters, digits, _ and $)", item, list, quote(c))
				}
			}
		}
		if strings.TrimSpace(p.Where) != "" && whereBreaks.MatchString(p.Where) {
			v.errorf(v.at(item+".where", p.Pos), "%s.where must be one condition on the table's rows "+
				"(no ;, comments or locking clauses: the walk must never block writers)", item)
		}
		if v.set(item+".chunk") && (p.Chunk < 10 || p.Chunk > 100_000) {
			v.errorf(v.at(item+".chunk", p.Pos), "%s.chunk must be from 10 to 100000 rows", item)
		}
		if v.set(item+".chunks_per_poll") && (p.ChunksPerPoll < 1 || p.ChunksPerPoll > 10_000) {
			v.errorf(v.at(item+".chunks_per_poll", p.Pos), "%s.chunks_per_poll must be from 1 to 10000", item)
		}
		v.positive(item+".max_lag", int64(p.MaxLag), p.Pos)
		v.positive(item+".interval", int64(p.Interval), p.Pos)
		v.positive(item+".timeout", int64(p.Timeout), p.Pos)
	}
}

// parityDefaults fills in what a parity entry leaves out.
func parityDefaults(c *Config) {
	for i := range c.Parity {
		p := &c.Parity[i]
		if p.Chunk == 0 {
			p.Chunk = DefaultParityChunk
		}
		if p.ChunksPerPoll == 0 {
			p.ChunksPerPoll = DefaultChunksPerPoll
		}
		orDuration(&p.MaxLag, DefaultParityMaxLag)
		orDuration(&p.Interval, DefaultParityInterval)
		orDuration(&p.Timeout, DefaultParityTimeout)
	}
}
