package health

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The JSON path language of `expect.json.path`, deliberately small:
//
//	path  = "$" { step }
//	step  = "." name | "[" index "]" | "[" quoted "]"
//	name  = one or more of A-Z a-z 0-9 _ -
//	index = an integer; negative counts from the end ([-1] is the last item)
//	quoted = a key in double or single quotes; \" \' and \\ escape
//
// Examples: $ (the whole body), $.db, $.checks[0].status, $["x.y"], $.items[-1].
const (
	maxPathLen   = 512
	maxPathSteps = 64
)

// step is one move into a JSON value: a key of an object, or an index of an array.
type step struct {
	key     string
	index   int
	isIndex bool
}

// jsonPath is a parsed path: the steps after "$".
type jsonPath []step

// parsePath reads a path; the error says where and what is wrong.
func parsePath(s string) (jsonPath, error) {
	if len(s) > maxPathLen {
		return nil, fmt.Errorf("json path is longer than %d characters", maxPathLen)
	}
	if !strings.HasPrefix(s, "$") {
		return nil, errors.New(`json path must start with "$" (for example "$.db")`)
	}
	var p jsonPath
	for i := 1; i < len(s); {
		if len(p) == maxPathSteps {
			return nil, fmt.Errorf("json path has more than %d steps", maxPathSteps)
		}
		var (
			st  step
			err error
		)
		switch s[i] {
		case '.':
			st, i, err = parseName(s, i+1)
		case '[':
			st, i, err = parseBracket(s, i+1)
		default:
			err = fmt.Errorf("json path: expected . or [ at column %d, found %q", i+1, s[i])
		}
		if err != nil {
			return nil, err
		}
		p = append(p, st)
	}
	return p, nil
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func parseName(s string, i int) (step, int, error) {
	j := i
	for j < len(s) && isNameByte(s[j]) {
		j++
	}
	if j == i {
		return step{}, 0, fmt.Errorf(`json path: expected a name after "." at column %d (quote other keys: ["a key"])`, i+1)
	}
	return step{key: s[i:j]}, j, nil
}

func parseBracket(s string, i int) (step, int, error) {
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		return parseQuoted(s, i)
	}
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j >= len(s) || s[j] != ']' {
		return step{}, 0, fmt.Errorf("json path: expected an index or a quoted key and ] at column %d", i+1)
	}
	n, err := strconv.Atoi(s[i:j])
	if err != nil || n > 1<<30 || n < -(1<<30) {
		return step{}, 0, fmt.Errorf("json path: bad index %q at column %d", s[i:j], i+1)
	}
	return step{index: n, isIndex: true}, j + 1, nil
}

func parseQuoted(s string, i int) (step, int, error) {
	quote := s[i]
	var key strings.Builder
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '\\' && j+1 < len(s) && (s[j+1] == '\\' || s[j+1] == '"' || s[j+1] == '\''):
			key.WriteByte(s[j+1])
			j++
		case c == quote:
			if j+1 >= len(s) || s[j+1] != ']' {
				return step{}, 0, fmt.Errorf("json path: expected ] after the quoted key at column %d", j+2)
			}
			return step{key: key.String()}, j + 2, nil
		default:
			key.WriteByte(c)
		}
	}
	return step{}, 0, fmt.Errorf("json path: unterminated quoted key starting at column %d", i+1)
}

// String writes the path back in the form parsePath reads.
func (p jsonPath) String() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, st := range p {
		switch {
		case st.isIndex:
			b.WriteString("[" + strconv.Itoa(st.index) + "]")
		case st.key != "" && strings.IndexFunc(st.key, func(r rune) bool { return r > 0x7f || !isNameByte(byte(r)) }) < 0:
			b.WriteString("." + st.key)
		default:
			r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
			b.WriteString(`["` + r.Replace(st.key) + `"]`)
		}
	}
	return b.String()
}

// lookup walks v (as decoded by encoding/json) along p. When a step finds nothing, the
// error says which step and why, in the path's own words.
func (p jsonPath) lookup(v any) (any, error) {
	for n, st := range p {
		at := p[:n].String()
		switch cur := v.(type) {
		case map[string]any:
			if st.isIndex {
				return nil, fmt.Errorf("%s is an object, not an array", at)
			}
			next, ok := cur[st.key]
			if !ok {
				return nil, fmt.Errorf("%s has no key %q", at, clean(st.key, 60))
			}
			v = next
		case []any:
			if !st.isIndex {
				return nil, fmt.Errorf("%s is an array, not an object", at)
			}
			i := st.index
			if i < 0 {
				i += len(cur)
			}
			if i < 0 || i >= len(cur) {
				return nil, fmt.Errorf("%s has %d items, no [%d]", at, len(cur), st.index)
			}
			v = cur[i]
		default:
			return nil, fmt.Errorf("%s is %s, not an object or array", at, jsonKind(cur))
		}
	}
	return v, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	}
	return "a value"
}
