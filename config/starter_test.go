package config_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/config"
)

// TestStarterValidates checks that the file `warroom init` writes is valid as it is, with no
// environment variables set, gates included, and shows every section.
func TestStarterValidates(t *testing.T) {
	data := config.Starter()
	c, err := config.Parse(data, "warroom.yaml", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("the starter config does not validate:\n%v", err)
	}
	if errs := app.ValidateGates(c); len(errs) > 0 {
		t.Fatalf("the starter's gates do not compile:\n%v", errs)
	}
	if len(c.Health) == 0 || len(c.Databases) == 0 || len(c.Runsheet.Checkpoints) < 3 {
		t.Errorf("the starter should show a runsheet and sources: %+v", c)
	}
	for _, section := range []string{"defaults:", "datadog:", "metrics:", "databases:", "health:", "ssh:", "runsheet:"} {
		if !bytes.Contains(data, []byte(section)) {
			t.Errorf("the starter does not mention %s", section)
		}
	}
	data[0] = 'X'
	if bytes.Equal(data, config.Starter()) {
		t.Error("Starter() returns shared bytes: a caller could change the next init's file")
	}
}

// TestExampleGatesCompile compiles the example config's gates against its own sources.
func TestExampleGatesCompile(t *testing.T) {
	env := map[string]string{"DD_API_KEY": "a", "DD_APP_KEY": "b", "OLD_DB_DSN": "u@tcp(a:3306)/", "NEW_DB_DSN": "u@tcp(b:3306)/"}
	data, err := os.ReadFile("testdata/market-cutover.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(data, "market-cutover.yaml", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if errs := app.ValidateGates(c); len(errs) > 0 {
		t.Fatalf("gates do not compile:\n%v", errs)
	}
}

// TestReferenceExample checks that the complete example in docs/config.md validates, gates
// included.
func TestReferenceExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := bytes.Cut(doc, []byte("## A complete example"))
	if ok {
		_, rest, ok = bytes.Cut(rest, []byte("```yaml\n"))
	}
	example, _, closed := bytes.Cut(rest, []byte("```"))
	if !ok || !closed {
		t.Fatal("docs/config.md has no complete example in a ```yaml block")
	}
	env := map[string]string{"DD_API_KEY": "a", "DD_APP_KEY": "b", "OLD_DB_DSN": "u@tcp(a:3306)/", "NEW_DB_DSN": "u@tcp(b:3306)/"}
	c, err := config.Parse(example, "docs/config.md", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatalf("the reference example does not validate:\n%v", err)
	}
	if errs := app.ValidateGates(c); len(errs) > 0 {
		t.Fatalf("the reference example's gates do not compile:\n%v", errs)
	}
	if c.SSH == nil || c.Datadog == nil || len(c.Metrics) == 0 || len(c.Databases) == 0 || len(c.Health) == 0 || len(c.Runsheet.Checkpoints) == 0 {
		t.Errorf("the reference example should use every section: %+v", c)
	}
}
