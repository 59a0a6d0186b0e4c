package runsheet

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// maxGate bounds a gate expression's length.
const maxGate = 4096

// gate is one checkpoint's compiled gate.
type gate struct {
	src     string
	hold    time.Duration
	prog    *vm.Program
	parts   []gatePart // the top-level conjuncts of a && b && …; just the whole otherwise
	refs    []fieldRef // every field it reads, in order, unique
	sources []string   // names of the sources it reads, sorted, unique
}

// gatePart is one conjunct, compiled on its own so a failing gate can say which part fails.
type gatePart struct {
	src    string
	prog   *vm.Program
	fields []fieldRef
}

// fieldRef is one `group["name"].field` a gate reads; group "checkpoint" is the runsheet.
type fieldRef struct{ group, name, field string }

func (f fieldRef) String() string { return fmt.Sprintf("%s[%q].%s", f.group, f.name, f.field) }

// gateProblem is a compile error at a rune offset of the gate's text.
type gateProblem struct {
	at  int
	msg string
}

// compileEnv is the shape of the environment gates run in (see buildEnv).
func compileEnv() map[string]any {
	env := map[string]any{}
	for g := range namespaces {
		env[g] = map[string]map[string]any{}
	}
	return env
}

// compileGate parses, checks and compiles one gate. names nil: source names are not checked
// (fields are checked against every kind of their namespace). ids are the checkpoint ids.
func compileGate(src string, names *Names, ids map[string]int) (*gate, []gateProblem) {
	if len(src) > maxGate {
		return nil, []gateProblem{{0, fmt.Sprintf("gate is longer than %d characters", maxGate)}}
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, []gateProblem{exprProblem(err)}
	}
	g := &gate{src: src}
	w := newRefWalker(names, ids)
	ast.Walk(&tree.Node, w)
	probs := w.problems()
	prog, err := expr.Compile(src, expr.Env(compileEnv()), expr.AsBool())
	if err != nil {
		probs = append(probs, exprProblem(err))
	}
	if len(probs) == 0 {
		probs = typeCheck(src, tree.Node, names, ids)
	}
	if len(probs) > 0 {
		sort.SliceStable(probs, func(a, b int) bool { return probs[a].at < probs[b].at })
		return nil, probs
	}
	g.prog, g.refs = prog, w.refs
	seen := map[string]bool{}
	for _, r := range w.refs {
		if r.group != "checkpoint" && !seen[r.name] {
			seen[r.name] = true
			g.sources = append(g.sources, r.name)
		}
	}
	sort.Strings(g.sources)
	g.parts = splitParts(src, tree.Node, names, ids)
	return g, nil
}

// exprProblem turns an expr error into a problem at its offset.
func exprProblem(err error) gateProblem {
	var fe *file.Error
	if errors.As(err, &fe) {
		return gateProblem{fe.From, notBool(fe.Message)}
	}
	return gateProblem{0, notBool(err.Error())}
}

// notBool words expr's "expected bool, but got int" for a gate author.
func notBool(msg string) string {
	if t, ok := strings.CutPrefix(msg, "expected bool, but got "); ok {
		return "expected true or false, but the gate is " + article(plainTypes(t)) + ": compare it, like … < 1"
	}
	return msg
}

// refWalker checks every use of db/health/metric/checkpoint: a quoted, known name and a
// known field, as in db["old-primary"].read_only.
type refWalker struct {
	names   *Names
	ids     map[string]int
	members []*ast.MemberNode
	idents  []*ast.IdentifierNode
	refs    []fieldRef
}

func newRefWalker(names *Names, ids map[string]int) *refWalker {
	return &refWalker{names: names, ids: ids}
}

// Visit collects the nodes; problems judges them once the whole tree is seen.
func (w *refWalker) Visit(n *ast.Node) {
	switch v := (*n).(type) {
	case *ast.MemberNode:
		w.members = append(w.members, v)
	case *ast.IdentifierNode:
		if _, ok := namespaces[v.Value]; ok {
			w.idents = append(w.idents, v)
		}
	}
}

