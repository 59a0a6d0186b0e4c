package config

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// scalar is one single value from the file, after ${VAR} interpolation.
type scalar struct {
	node ast.Node
	text string
	pos  Pos
	vars []string // environment variables it came from: the text may be a secret
}

// show names the value in a message: its text, or the variables when it holds any.
func (s scalar) show() string {
	if len(s.vars) > 0 {
		return "from ${" + strings.Join(s.vars, "}, ${") + "}"
	}
	return quote(s.text)
}

// scalarOf reads a scalar node, interpolating strings. It reports an error and returns
// false when n is not a scalar or its interpolation fails.
func (d *decoder) scalarOf(n ast.Node, path, want string) (scalar, bool) {
	s := scalar{node: n, pos: nodePos(n)}
	raw, isString := "", false
	switch t := n.(type) {
	case *ast.StringNode:
		raw, isString = t.Value, true
	case *ast.LiteralNode:
		if t.Value != nil {
			raw = t.Value.Value
		}
		isString = true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		s.text = n.GetToken().Value
		return s, true
	default:
		d.errorf(s.pos, "%s: expected %s, got %s", describe(path), want, kindOf(n))
		return s, false
	}
	if !isString {
		return s, true
	}
	x := interpolate(raw, d.env)
	for _, msg := range x.errs {
		d.errorf(s.pos, "%s", msg)
	}
	s.text, s.vars = x.text, x.vars
	if len(x.vars) > 0 {
		d.secret[path] = true
	}
	return s, len(x.errs) == 0
}

// scalarInto sets a string, bool, integer or float field from a scalar.
func (d *decoder) scalarInto(n ast.Node, v reflect.Value, path string) {
	want := map[reflect.Kind]string{
		reflect.String: "a string", reflect.Bool: "true or false", reflect.Float64: "a number",
	}[v.Kind()]
	if want == "" {
		want = "a whole number"
	}
	s, ok := d.scalarOf(n, path, want)
	if !ok {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s.text)
	case reflect.Bool:
		b, ok := s.boolean()
		if !ok {
			d.errorf(s.pos, "expected true or false, got %s", s.show())
			return
		}
		v.SetBool(b)
	case reflect.Float64:
		f, err := s.float()
		if err != "" {
			d.errorf(s.pos, "%s", err)
			return
		}
		v.SetFloat(f)
	case reflect.Int, reflect.Int64, reflect.Int32:
		i, ok := s.integer()
		if !ok || v.OverflowInt(i) {
			d.errorf(s.pos, "expected a whole number, got %s", s.show())
			return
		}
		v.SetInt(i)
	default:
		d.errorf(s.pos, "%s: this field cannot be set from the file", describe(path))
	}
}

func (s scalar) boolean() (bool, bool) {
	if b, ok := s.node.(*ast.BoolNode); ok {
		return b.Value, true
	}
	switch strings.ToLower(strings.TrimSpace(s.text)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func (s scalar) integer() (int64, bool) {
	if n, ok := s.node.(*ast.IntegerNode); ok {
		switch v := n.Value.(type) {
		case int64:
			return v, true
		case uint64:
			return int64(v), v <= math.MaxInt64
		}
	}
	i, err := strconv.ParseInt(strings.TrimSpace(s.text), 10, 64)
	return i, err == nil
}

// float parses a finite number; the string is what went wrong, or "".
func (s scalar) float() (float64, string) {
	var f float64
	switch n := s.node.(type) {
	case *ast.IntegerNode:
		i, ok := s.integer()
		if !ok {
			return 0, "expected a number, got " + s.show()
		}
		f = float64(i)
	case *ast.FloatNode:
		f = n.Value
	default:
		text := strings.ToLower(strings.TrimSpace(s.text))
		if strings.TrimLeft(text, "+-") == ".inf" || text == ".nan" {
			return 0, "expected a finite number, got " + s.show()
		}
		var err error
		f, err = strconv.ParseFloat(text, 64)
		if err != nil && !math.IsInf(f, 0) {
			return 0, "expected a number, got " + s.show()
		}
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, "expected a finite number, got " + s.show()
	}
	return f, ""
}

// duration sets a Duration field from text like "5s", "250ms" or "2m30s".
func (d *decoder) duration(n ast.Node, v reflect.Value, path string) {
	s, ok := d.scalarOf(n, path, "a duration like 5s")
	if !ok {
		return
	}
	text := strings.TrimSpace(s.text)
	dur, err := time.ParseDuration(text)
	switch {
	case err != nil && isNumber(text):
		d.errorf(s.pos, "duration %s has no unit: write it like 5s, 250ms or 2m30s", s.show())
	case err != nil:
		d.errorf(s.pos, "duration %s: write it like 5s, 250ms or 2m30s", s.show())
	case dur < 0:
		d.errorf(s.pos, "duration %s is negative: durations are 0 or more, like 5s", s.show())
	default:
		v.SetInt(int64(dur))
	}
}

// isNumber reports whether text is a plain number without a unit.
func isNumber(text string) bool {
	_, err := strconv.ParseFloat(text, 64)
	return err == nil
}

// anyValue decodes a free-form value: nil, bool, float64 (every number), string, []any or
// map[string]any — the shapes encoding/json gives a JSON body, so they compare equal.
func (d *decoder) anyValue(n ast.Node, path string, depth int) any {
	switch t := n.(type) {
	case *ast.NullNode:
		return nil
	case *ast.SequenceNode:
		out := make([]any, 0, len(t.Values))
		for i, item := range t.Values {
			var v any
			d.decode(item, reflect.ValueOf(&v).Elem(), path+"["+strconv.Itoa(i)+"]", depth+1)
			out = append(out, v)
		}
		return out
	case *ast.MappingNode, *ast.MappingValueNode:
		out := map[string]any{}
		d.decode(n, reflect.ValueOf(&out).Elem(), path, depth) // as map[string]any
		return out
	case *ast.BoolNode:
		return t.Value
	case *ast.IntegerNode, *ast.FloatNode:
		s := scalar{node: n, text: n.GetToken().Value, pos: nodePos(n)}
		if f, err := s.float(); err == "" {
			return f
		}
		return s.text
	}
	s, ok := d.scalarOf(n, path, "a value")
	if !ok {
		return nil
	}
	return s.text
}
