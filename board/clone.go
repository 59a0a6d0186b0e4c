package board

// Clone returns an independent copy of the board's sources, series and events, with opt
// for its options (the same limits as b's): a replay keeps clones as checkpoints to seek from.
// Sealed chunks are shared (they are never modified); everything that can still change is
// copied. The clone has no subscribers and no observers.
func (b *Board) Clone(opt Options) *Board {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := &Board{opt: opt.normalized(), lim: b.lim, created: b.created, at: b.at, byName: b.byName, keys: b.keys,
		subs: make(map[*Subscription]struct{})}
	c.events = append(make([]Event, 0, cap(b.events)), b.events...)
	clones := make(map[*series]*series, len(b.all))
	for _, src := range b.srcs {
		s := *src
		s.series = make([]*series, len(src.series))
		for i, se := range src.series {
			s.series[i] = se.clone()
			clones[se] = s.series[i]
		}
		s.dirty = true
		c.srcs = append(c.srcs, &s)
	}
	c.all = make([]*series, len(b.all))
	for i, se := range b.all {
		c.all[i] = clones[se]
	}
	c.version.Store(b.version.Load())
	return c
}

// clone copies what can change of a series; sealed chunks are shared.
func (se *series) clone() *series {
	c := *se
	c.view = nil
	c.fine.sealed = append([][]pt(nil), se.fine.sealed...)
	if se.fine.tail != nil {
		c.fine.tail = append(make([]pt, 0, cap(se.fine.tail)), se.fine.tail...)
	}
	c.fine.tailShared = false
	c.coarse.sealed = append([][]cbucket(nil), se.coarse.sealed...)
	if se.coarse.tail != nil {
		c.coarse.tail = append(make([]cbucket, 0, cap(se.coarse.tail)), se.coarse.tail...)
	}
	return &c
}
