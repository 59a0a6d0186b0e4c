package proctest

import (
	"errors"
	"fmt"
	"testing"
)

// fakeTB records how Missing ended a test.
type fakeTB struct{ fatal, skip string }

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Fatalf(format string, a ...any) { f.fatal = fmt.Sprintf(format, a...) }
func (f *fakeTB) Skipf(format string, a ...any)  { f.skip = fmt.Sprintf(format, a...) }

// TestMissing: under make test (WARROOM_REQUIRE_DB=1) a missing server fails the test,
// elsewhere it skips it; both say what and why.
func TestMissing(t *testing.T) {
	err := errors.New("mariadbd not found")
	t.Setenv("WARROOM_REQUIRE_DB", "1")
	var f fakeTB
	Missing(&f, "MariaDB is not installed", err)
	if f.fatal != "WARROOM_REQUIRE_DB=1 but MariaDB is not installed: mariadbd not found" || f.skip != "" {
		t.Errorf("with WARROOM_REQUIRE_DB=1: %+v", f)
	}
	t.Setenv("WARROOM_REQUIRE_DB", "")
	f = fakeTB{}
	Missing(&f, "MariaDB is not installed", err)
	if f.skip != "MariaDB is not installed: mariadbd not found" || f.fatal != "" {
		t.Errorf("without it: %+v", f)
	}
}
