package parity

import "github.com/warroom-dev/warroom/sources/mysql/mariadbtest"

// SharedPair gives the external tests of this folder the shared servers (nil without them).
func SharedPair() *mariadbtest.Pair { return pair }
