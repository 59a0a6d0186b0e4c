package runsheet

import (
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser/lexer"
)

// splitParts splits a gate at its top-level && (or `and`) into conjuncts, each with its own
// source text (as the user wrote it) and program, so that a failing gate can name the part
// that fails. A gate that is not a conjunction is one part, the whole.
func splitParts(src string, root ast.Node, names *Names, ids map[string]int) []gatePart {
	toks, err := lexer.Lex(file.NewSource(src))
	if err != nil {
		return nil
	}
	runes := []rune(src)
	var nodes []ast.Node
	var flatten func(n ast.Node)
	flatten = func(n ast.Node) {
		if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "&&" || b.Operator == "and") {
			flatten(b.Left)
			flatten(b.Right)
			return
		}
		nodes = append(nodes, n)
	}
	flatten(root)
	parts := make([]gatePart, 0, len(nodes))
	for _, n := range nodes {
		from, to := span(n, toks)
		if from < 0 || to > len(runes) || from >= to {
			return nil
		}
		text := strings.TrimSpace(string(runes[from:to]))
		prog, err := expr.Compile(text, expr.Env(compileEnv()), expr.AsBool())
		if err != nil {
			return nil // a part that does not stand alone: report the whole gate instead
		}
		w := newRefWalker(names, ids)
		tree := n
		ast.Walk(&tree, w)
		_ = w.problems() // fills w.refs; the whole gate was already checked
		parts = append(parts, gatePart{src: text, prog: prog, fields: w.refs})
	}
	return parts
}

// span returns the rune offsets [from, to) of the source text of the subtree n: from its
// first to its last token, plus the closing brackets its own opening brackets need.
func span(n ast.Node, toks []lexer.Token) (from, to int) {
	from, to = -1, -1
	var visit spanVisitor = func(m *ast.Node) {
		loc := (*m).Location()
		if from < 0 || loc.From < from {
			from = loc.From
		}
		if loc.To > to {
			to = loc.To
		}
	}
	ast.Walk(&n, visit)
	depth, next := 0, len(toks)
	for i, t := range toks {
		if t.From >= to {
			next = i
			break
		}
		if t.From >= from && t.Kind == lexer.Bracket {
			depth += bracketDelta(t.Value)
		}
	}
	for i := next; i < len(toks) && depth > 0; i++ {
		t := toks[i]
		if t.Kind != lexer.Bracket || bracketDelta(t.Value) >= 0 {
			break
		}
		to, depth = t.To, depth-1
	}
	return from, to
}

// spanVisitor adapts a function to ast.Visitor.
type spanVisitor func(*ast.Node)

func (f spanVisitor) Visit(n *ast.Node) { f(n) }

// bracketDelta is +1 for an opening bracket, -1 for a closing one.
func bracketDelta(v string) int {
	switch v {
	case "(", "[", "{":
		return 1
	case ")", "]", "}":
		return -1
	}
	return 0
}