// problems reports every misuse of a namespace and fills w.refs.
func (w *refWalker) problems() []gateProblem {
	var probs []gateProblem
	keyed := map[*ast.MemberNode]bool{} // db["x"]
	used := map[*ast.IdentifierNode]bool{}
	for _, m := range w.members {
		if id, ok := m.Node.(*ast.IdentifierNode); ok && namespaces[id.Value] != "" {
			keyed[m], used[id] = true, true
		}
	}
	for _, id := range w.idents {
		if !used[id] {
			probs = append(probs, gateProblem{id.Location().From,
				fmt.Sprintf("%s needs a source name and a field, like %s[\"name\"].status", id.Value, id.Value)})
		}
	}
	fielded := map[*ast.MemberNode]bool{}
	for _, f := range w.members {
		m, ok := f.Node.(*ast.MemberNode)
		if !ok || !keyed[m] {
			continue
		}
		fielded[m] = true
		if p, ok := w.checkField(m, f); !ok {
			probs = append(probs, p)
		}
	}
	for _, m := range w.members {
		if !keyed[m] || fielded[m] {
			continue
		}
		p, ok := w.checkKey(m)
		if ok {
			ref := m.Node.(*ast.IdentifierNode).Value + keyText(m)
			p.msg = fmt.Sprintf("%s needs a field, like %s.status", ref, ref)
		}
		probs = append(probs, p)
	}
	return probs
}

// keyText is `["name"]` of db["name"], or `[…]` when the key is not a string.
func keyText(m *ast.MemberNode) string {
	if s, ok := m.Property.(*ast.StringNode); ok {
		return fmt.Sprintf("[%q]", s.Value)
	}
	return "[…]"
}

// checkKey checks the name in db["name"]; it returns the problem and false when bad, and
// (a problem positioned at the key, true) when good.
func (w *refWalker) checkKey(m *ast.MemberNode) (gateProblem, bool) {
	group := m.Node.(*ast.IdentifierNode).Value
	key, ok := m.Property.(*ast.StringNode)
	if !ok {
		return gateProblem{m.Property.Location().From,
			fmt.Sprintf("%s[…] needs a quoted name, like %s[\"name\"]", group, group)}, false
	}
	at := key.Location().From
	if group == "checkpoint" {
		if _, ok := w.ids[key.Value]; !ok {
			return gateProblem{at, fmt.Sprintf("no checkpoint %q in the runsheet", key.Value)}, false
		}
		return gateProblem{at: at}, true
	}
	if w.names == nil {
		return gateProblem{at: at}, true
	}
	known := w.names.group(group)
	if _, ok := known[key.Value]; !ok {
		return gateProblem{at, fmt.Sprintf("no %s named %q (%s)", namespaces[group], key.Value, knownList(known))}, false
	}
	return gateProblem{at: at}, true
}

// checkField checks db["name"].field and records it.
func (w *refWalker) checkField(m, f *ast.MemberNode) (gateProblem, bool) {
	if p, ok := w.checkKey(m); !ok {
		return p, false
	}
	group := m.Node.(*ast.IdentifierNode).Value
	name := m.Property.(*ast.StringNode).Value
	prop, ok := f.Property.(*ast.StringNode)
	if !ok {
		return gateProblem{f.Property.Location().From, fmt.Sprintf("%s[%q] needs a field name, like .status", group, name)}, false
	}
	kind := ""
	if w.names != nil {
		kind = w.names.group(group)[name]
	}
	facts := w.names.factsOf(group, kind)
	if _, ok := factNamed(facts, prop.Value); !ok && (group == "checkpoint" || w.names != nil && w.names.Kinds != nil) {
		what := namespaces[group]
		if kind != "" {
			what = kind + " source"
		}
		return gateProblem{prop.Location().From, fmt.Sprintf("%s[%q] has no field %q; a %s has: %s",
			group, name, prop.Value, what, factList(facts))}, false
	}
	r := fieldRef{group, name, prop.Value}
	for _, x := range w.refs {
		if x == r {
			return gateProblem{}, true
		}
	}
	w.refs = append(w.refs, r)
	return gateProblem{}, true
}

// refsOrNil returns the fields g reads; nil for no gate.
func (g *gate) refsOrNil() []fieldRef {
	if g == nil {
		return nil
	}
	return g.refs
}
