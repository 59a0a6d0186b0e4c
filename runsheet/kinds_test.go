package runsheet

import (
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog"
	"github.com/warroom-dev/warroom/sources/health"
	"github.com/warroom-dev/warroom/sources/mysql"
	"github.com/warroom-dev/warroom/sources/parity"
)

// testKinds are the real kinds, as the app lists them.
var testKinds = sources.NewRegistry(mysql.Kind, health.KindHTTP, health.KindTCP, health.KindDNS, datadog.Kind, parity.Kind)
