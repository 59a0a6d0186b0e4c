package config

import (
	"fmt"
	"sort"
	"strings"
)

// String returns the position as "LINE:COL".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// IsZero reports whether the position is unset (the value did not come from the file).
func (p Pos) IsZero() bool { return p.Line == 0 && p.Col == 0 }

// before orders positions by line, then column.
func (p Pos) before(q Pos) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Error is one problem in a config file, at the position of the node that causes it.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

// Error returns "FILE:LINE:COL: msg".
func (e Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Errors is every problem found in a config file, sorted by position. Parse and Load
// return it (as an error) when there is at least one.
type Errors []Error

// Error returns one "FILE:LINE:COL: msg" line per problem.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders the errors by position (stable) and drops exact duplicates, for callers that
// add errors of their own (such as gate compile errors) to those of Parse.
func (es Errors) Sort() Errors {
	rank := map[string]int{} // files in the order their first error came
	for _, e := range es {
		if _, ok := rank[e.File]; !ok {
			rank[e.File] = len(rank)
		}
	}
	sort.SliceStable(es, func(i, j int) bool {
		if a, b := rank[es[i].File], rank[es[j].File]; a != b {
			return a < b
		}
		return es[i].Pos.before(es[j].Pos)
	})
	out := es[:0]
	for i, e := range es {
		if i > 0 && e == es[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// report collects errors for one file.
type report struct {
	file string
	errs Errors
}

// errorf adds one error at pos.
func (r *report) errorf(pos Pos, format string, args ...any) {
	file := r.file
	if pos.File != "" {
		file = pos.File
	}
	r.errs = append(r.errs, Error{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// quote shows a value from the file in a message: quoted, escaped, and cut to a bounded
// length so that a huge or hostile value cannot flood the terminal.
func quote(s string) string {
	const limit = 60
	r := []rune(s)
	if len(r) > limit {
		return fmt.Sprintf("%q…", string(r[:limit]))
	}
	return fmt.Sprintf("%q", s)
}
