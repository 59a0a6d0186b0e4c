package config

import (
	"fmt"
	"strings"
)

// Env looks up an environment variable; os.LookupEnv is one.
type Env func(name string) (string, bool)

// expansion is the result of interpolating one scalar.
type expansion struct {
	text string   // the value with every ${...} replaced
	vars []string // the variables it used: the value may hold a secret and is never shown
	errs []string // what went wrong, in words; never containing a variable's value
}

// interpolate replaces ${VAR} and ${VAR:-default} in s with values from env. "$$" is a
// literal "$"; a "$" followed by anything else is kept as it is (so "$.db" stays). A
// default is used when the variable is unset or empty and cannot contain "}".
func interpolate(s string, env Env) expansion {
	if !strings.Contains(s, "$") {
		return expansion{text: s}
	}
	var x expansion
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c != '$' || i+1 == len(s):
			b.WriteByte(c)
			i++
		case s[i+1] == '$':
			b.WriteByte('$')
			i += 2
		case s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				x.errs = append(x.errs, "unclosed ${: close it with } or write $${ for a literal ${")
				b.WriteString(s[i:])
				i = len(s)
				continue
			}
			b.WriteString(x.lookup(s[i+2:i+2+end], env))
			i += end + 3
		default:
			b.WriteByte(c)
			i++
		}
	}
	x.text = b.String()
	return x
}

// lookup resolves the inside of one ${...}.
func (x *expansion) lookup(inner string, env Env) string {
	name, def, hasDef := strings.Cut(inner, ":-")
	if msg := checkVarName(name); msg != "" {
		x.errs = append(x.errs, msg)
		return ""
	}
	x.vars = append(x.vars, name)
	val, ok := env(name)
	if hasDef && val == "" {
		return def
	}
	if !ok {
		x.errs = append(x.errs, fmt.Sprintf(
			"environment variable %s is not set (use ${%s:-default} for a default)", name, name))
	}
	return val
}

// checkVarName says what is wrong with a variable name, or "" when it is fine.
func checkVarName(name string) string {
	if name == "" {
		return "empty ${}: write ${NAME} or ${NAME:-default}"
	}
	for i, r := range name {
		ok := r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')
		if ok {
			continue
		}
		if r == '-' || r == ':' || r == '?' || r == '=' {
			return fmt.Sprintf("%s: write ${NAME} or ${NAME:-default} (only the :- form is supported)",
				quote("${"+name+"}"))
		}
		return fmt.Sprintf("invalid variable name %s in ${...}: use letters, digits and _", quote(name))
	}
	return ""
}
