package sources

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// The groups: a source's gate namespace (db["x"], health["x"], metric["x"], parity["x"])
// and its section on the board.
const (
	GroupDB     = "db"
	GroupHealth = "health"
	GroupMetric = "metric"
	GroupParity = "parity"
)

// FactType is the type of a fact's value as gates and check --json see it. Any fact may
// also be null (unknown), which is never a misleading zero.
type FactType string

// The fact types.
const (
	Bool   FactType = "bool"
	Number FactType = "number" // any Go integer or float
	String FactType = "string"
	List   FactType = "list" // a slice
	Map    FactType = "map"
)

// Fact is one fact a kind of source reports in Result.Facts.
type Fact struct {
	Name string
	Type FactType
	// Values are the allowed values of a String fact that is an enum; empty means any.
	Values []string
	Doc    string // one line, for the docs and error messages
}

// Kind is one kind of source, declared once by its package: its name (Source.Kind), its
// group and every fact its polls report, no more and no fewer.
type Kind struct {
	Name  string
	Group string
	Doc   string
	Facts []Fact
}

// Fact returns the declared fact called name.
func (k Kind) Fact(name string) (Fact, bool) {
	for _, f := range k.Facts {
		if f.Name == name {
			return f, true
		}
	}
	return Fact{}, false
}

// FactNames returns the names of the kind's facts, in declared order.
func (k Kind) FactNames() []string {
	out := make([]string, len(k.Facts))
	for i, f := range k.Facts {
		out[i] = f.Name
	}
	return out
}

// CommonFacts are the fields every source has beside its kind's facts; the board, not the
// source, fills them (gates read them as db["x"].status and so on).
var CommonFacts = []Fact{
	{Name: "status", Type: String, Values: []string{"ok", "warn", "crit", "unknown"},
		Doc: "the source's status after staleness (stale is unknown)"},
	{Name: "value", Type: Number, Doc: "the main value (latency, lag, metric); null when unknown"},
	{Name: "error", Type: String, Doc: "why the status is bad or the poll failed; empty when fine"},
	{Name: "stale", Type: Bool, Doc: "no successful poll within three intervals"},
}

// Registry is the list of kinds a program knows, built once from each package's declared
// Kind (the app lists them; there is no init-time registration).
type Registry struct {
	kinds []Kind
}

// NewRegistry lists kinds. A kind declared twice, without a group, or with a fact declared
// twice or of an unknown type is a programming error and panics.
func NewRegistry(kinds ...Kind) *Registry {
	seen := map[string]bool{}
	for _, k := range kinds {
		if k.Name == "" || k.Group == "" || seen[k.Name] {
			panic(fmt.Sprintf("sources: kind %q declared twice or without a name or group", k.Name))
		}
		seen[k.Name] = true
		facts := map[string]bool{}
		for _, f := range k.Facts {
			if facts[f.Name] || !validType(f.Type) {
				panic(fmt.Sprintf("sources: kind %q: fact %q declared twice or of type %q", k.Name, f.Name, f.Type))
			}
			facts[f.Name] = true
		}
	}
	return &Registry{kinds: append([]Kind(nil), kinds...)}
}

func validType(t FactType) bool {
	switch t {
	case Bool, Number, String, List, Map:
		return true
	}
	return false
}

// Kinds returns every kind, in the order they were listed.
func (r *Registry) Kinds() []Kind {
	if r == nil {
		return nil
	}
	return slices.Clone(r.kinds)
}

// Kind returns the kind called name.
func (r *Registry) Kind(name string) (Kind, bool) {
	if r == nil {
		return Kind{}, false
	}
	for _, k := range r.kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// InGroup returns the kinds of one group, in the order they were listed.
func (r *Registry) InGroup(group string) []Kind {
	if r == nil {
		return nil
	}
	var out []Kind
	for _, k := range r.kinds {
		if k.Group == group {
			out = append(out, k)
		}
	}
	return out
}

// TypeOf returns the fact type of a value a source put in Facts (nil pointers and nil are
// null: ok is false).
func TypeOf(v any) (t FactType, ok bool) {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "", false
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return "", false
	}
	switch rv.Kind() {
	case reflect.Bool:
		return Bool, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return Number, true
	case reflect.String:
		return String, true
	case reflect.Slice, reflect.Array:
		return List, true
	case reflect.Map:
		return Map, true
	}
	return FactType(rv.Kind().String()), true
}

// CheckFacts reports how facts differ from what k declares: keys missing or undeclared,
// values of another type, enum values not allowed. nil when they match exactly (null is
// allowed for every fact). Each kind's tests call it on the facts of real polls.
func CheckFacts(k Kind, facts map[string]any) error {
	var probs []string
	for _, f := range k.Facts {
		v, ok := facts[f.Name]
		if !ok {
			probs = append(probs, "missing "+f.Name)
			continue
		}
		t, known := TypeOf(v)
		switch {
		case !known:
		case t != f.Type:
			probs = append(probs, fmt.Sprintf("%s is a %s (%T), declared %s", f.Name, t, v, f.Type))
		case t == String && len(f.Values) > 0:
			if s := reflect.Indirect(reflect.ValueOf(v)).String(); !slices.Contains(f.Values, s) {
				probs = append(probs, fmt.Sprintf("%s is %q, declared one of %s", f.Name, s, strings.Join(f.Values, ", ")))
			}
		}
	}
	var extra []string
	for name := range facts {
		if _, ok := k.Fact(name); !ok {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		probs = append(probs, "undeclared "+name)
	}
	if len(probs) > 0 {
		return fmt.Errorf("kind %s: %s", k.Name, strings.Join(probs, "; "))
	}
	return nil
}
