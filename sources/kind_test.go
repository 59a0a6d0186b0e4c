package sources

import (
	"strings"
	"testing"
)

// TestCheckFacts: missing, undeclared, mistyped and out-of-enum facts are each reported;
// null is allowed for any fact.
func TestCheckFacts(t *testing.T) {
	k := Kind{Name: "k", Group: GroupHealth, Facts: []Fact{
		{Name: "n", Type: Number}, {Name: "s", Type: String, Values: []string{"a", "b"}},
		{Name: "b", Type: Bool}, {Name: "l", Type: List}, {Name: "m", Type: Map},
	}}
	seven := 7
	ok := map[string]any{"n": &seven, "s": "a", "b": nil, "l": []string{"x"}, "m": map[string]float64{}}
	if err := CheckFacts(k, ok); err != nil {
		t.Fatalf("good facts: %v", err)
	}
	bad := map[string]any{"n": "7", "s": "c", "b": true, "l": []int{}, "extra": 1}
	err := CheckFacts(k, bad)
	if err == nil {
		t.Fatal("bad facts pass")
	}
	for _, want := range []string{"n is a string", `s is "c", declared one of a, b`, "missing m", "undeclared extra"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

// TestRegistry: kinds are found by name and by group, in the order listed; a kind declared
// twice panics.
func TestRegistry(t *testing.T) {
	r := NewRegistry(Kind{Name: "a", Group: GroupDB}, Kind{Name: "b", Group: GroupHealth}, Kind{Name: "c", Group: GroupHealth})
	if k, ok := r.Kind("b"); !ok || k.Group != GroupHealth {
		t.Fatalf("Kind(b) = %v, %v", k, ok)
	}
	if g := r.InGroup(GroupHealth); len(g) != 2 || g[0].Name != "b" || g[1].Name != "c" {
		t.Fatalf("InGroup(health) = %v", g)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a kind declared twice did not panic")
		}
	}()
	NewRegistry(Kind{Name: "a", Group: GroupDB}, Kind{Name: "a", Group: GroupDB})
}
