package config

import (
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// entry is one key: value of a mapping, after merge keys (<<) are expanded.
type entry struct {
	key    string
	keyPos Pos
	value  ast.Node
}

// mapping returns the entries of a mapping node: merged ones (<<: *anchor) first, each
// overridden by an explicit key of the same name. A duplicate explicit key is an error.
// want lists the keys expected, for the message when n is not a mapping.
func (d *decoder) mapping(n ast.Node, path string, depth int, want []string) ([]entry, bool) {
	values, ok := mappingValues(n)
	if !ok {
		d.notMapping(n, path, want)
		return nil, false
	}
	var merged, explicit []entry
	first := map[string]Pos{}
	for _, mv := range values {
		if mv.Key == nil {
			continue
		}
		if mv.Key.IsMergeKey() {
			kp := nodePos(mv.Key)
			if !d.spend(kp) {
				return nil, false
			}
			outer := d.mergeAt.IsZero()
			if outer {
				d.mergeAt = kp // an overrun inside is reported at the merge that caused it
			}
			merged = append(merged, d.mergeEntries(mv.Value, path, depth)...)
			if outer {
				d.mergeAt = Pos{}
			}
			continue
		}
		key, ok := d.keyText(mv.Key)
		if !ok {
			continue
		}
		kp := nodePos(mv.Key)
		if p, dup := first[key]; dup {
			d.errorf(kp, "duplicate key %s in %s (first at %s)", quote(key), describe(path), p)
			continue
		}
		first[key] = kp
		explicit = append(explicit, entry{key: key, keyPos: kp, value: mv.Value})
	}
	out := make([]entry, 0, len(merged)+len(explicit))
	for _, e := range merged {
		if _, over := first[e.key]; !over {
			first[e.key] = e.keyPos
			out = append(out, e)
		}
	}
	return append(out, explicit...), true
}

// mergeEntries expands the value of a << key: a mapping, or a list of mappings of which
// the earlier ones win.
func (d *decoder) mergeEntries(n ast.Node, path string, depth int) []entry {
	if depth > maxDepth {
		return nil
	}
	n = d.resolve(n)
	if seq, ok := n.(*ast.SequenceNode); ok {
		var out []entry
		for _, item := range seq.Values {
			if !d.spend(nodePos(item)) {
				return nil
			}
			out = append(out, d.mergeEntries(item, path, depth+1)...)
		}
		return out
	}
	if _, ok := mappingValues(n); !ok {
		if n != nil {
			d.errorf(nodePos(n), "<< merges a mapping into %s: write <<: *name with &name on a mapping", describe(path))
		}
		return nil
	}
	entries, _ := d.mapping(n, path, depth+1, nil)
	for range entries {
		if !d.spend(nodePos(n)) {
			return nil
		}
	}
	return entries
}

// keyText returns a mapping key as text; keys must be scalars.
func (d *decoder) keyText(k ast.Node) (string, bool) {
	n := d.resolve(k)
	if mk, ok := n.(*ast.MappingKeyNode); ok {
		n = d.resolve(mk.Value)
	}
	if n == nil || !isScalar(n) {
		if n != nil {
			d.errorf(nodePos(n), "keys must be plain words like interval:, not %s", kindOf(n))
		}
		return "", false
	}
	if lit, ok := n.(*ast.LiteralNode); ok && lit.Value != nil {
		return lit.Value.Value, true
	}
	return n.GetToken().Value, true
}

// notMapping reports a value that should have been a mapping.
func (d *decoder) notMapping(n ast.Node, path string, want []string) {
	if len(want) == 0 {
		d.errorf(nodePos(n), "%s: expected a mapping (key: value), got %s", describe(path), kindOf(n))
		return
	}
	keys := want
	more := ""
	if len(keys) > 6 {
		keys, more = keys[:6], ", …"
	}
	d.errorf(nodePos(n), "%s: expected a mapping with keys like %s%s; got %s",
		describe(path), strings.Join(keys, ", "), more, kindOf(n))
}

// mappingValues returns the key: value pairs of a mapping node. goccy/go-yaml represents a
// one-key block mapping as a bare MappingValueNode.
func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

// nodePos is where a node starts: a block mapping at its first key, anything else at its
// first token.
func nodePos(n ast.Node) Pos {
	switch m := n.(type) {
	case *ast.MappingNode:
		if !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0].Key != nil {
			return nodePos(m.Values[0].Key)
		}
	case *ast.MappingValueNode:
		if m.Key != nil {
			return nodePos(m.Key)
		}
	}
	if n == nil {
		return Pos{Line: 1, Col: 1}
	}
	return tokenPos(n.GetToken())
}

func tokenPos(tk *token.Token) Pos {
	if tk == nil || tk.Position == nil {
		return Pos{Line: 1, Col: 1}
	}
	return Pos{Line: tk.Position.Line, Col: tk.Position.Column}
}

// textPos is where a scalar's text starts: after the opening quote of a quoted scalar, on
// the first content line of a block scalar (| or >).
func textPos(n ast.Node) Pos {
	switch s := n.(type) {
	case *ast.LiteralNode:
		return blockTextPos(s)
	case *ast.StringNode:
		p := tokenPos(s.Token)
		if s.Token != nil && (s.Token.Type == token.DoubleQuoteType || s.Token.Type == token.SingleQuoteType) {
			p.Col++
		}
		return p
	case nil:
		return Pos{}
	}
	return nodePos(n)
}

// blockTextPos is where the content of a block scalar starts: the line after its | or >
// header, at the content's indentation (from the first line that is not blank).
func blockTextPos(n *ast.LiteralNode) Pos {
	p := tokenPos(n.Start)
	p.Line++
	if n.Value == nil || n.Value.Token == nil {
		return p
	}
	for _, line := range strings.Split(n.Value.Token.Origin, "\n") {
		if strings.TrimSpace(line) != "" {
			p.Col = len(line) - len(strings.TrimLeft(line, " ")) + 1
			break
		}
	}
	return p
}

// isScalar reports whether a (resolved) node is a single value.
func isScalar(n ast.Node) bool {
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode,
		*ast.InfinityNode, *ast.NanNode, *ast.NullNode:
		return true
	}
	return false
}

// isScalarType reports whether a Go type is decoded from one scalar.
func isScalarType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		return true
	}
	return false
}

// kindOf names a node's kind for messages.
func kindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "true/false"
	case *ast.NullNode:
		return "nothing"
	}
	return "something else"
}
