package runsheet

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/warroom-dev/warroom/sources"
)

// typeCheck checks a gate that compiled against the declared facts of the sources it reads:
// a fact compared with a literal of another type or with a value its enum does not allow,
// and (compiled against typed zero values) any other mismatch and a result that is not
// true/false. Without kinds (names nil) there is nothing to check against.
func typeCheck(src string, root ast.Node, names *Names, ids map[string]int) []gateProblem {
	if names == nil || names.Kinds == nil {
		return nil
	}
	lit := &literalChecker{names: names}
	ast.Walk(&root, lit)
	if len(lit.probs) > 0 {
		return lit.probs
	}
	prog, err := expr.Compile(src, expr.Env(typedEnv(names, ids)))
	if err != nil {
		p := exprProblem(err)
		p.msg = plainTypes(p.msg)
		return []gateProblem{p}
	}
	if t := prog.Node().Type(); t != nil && t.Kind() != reflect.Bool && t.Kind() != reflect.Interface {
		return []gateProblem{{leftmost(root), fmt.Sprintf("expected true or false, but the gate is %s: compare it, like … < 1",
			article(goTypeName(t)))}}
	}
	return nil
}

// literalChecker finds comparisons of a fact with a literal: `status == "OK"`.
type literalChecker struct {
	names *Names
	probs []gateProblem
}

// Visit checks each comparison once, whichever side the fact is on.
func (c *literalChecker) Visit(n *ast.Node) {
	b, ok := (*n).(*ast.BinaryNode)
	if !ok {
		return
	}
	switch b.Operator {
	case "==", "!=", "<", ">", "<=", ">=":
	default:
		return
	}
	if p, bad := c.compare(b.Left, b.Right); bad {
		c.probs = append(c.probs, p)
	} else if p, bad := c.compare(b.Right, b.Left); bad {
		c.probs = append(c.probs, p)
	}
}

// compare judges fact (if it is one) against other (if it is a literal).
func (c *literalChecker) compare(fact, other ast.Node) (gateProblem, bool) {
	ref, f, ok := c.fact(fact)
	if !ok || f.Type == "" {
		return gateProblem{}, false
	}
	litType, text := literal(other)
	if litType == "" {
		return gateProblem{}, false
	}
	at := other.Location().From
	if litType != f.Type {
		return gateProblem{at, fmt.Sprintf("%s is %s, %s is %s", ref, article(string(f.Type)), text, article(string(litType)))}, true
	}
	allowed := f.Values
	if ref.group == sources.GroupHealth && ref.field == "state" {
		allowed = append([]string{""}, c.names.States[ref.name]...)
	}
	s, _ := other.(*ast.StringNode)
	if litType == sources.String && len(allowed) > 0 && s != nil && !slices.Contains(allowed, s.Value) {
		return gateProblem{at, fmt.Sprintf("%s is never %s; it is one of %s", ref, text, quoteAll(allowed))}, true
	}
	return gateProblem{}, false
}

// fact resolves group["name"].field to its reference and declared fact.
func (c *literalChecker) fact(n ast.Node) (fieldRef, sources.Fact, bool) {
	f, ok := n.(*ast.MemberNode)
	if !ok {
		return fieldRef{}, sources.Fact{}, false
	}
	m, ok := f.Node.(*ast.MemberNode)
	prop, okp := f.Property.(*ast.StringNode)
	if !ok || !okp {
		return fieldRef{}, sources.Fact{}, false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	key, okk := m.Property.(*ast.StringNode)
	if !ok || !okk || namespaces[id.Value] == "" {
		return fieldRef{}, sources.Fact{}, false
	}
	kind := ""
	if g := c.names.group(id.Value); g != nil {
		kind = g[key.Value]
	}
	fact, ok := factNamed(c.names.factsOf(id.Value, kind), prop.Value)
	if ok && id.Value == sources.GroupHealth && prop.Value == "state" && len(c.names.States[key.Value]) == 0 {
		fact.Values = nil
	}
	return fieldRef{id.Value, key.Value, prop.Value}, fact, ok
}

// literal returns the fact type of a literal node and its text; "" when n is no literal.
func literal(n ast.Node) (sources.FactType, string) {
	switch v := n.(type) {
	case *ast.StringNode:
		return sources.String, strconv.Quote(v.Value)
	case *ast.IntegerNode:
		return sources.Number, strconv.Itoa(v.Value)
	case *ast.FloatNode:
		return sources.Number, strconv.FormatFloat(v.Value, 'g', -1, 64)
	case *ast.BoolNode:
		return sources.Bool, strconv.FormatBool(v.Value)
	}
	return "", ""
}

// typedEnv is the gates' environment with a typed zero value for every fact of every named
// source: each namespace is a struct with one field per source (tagged with its name).
func typedEnv(names *Names, ids map[string]int) map[string]any {
	env := map[string]any{}
	for group := range namespaces {
		var fields []reflect.StructField
		add := func(name string, facts []sources.Fact) {
			fields = append(fields, reflect.StructField{Name: fmt.Sprintf("F%d", len(fields)),
				Type: factsStruct(facts), Tag: reflect.StructTag("expr:" + strconv.Quote(name))})
		}
		if group == "checkpoint" {
			for id := range ids {
				add(id, checkpointFacts)
			}
		}
		for name, kind := range names.group(group) {
			add(name, names.factsOf(group, kind))
		}
		env[group] = reflect.New(reflect.StructOf(fields)).Elem().Interface()
	}
	return env
}

// factsStruct is a struct with one typed field per fact (tagged with the fact's name).
func factsStruct(facts []sources.Fact) reflect.Type {
	fields := make([]reflect.StructField, len(facts))
	for i, f := range facts {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: goType(f.Type),
			Tag: reflect.StructTag("expr:" + strconv.Quote(f.Name))}
	}
	return reflect.StructOf(fields)
}

// goType is the Go type gates see for a fact type; "" (two kinds disagree) is any.
func goType(t sources.FactType) reflect.Type {
	switch t {
	case sources.Bool:
		return reflect.TypeFor[bool]()
	case sources.Number:
		return reflect.TypeFor[float64]()
	case sources.String:
		return reflect.TypeFor[string]()
	case sources.List:
		return reflect.TypeFor[[]any]()
	case sources.Map:
		return reflect.TypeFor[map[string]any]()
	}
	return reflect.TypeFor[any]()
}

// goTypeName is a Go type as a gate author would call it.
func goTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int64, reflect.Float64, reflect.Int32, reflect.Uint8:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Map:
		return "map"
	}
	return t.String()
}

// plainTypes rewrites Go type names in an expr message into fact types.
func plainTypes(msg string) string {
	r := strings.NewReplacer("float64", "number", "int", "number", "[]interface {}", "list",
		"map[string]interface {}", "map", "interface {}", "any")
	return r.Replace(msg)
}

func article(t string) string {
	if t == "" {
		return t
	}
	switch t[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + t
	}
	return "a " + t
}

func quoteAll(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.Quote(v)
	}
	return strings.Join(out, ", ")
}

// leftmost is the first rune offset of the subtree n.
func leftmost(n ast.Node) int {
	from := -1
	var visit spanVisitor = func(m *ast.Node) {
		if at := (*m).Location().From; from < 0 || at < from {
			from = at
		}
	}
	ast.Walk(&n, visit)
	if from < 0 {
		return 0
	}
	return from
}
