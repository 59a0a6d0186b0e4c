package app

import (
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog"
	"github.com/warroom-dev/warroom/sources/health"
	"github.com/warroom-dev/warroom/sources/mysql"
	"github.com/warroom-dev/warroom/sources/parity"
	"github.com/warroom-dev/warroom/sources/postgres"
)

// Kinds are every kind of source warroom polls, each as its package declares it: gate
// validation, the board and the check --json facts (docs/facts.md) take them from here.
var Kinds = sources.NewRegistry(mysql.Kind, postgres.Kind, health.KindHTTP, health.KindTCP, health.KindDNS, datadog.Kind, parity.Kind)

// healthKinds maps config.Health.Kind to the probe's declared kind.
var healthKinds = map[string]sources.Kind{"health": health.KindHTTP, "tcp": health.KindTCP, "dns": health.KindDNS}

// dbKind is the kind of a configured database.
func dbKind(d config.Database) sources.Kind {
	if d.IsPostgres() {
		return postgres.Kind
	}
	return mysql.Kind
}

// healthKind is the kind of a configured health probe.
func healthKind(h config.Health) sources.Kind { return healthKinds[h.Kind()] }

// NamesFromConfig lists the configured databases, health probes (with their states) and
// metrics with their kinds, for gate and expect: validation.
func NamesFromConfig(cfg *config.Config) runsheet.Names {
	n := runsheet.Names{DB: map[string]string{}, Health: map[string]string{}, Metric: map[string]string{},
		Parity: map[string]string{}, States: map[string][]string{}, Kinds: Kinds}
	for _, d := range cfg.Databases {
		n.DB[d.Name] = dbKind(d).Name
	}
	for _, h := range cfg.Health {
		n.Health[h.Name] = healthKind(h).Name
		n.States[h.Name] = h.StateNames()
	}
	for _, m := range cfg.Metrics {
		n.Metric[m.Name] = datadog.Kind.Name
	}
	for _, p := range cfg.Parity {
		n.Parity[p.Name] = parity.Kind.Name
	}
	return n
}

// ValidateGates checks a loaded config's gates against its sources' declared facts.
func ValidateGates(cfg *config.Config) config.Errors {
	return runsheet.ValidateConfig(cfg, NamesFromConfig(cfg))
}
