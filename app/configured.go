package app

import (
	"fmt"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog"
	"github.com/warroom-dev/warroom/sources/health"
	"github.com/warroom-dev/warroom/sources/mysql"
	"github.com/warroom-dev/warroom/sources/postgres"
)

// databaseSource is a database source the app closes on exit.
type databaseSource interface {
	sources.Source
	Close() error
}

// newDatabase makes the source of one databases: entry, by its engine.
func newDatabase(db config.Database, all []config.Database, d config.Defaults, exp *sources.Expectations) (databaseSource, error) {
	if db.IsPostgres() {
		return postgres.New(db, all, d, exp)
	}
	return mysql.New(db, all, d, exp)
}

// buildConfigured makes the sources the config names: Datadog metrics (one batched job),
// databases and health probes, in that order on the board.
func (a *App) buildConfigured() ([]board.Info, error) {
	cfg := a.Config
	var infos []board.Info
	if cfg.Datadog != nil && (len(cfg.Metrics) > 0 || cfg.Datadog.Events) {
		dd, err := datadog.New(*cfg.Datadog, cfg.Metrics)
		if err != nil {
			return nil, fmt.Errorf("datadog: %w", err)
		}
		a.datadog = dd
	}
	if len(cfg.Metrics) > 0 {
		dd := a.datadog
		job := sources.QuietJob(dd.Job(), a.Expect) // a metric expected quiet is not an alarm
		a.Jobs = append(a.Jobs, job)
		for _, m := range cfg.Metrics {
			infos = append(infos, board.Info{Name: m.Name, Kind: datadog.Kind.Name, Group: datadog.Kind.Group, Unit: m.Unit,
				Interval: job.Interval, Threshold: sources.Threshold{Warn: m.Warn, Crit: m.Crit, Below: m.Below}, Pin: m.Pin})
		}
	}
	for _, db := range cfg.Databases {
		src, err := newDatabase(db, cfg.Databases, cfg.Defaults, a.Expect)
		if err != nil {
			return nil, err // it names the database already
		}
		a.closers = append(a.closers, src)
		interval, timeout := pick(db.Interval.D(), cfg.Defaults.Interval.D()), pick(db.Timeout.D(), cfg.Defaults.Timeout.D())
		a.Jobs = append(a.Jobs, sources.Single(src, interval, timeout))
		infos = append(infos, board.Info{Name: db.Name, Kind: dbKind(db).Name, Group: dbKind(db).Group, Unit: "s", Interval: interval,
			Threshold: sources.DurationThreshold(db.Lag.Warn.D(), db.Lag.Crit.D(), time.Second)})
	}
	for _, h := range cfg.Health {
		src, err := health.NewPlanned(h, cfg.Defaults, a.Expect)
		if err != nil {
			return nil, fmt.Errorf("health %s: %w", h.Name, err)
		}
		if c, ok := src.(interface{ Close() error }); ok {
			a.closers = append(a.closers, closerFunc(c.Close))
		}
		interval, timeout := pick(h.Interval.D(), cfg.Defaults.Interval.D()), pick(h.Timeout.D(), cfg.Defaults.Timeout.D())
		a.Jobs = append(a.Jobs, sources.Single(src, interval, timeout))
		infos = append(infos, board.Info{Name: h.Name, Kind: healthKind(h).Name, Group: healthKind(h).Group, Unit: "ms", Interval: interval,
			Threshold: sources.DurationThreshold(h.Latency.Warn.D(), h.Latency.Crit.D(), time.Millisecond), Pin: h.Pin})
	}
	more, err := a.buildParity(a.oneShot)
	return append(infos, more...), err
}
