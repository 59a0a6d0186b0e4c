package config

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
)

const (
	maxValues = 100_000 // values decoded per file, aliases included: no "billion laughs"
	maxDepth  = 64      // nesting of free-form values (expect.json.equals)
)

// decoder fills Go values from YAML nodes by their `yaml:` tags, collecting every error.
type decoder struct {
	report
	env    Env
	vals   map[string]Pos  // path of every value present → its position ("health[1].url")
	keys   map[string]Pos  // path of every key present → the key's position
	secret map[string]bool // paths whose value came from the environment: never shown
	bad    map[string]bool // paths whose value could not be decoded: not checked further
	// suggested are the paths an unknown key was taken for ("api-key" → "datadog.api_key"):
	// that key is not also reported as missing.
	suggested map[string]bool
	anchors   map[string]ast.Node
	budget    int // values left to decode or copy in (see spend)
	mergeAt   Pos // the outermost << key being expanded, or zero
}

func newDecoder(file string, env Env) *decoder {
	return &decoder{
		report:    report{file: file},
		env:       env,
		vals:      map[string]Pos{},
		keys:      map[string]Pos{},
		secret:    map[string]bool{},
		bad:       map[string]bool{},
		suggested: map[string]bool{},
		anchors:   map[string]ast.Node{},
		budget:    maxValues,
	}
}

// decode fills v (settable) from node n; path names the value in messages and maps.
func (d *decoder) decode(n ast.Node, v reflect.Value, path string, depth int) {
	n = d.resolve(n)
	if n == nil {
		return
	}
	d.vals[path] = nodePos(n)
	if _, null := n.(*ast.NullNode); null {
		return
	}
	if !d.spend(nodePos(n)) {
		return
	}
	if depth > maxDepth {
		d.errorf(nodePos(n), "nested more than %d levels deep: simplify this value", maxDepth)
		return
	}
	before := len(d.errs)
	defer func() {
		if len(d.errs) > before {
			d.bad[path] = true
		}
	}()
	t := v.Type()
	switch {
	case t == durationType:
		d.duration(n, v, path)
	case t == sheetRefType:
		d.sheetRef(n, v, path, depth)
	case t.Kind() == reflect.Pointer:
		if _, ok := mappingValues(n); !ok && t.Elem().Kind() == reflect.Struct {
			d.notMapping(n, path, infoOf(t.Elem()).names) // and leave the section absent
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.budget++ // the pointer and its target are one value
		d.decode(n, v.Elem(), path, depth)
	case t.Kind() == reflect.Struct:
		d.decodeStruct(n, v, path, depth)
	case t.Kind() == reflect.Slice:
		d.decodeSlice(n, v, path, depth)
	case t.Kind() == reflect.Map:
		d.decodeMap(n, v, path, depth)
	case t.Kind() == reflect.Interface:
		v.Set(reflect.ValueOf(d.anyValue(n, path, depth)))
	default:
		d.scalarInto(n, v, path)
	}
}

// spend counts one value against the file's budget (maxValues): every decoded value, every
// alias followed and every entry a << merge key copies in, so that a chain of anchors that
// doubles at each level ("billion laughs", <<: [*a, *a]) is refused after a bounded amount
// of work instead of being expanded. It reports the first overrun at pos and returns false
// from then on.
func (d *decoder) spend(pos Pos) bool {
	if d.budget--; d.budget >= 0 {
		return true
	}
	if d.budget == -1 {
		if !d.mergeAt.IsZero() {
			pos = d.mergeAt
		}
		d.errorf(pos, "too many values (more than %d, counting what every *alias and << merge "+
			"copies in): an anchor chain like <<: [*a, *a] doubles at each level; merge each anchor "+
			"once, or write the values out", maxValues)
	}
	d.budget = -2 // report once; stay exhausted
	return false
}

// resolve looks through tags, anchors and aliases to the node that holds the value.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for range 64 {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			if t.Name != nil {
				d.anchors[t.Name.GetToken().Value] = t.Value
			}
			n = t.Value
		case *ast.AliasNode:
			if t.Value == nil {
				return nil
			}
			name := t.Value.GetToken().Value
			target, ok := d.anchors[name]
			if !ok {
				name = clean(cut(name, 40))
				d.errorf(nodePos(t), "unknown alias *%s: define it first with &%s", name, name)
				return nil
			}
			n = target
		default:
			return n
		}
	}
	return nil
}

// collectAnchors records every &anchor of the document, so that an alias may refer to an
// anchor kept under an ignored x- key.
func (d *decoder) collectAnchors(root ast.Node) {
	ast.Walk(anchorVisitor(d.anchors), root)
}

type anchorVisitor map[string]ast.Node

func (a anchorVisitor) Visit(n ast.Node) ast.Visitor {
	if n == nil {
		return nil
	}
	if an, ok := n.(*ast.AnchorNode); ok && an.Name != nil {
		if _, seen := a[an.Name.GetToken().Value]; !seen {
			a[an.Name.GetToken().Value] = an.Value
		}
	}
	return a
}

