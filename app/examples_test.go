package app

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesValidate: every file in examples/ loads and validates as `warroom validate`
// does, gates and expect: included (with placeholder secrets in the environment).
func TestExamplesValidate(t *testing.T) {
	for k, v := range map[string]string{"DD_API_KEY": "x", "DD_APP_KEY": "x",
		"OLD_DB_DSN": "u@tcp(old.example:3306)/", "NEW_DB_DSN": "u@tcp(new.example:3306)/"} {
		t.Setenv(k, v)
	}
	files, err := filepath.Glob("../examples/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		if !strings.HasSuffix(f, ".yaml") && !strings.HasSuffix(f, ".yml") {
			t.Errorf("%s: examples/ holds configs (.yaml) only", f)
			continue
		}
		cfg, err := Load(f)
		if err != nil {
			t.Errorf("%s does not validate:\n%v", f, err)
			continue
		}
		if len(cfg.Runsheet.Checkpoints) == 0 {
			t.Errorf("%s: no runsheet", f)
		}
	}
}
