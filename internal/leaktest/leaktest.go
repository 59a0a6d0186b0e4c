// Package leaktest ends a test binary's TestMain the way the packages with servers of
// their own do: after their servers are stopped, a passing run still fails if it left
// goroutines running. It is for tests only.
package leaktest

import (
	"fmt"
	"os"

	"go.uber.org/goleak"
)

// Exit exits with code, the tests' result, or with 1 when they passed but left
// goroutines running (which it says on stderr).
func Exit(code int) {
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