// structInfo maps a struct's yaml keys to its fields.
type structInfo struct {
	fields  map[string]int // yaml key → field index
	names   []string       // yaml keys in declaration order
	pos     int            // index of the Pos field, -1 when none
	textPos map[string]int // yaml key → index of its <Field>Pos field (where its text starts)
}

var structInfos sync.Map // reflect.Type → *structInfo

func infoOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{fields: map[string]int{}, pos: -1, textPos: map[string]int{}}
	byName := map[string]string{} // Go field name → yaml key
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key != "" && key != "-" {
			si.fields[key] = i
			si.names = append(si.names, key)
			byName[f.Name] = key
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type != posType || f.Tag.Get("yaml") != "-" {
			continue
		}
		if f.Name == "Pos" {
			si.pos = i
		} else if key, ok := byName[strings.TrimSuffix(f.Name, "Pos")]; ok {
			si.textPos[key] = i
		}
	}
	structInfos.Store(t, si)
	return si
}

var (
	posType      = reflect.TypeFor[Pos]()
	durationType = reflect.TypeFor[Duration]()
)

// decodeStruct fills a struct from a mapping. Keys starting with "x-" are ignored (a place
// for YAML anchors); any other unknown key is an error with a suggestion.
func (d *decoder) decodeStruct(n ast.Node, v reflect.Value, path string, depth int) {
	si := infoOf(v.Type())
	entries, ok := d.mapping(n, path, depth, si.names)
	if !ok {
		return
	}
	if si.pos >= 0 {
		v.Field(si.pos).Set(reflect.ValueOf(nodePos(n)))
	}
	for _, e := range entries {
		i, known := si.fields[e.key]
		if !known {
			if !strings.HasPrefix(e.key, "x-") {
				d.unknownKey(e, path, si.names)
			}
			continue
		}
		child := join(path, e.key)
		d.keys[child] = e.keyPos
		d.decode(e.value, v.Field(i), child, depth+1)
		if tp, ok := si.textPos[e.key]; ok {
			v.Field(tp).Set(reflect.ValueOf(textPos(d.resolve(e.value))))
		}
	}
}

// decodeSlice fills a slice from a list; a single scalar is taken as a list of one.
func (d *decoder) decodeSlice(n ast.Node, v reflect.Value, path string, depth int) {
	t := v.Type()
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		if isScalar(n) && isScalarType(t.Elem()) {
			out := reflect.MakeSlice(t, 1, 1)
			d.decode(n, out.Index(0), path+"[0]", depth+1)
			v.Set(out)
			return
		}
		d.errorf(nodePos(n), "%s: expected a list, got %s", describe(path), kindOf(n))
		return
	}
	out := reflect.MakeSlice(t, len(seq.Values), len(seq.Values))
	structs := t.Elem().Kind() == reflect.Struct
	for i, item := range seq.Values {
		child := fmt.Sprintf("%s[%d]", path, i)
		if _, null := d.resolve(item).(*ast.NullNode); null && structs {
			p := nodePos(item)
			if i < len(seq.Entries) && seq.Entries[i] != nil {
				p = tokenPos(seq.Entries[i].Start)
			}
			d.errorf(p, "%s is empty: give it its keys or remove the -", child)
			continue
		}
		d.decode(item, out.Index(i), child, depth+1)
	}
	v.Set(out)
}

// decodeMap fills a map with string keys from a mapping.
func (d *decoder) decodeMap(n ast.Node, v reflect.Value, path string, depth int) {
	entries, ok := d.mapping(n, path, depth, nil)
	if !ok {
		return
	}
	t := v.Type()
	if v.IsNil() {
		v.Set(reflect.MakeMapWithSize(t, len(entries)))
	}
	for _, e := range entries {
		child := path + "." + e.key
		d.keys[child] = e.keyPos
		ev := reflect.New(t.Elem()).Elem()
		d.decode(e.value, ev, child, depth+1)
		v.SetMapIndex(reflect.ValueOf(e.key).Convert(t.Key()), ev)
	}
}

// unknownKey reports a key the struct does not have, with the closest known key.
func (d *decoder) unknownKey(e entry, path string, names []string) {
	where := "in " + path
	if path == "" {
		where = "at the top level"
	}
	if s := suggest(e.key, names); s != "" {
		d.suggested[join(path, s)] = true
		d.errorf(e.keyPos, "unknown key %s %s (did you mean %q?)", quote(e.key), where, s)
		return
	}
	d.errorf(e.keyPos, "unknown key %s %s (valid keys: %s)", quote(e.key), where, strings.Join(names, ", "))
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names a path in a message.
func describe(path string) string {
	if path == "" {
		return "the config"
	}
	return path
}
