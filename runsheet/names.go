package runsheet

import (
	"sort"
	"strings"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// Names tells gates which sources exist, per gate namespace: source name → kind (as in
// board.Info.Kind), and the kinds with their declared facts. A kind the registry does not
// know (or Kinds nil) allows every fact of its namespace's kinds.
type Names struct {
	DB     map[string]string
	Health map[string]string
	Metric map[string]string
	Parity map[string]string
	// States are the named states each health probe declares (probe name → state names),
	// which a checkpoint's expect: may name and the state fact takes.
	States map[string][]string
	Kinds  *sources.Registry
}

// NamesFromInfos lists the board's sources by their Group (sources.GroupDB, GroupHealth,
// GroupMetric, GroupParity), with the facts of kinds.
func NamesFromInfos(infos []board.Info, kinds *sources.Registry) Names {
	n := Names{DB: map[string]string{}, Health: map[string]string{}, Metric: map[string]string{},
		Parity: map[string]string{}, Kinds: kinds}
	for _, in := range infos {
		if m := n.group(in.Group); m != nil {
			m[in.Name] = in.Kind
		}
	}
	return n
}

// group returns the names of one gate namespace, nil for an unknown one.
func (n *Names) group(g string) map[string]string {
	switch g {
	case sources.GroupDB:
		return n.DB
	case sources.GroupHealth:
		return n.Health
	case sources.GroupMetric:
		return n.Metric
	case sources.GroupParity:
		return n.Parity
	}
	return nil
}

// namespaces are the identifiers a gate may index; checkpoint is the runsheet itself.
var namespaces = map[string]string{sources.GroupDB: "database", sources.GroupHealth: "health probe",
	sources.GroupMetric: "metric", sources.GroupParity: "parity check", "checkpoint": "checkpoint"}

// checkpointFacts are what a gate reads on checkpoint["id"].
var checkpointFacts = []sources.Fact{{Name: "state", Type: sources.String,
	Values: []string{string(Pending), string(Running), string(Done), string(Skipped), string(Failed)}}}

// factsOf returns the facts a gate may read on a source of this namespace and kind: the
// common ones, then the kind's (every kind of the namespace for an unknown kind). A fact
// two kinds declare with different types has no type ("").
func (n *Names) factsOf(group, kind string) []sources.Fact {
	if group == "checkpoint" {
		return checkpointFacts
	}
	fs := append([]sources.Fact(nil), sources.CommonFacts...)
	var kinds []sources.Kind
	if n != nil {
		if k, ok := n.Kinds.Kind(kind); ok && k.Group == group {
			kinds = []sources.Kind{k}
		} else {
			kinds = n.Kinds.InGroup(group)
		}
	}
	at := map[string]int{}
	for i, f := range fs {
		at[f.Name] = i
	}
	add := func(f sources.Fact) {
		if i, ok := at[f.Name]; ok {
			if fs[i].Type != f.Type {
				fs[i].Type, fs[i].Values = "", nil
			}
			return
		}
		at[f.Name] = len(fs)
		fs = append(fs, f)
	}
	for _, k := range kinds {
		for _, f := range k.Facts {
			add(f)
		}
	}
	return fs
}

// factNamed returns the fact called name among fs.
func factNamed(fs []sources.Fact, name string) (sources.Fact, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return sources.Fact{}, false
}

// factList names facts for an error message.
func factList(fs []sources.Fact) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// knownList lists up to a few names for an error message.
func knownList(m map[string]string) string {
	if len(m) == 0 {
		return "none are configured"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, `"`+k+`"`)
	}
	sort.Strings(keys)
	if len(keys) > 8 {
		keys = append(keys[:8], "…")
	}
	return "known: " + strings.Join(keys, ", ")
}
