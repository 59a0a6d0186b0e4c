package health

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

const sampleDoc = `{"db":"up","checks":[{"status":"ok"},{"status":"degraded"}],"x.y":{"a b":[1,[2,3]]},"":0,"n":null}`

func decode(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestJSONPathLookup(t *testing.T) {
	doc := decode(t, sampleDoc)
	for _, c := range []struct {
		path string
		want any
	}{
		{"$", doc},
		{"$.db", "up"},
		{"$.checks[0].status", "ok"},
		{"$.checks[-1].status", "degraded"},
		{`$["x.y"]["a b"][1][0]`, 2.0},
		{`$['x.y']['a b'][-1][-1]`, 3.0},
		{`$[""]`, 0.0},
		{"$.n", nil},
	} {
		p, err := parsePath(c.path)
		if err != nil {
			t.Errorf("parsePath(%q): %v", c.path, err)
			continue
		}
		got, err := p.lookup(doc)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s = %v, %v; want %v", c.path, got, err, c.want)
		}
	}
}

func TestJSONPathNotFound(t *testing.T) {
	doc := decode(t, sampleDoc)
	for path, want := range map[string]string{
		"$.cache":           `$ has no key "cache"`,
		"$.checks[2]":       "$.checks has 2 items, no [2]",
		"$.checks[-3]":      "$.checks has 2 items, no [-3]",
		"$.checks.status":   "$.checks is an array, not an object",
		"$[0]":              "$ is an object, not an array",
		"$.db.version":      "$.db is a string, not an object or array",
		"$.n.x":             "$.n is null, not an object or array",
		`$["x.y"]["a b"].z`: `$["x.y"]["a b"] is an array, not an object`,
	} {
		p, err := parsePath(path)
		if err != nil {
			t.Fatalf("parsePath(%q): %v", path, err)
		}
		if _, err := p.lookup(doc); err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %q", path, err, want)
		}
	}
}

func TestJSONPathSyntaxErrors(t *testing.T) {
	for path, want := range map[string]string{
		"":                              `must start with "$"`,
		"db":                            `must start with "$"`,
		"$db":                           "expected . or [ at column 2",
		"$.":                            `expected a name after "." at column 3`,
		"$.a b":                         "expected . or [ at column 4",
		"$[":                            "expected an index or a quoted key and ] at column 3",
		"$[1":                           "expected an index or a quoted key and ] at column 3",
		"$[x]":                          "expected an index or a quoted key and ] at column 3",
		`$["a`:                          "unterminated quoted key starting at column 3",
		`$["a"`:                         "expected ] after the quoted key at column 6",
		"$[99999999999]":                "bad index",
		"$" + strings.Repeat(".a", 65):  "more than 64 steps",
		"$." + strings.Repeat("a", 600): "longer than 512",
	} {
		_, err := parsePath(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parsePath(%q) = %v, want an error with %q", path, err, want)
		}
	}
}

func TestJSONPathString(t *testing.T) {
	for in, want := range map[string]string{
		"$":                "$",
		"$.a[0].b":         "$.a[0].b",
		`$['a']`:           "$.a",
		`$["x.y"][-1]`:     `$["x.y"][-1]`,
		`$["say \"hi\""]`:  `$["say \"hi\""]`,
		`$['it\'s']`:       `$["it's"]`,
		`$["back\\slash"]`: `$["back\\slash"]`,
		`$["ünï"]`:         `$["ünï"]`,
	} {
		p, err := parsePath(in)
		if err != nil {
			t.Fatalf("parsePath(%q): %v", in, err)
		}
		if got := p.String(); got != want {
			t.Errorf("String of %s = %s, want %s", in, got, want)
		}
	}
}

// FuzzParsePath: parsing never panics; a path that parses writes itself back in a form that
// parses to the same steps; a lookup on any document never panics.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"$", "$.db", "$.a[0].b", `$["x.y"]['a b'][-1]`, `$["a\"b\\"]`, "$[", "$..", "$[-0]", "$.ü"} {
		f.Add(s, sampleDoc)
	}
	f.Add("$.a[1]", `{"a":[1,{"b":2}]}`)
	f.Fuzz(func(t *testing.T, path, doc string) {
		p, err := parsePath(path)
		if err != nil {
			if p != nil {
				t.Fatalf("error %v with a path", err)
			}
			return
		}
		again, err := parsePath(p.String())
		if err != nil {
			t.Fatalf("%q parsed, its String %q does not: %v", path, p.String(), err)
		}
		if !reflect.DeepEqual(p, again) && !(len(p) == 0 && len(again) == 0) {
			t.Fatalf("%q → %q → %#v, want %#v", path, p.String(), again, p)
		}
		var v any
		if json.Unmarshal([]byte(doc), &v) == nil {
			if _, err := p.lookup(v); err != nil && !utf8.ValidString(err.Error()) {
				t.Fatalf("lookup error is not valid UTF-8: %q", err)
			}
		}
	})
}
