package app

import (
	"slices"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/parity"
)

// oneShotWalk bounds a whole parity walk in check and checkpoint: about 75M rows at the
// pace measured on a 1M-row table (docs/parity.md).
const oneShotWalk = 30 * time.Minute

// buildParity makes one source per parity entry. Each reads its new side's lag from that
// database's latest state on the board, so that rows still replicating are pending.
func (a *App) buildParity(oneShot bool) ([]board.Info, error) {
	cfg := a.Config
	var infos []board.Info
	for _, p := range cfg.Parity {
		src, err := parity.New(p, cfg.Databases, parity.Options{Lag: a.lagOf(p.New), Complete: oneShot, Now: a.now})
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, src)
		timeout := p.Timeout.D()
		if oneShot {
			// check and checkpoint run the walk to its end in one poll: the poll may take as
			// long as the table needs (each statement is still capped at the timeout on the
			// server), within a bound.
			timeout = oneShotWalk
		}
		a.Jobs = append(a.Jobs, sources.Single(src, p.Interval.D(), timeout))
		a.late = append(a.late, p.Name)
		infos = append(infos, board.Info{Name: p.Name, Kind: parity.Kind.Name, Group: parity.Kind.Group, Unit: "rows", Interval: p.Interval.D()})
	}
	return infos, nil
}

// lagOf reads a database's lag as the board last saw it: unknown while the database is
// stale, not polled yet, or reports none.
func (a *App) lagOf(name string) parity.LagFunc {
	return func() (float64, bool) {
		if a.Board == nil {
			return 0, false
		}
		st, ok := a.Board.Snapshot().Source(name)
		if !ok || st.Stale || st.Polls == 0 {
			return 0, false
		}
		switch v := st.Facts["lag_s"].(type) {
		case float64:
			return v, true
		case *float64:
			if v != nil {
				return *v, true
			}
		}
		return 0, false
	}
}

// splitLate separates the jobs of sources that read others' state from the rest.
func (a *App) splitLate(jobs []sources.Job) (first, late []sources.Job) {
	for _, j := range jobs {
		if slices.Contains(a.late, j.Name) {
			late = append(late, j)
		} else {
			first = append(first, j)
		}
	}
	return first, late
}
