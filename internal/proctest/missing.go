package proctest

import "os"

// TB is what Missing uses of a *testing.T (the testing package is not imported here:
// proctest is in the binary, for `warroom lab`).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

// Missing ends a test whose servers or tools are missing (what happened, and why): it
// fails under `make test`, which installs them and sets WARROOM_REQUIRE_DB=1, and is
// skipped elsewhere.
func Missing(t TB, what string, err error) {
	t.Helper()
	if os.Getenv("WARROOM_REQUIRE_DB") == "1" {
		t.Fatalf("WARROOM_REQUIRE_DB=1 but %s: %v", what, err)
		return
	}
	t.Skipf("%s: %v", what, err)
}
