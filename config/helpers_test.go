package config

import (
	"errors"
	"testing"
)

// envOf returns an Env that knows only the given variables.
func envOf(vars map[string]string) Env {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

// mustParse parses src as w.yaml in dir and fails the test on any error.
func mustParse(t *testing.T, src string, vars map[string]string) *Config {
	t.Helper()
	c, err := Parse([]byte(src), "/etc/warroom/w.yaml", envOf(vars))
	if err != nil {
		t.Fatalf("Parse: unexpected errors:\n%v", err)
	}
	return c
}

// parseErrors parses src as w.yaml and returns its errors, failing the test when there are
// none or they are not Errors.
func parseErrors(t *testing.T, src string, vars map[string]string) Errors {
	t.Helper()
	c, err := Parse([]byte(src), "w.yaml", envOf(vars))
	if err == nil {
		t.Fatalf("Parse succeeded, want errors; config: %+v", c)
	}
	if c != nil {
		t.Errorf("Parse returned a config along with errors")
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error is %T, want Errors: %v", err, err)
	}
	return es
}
