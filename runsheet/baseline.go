package runsheet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"

	"github.com/warroom-dev/warroom/internal/flock"
)

// A baseline line journals where a database stood when a checkpoint's `expect:` made it
// read-only, so that every process compares the frozen node with the same position: a
// fresh `check`, a restarted board and a checkpoint's gate see a stray write as the running
// board does. It belongs to one done (For, that done's seq): reopening and doing the
// checkpoint again makes a new done, which needs — and gets — a new baseline.
//
//	{"seq":7,"kind":"baseline","at":"…","by":"dana","database":"old-primary",
//	 "checkpoint":"freeze","for":6,"gtid":"0-1-4521","binlog_file":"bin.000007","binlog_pos":1032}
type baselineLine struct {
	Seq        int64     `json:"seq"`
	Kind       string    `json:"kind"`
	At         time.Time `json:"at"` // when the position was read
	By         string    `json:"by"`
	Database   string    `json:"database"`
	Checkpoint string    `json:"checkpoint"`
	For        int64     `json:"for"`
	sources.Position
}

const kindBaseline = "baseline"

// add parses one journal line into the scan: a baseline or a transition.
func (sc *scan) add(raw []byte) error {
	var k struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(raw, &k); err == nil && k.Kind != "" {
		b, err := parseBaseline(raw, k.Kind)
		if err == nil {
			sc.bases = append(sc.bases, b)
			sc.order = append(sc.order, true)
		}
		return err
	}
	t, err := parseLine(raw)
	if err == nil {
		sc.ts = append(sc.ts, t)
		sc.order = append(sc.order, false)
	}
	return err
}

// parseBaseline reads a line with a kind; baseline is the only kind.
func parseBaseline(raw []byte, kind string) (baselineLine, error) {
	var b baselineLine
	if kind != kindBaseline {
		return b, fmt.Errorf("unknown kind %q", clip(kind, 40))
	}
	if len(raw) > maxLine {
		return b, fmt.Errorf("longer than %d bytes", maxLine)
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return b, fmt.Errorf("not a baseline: %v", err)
	}
	switch {
	case b.Seq <= 0:
		return b, fmt.Errorf("seq %d is not positive", b.Seq)
	case b.Seq > maxSeq:
		return b, &corruptSeq{b.Seq}
	case b.Database == "" || b.For <= 0 || b.For >= b.Seq:
		return b, errors.New("baseline without a database, or not after the done it belongs to")
	}
	return b, nil
}

// applyBaseline folds a baseline line into the state.
func (st *runState) applyBaseline(b baselineLine) []string {
	var warn []string
	if b.Seq != st.seq+1 {
		warn = append(warn, fmt.Sprintf("baseline %d follows %d (a gap or a repeat; was the file edited?)", b.Seq, st.seq))
	}
	st.seq = max(st.seq, b.Seq)
	if st.bases == nil {
		st.bases = map[string]baselineLine{}
	}
	if cur, ok := st.bases[b.Database]; !ok || b.For >= cur.For {
		st.bases[b.Database] = b
	}
	return warn
}

// freeze is the done that decides a database's expectation now.
type freeze struct {
	seq      int64
	id       string
	readOnly bool
}

// freezes returns, per database some checkpoint's `expect:` names, the done that last set
// its expectation (none: the configured one holds). The caller holds s.mu.
func (s *Sheet) freezes() map[string]freeze {
	out := map[string]freeze{}
	for i, c := range s.st.cps {
		if c.state != Done {
			continue
		}
		for db, v := range s.plan.cps[i].Expect {
			if cur, ok := out[db]; !ok || c.doneSeq > cur.seq {
				out[db] = freeze{seq: c.doneSeq, id: s.plan.cps[i].ID, readOnly: v == "read_only"}
			}
		}
	}
	return out
}

// syncBaselines tells the database sources each database's baseline as journaled. The
// caller holds s.mu.
func (s *Sheet) syncBaselines() {
	if s.opt.Baselines == nil {
		return
	}
	fr := s.freezes()
	for db := range s.expectIni {
		var b sources.Baseline
		if f := fr[db]; f.readOnly {
			b.Epoch, b.Checkpoint = f.seq, f.id
			if l, ok := s.st.bases[db]; ok && l.For == f.seq {
				p := l.Position
				b.Position, b.At = &p, l.At
			}
		}
		s.opt.Baselines.Set(db, b)
	}
}

// missingBaselines says which databases a done froze without a baseline journaled for it
// (where a position reader is configured). The caller holds s.mu.
func (s *Sheet) missingBaselines() []string {
	if s.opt.Position == nil {
		return nil
	}
	var out []string
	fr := s.freezes()
	for _, db := range sortedKeys(s.expectIni) {
		if f := fr[db]; f.readOnly && s.st.bases[db].For != f.seq {
			out = append(out, s.missingBaseline(db, f))
		}
	}
	return out
}

// missingBaseline says that db has no baseline for done f, and why when this process knows.
func (s *Sheet) missingBaseline(db string, f freeze) string {
	why := ""
	if e := s.posErr[db]; e != "" {
		why = " (" + e + ")"
	}
	return fmt.Sprintf("no baseline of %s journaled with %s done%s: the first warroom process that may write the journal and reaches it journals one; writes before then are not seen as stray",
		db, f.id, why)
}

// position is one database's position read for a done, or why it could not be.
type position struct {
	p   sources.Position
	at  time.Time
	err error
}

// readPositions reads, before a done of a checkpoint that makes databases read-only, where
// each of them stands. It runs before the journal is locked: a node that does not answer
// holds up only this change, for at most its poll timeout.
func (s *Sheet) readPositions(ctx context.Context, t Transition) map[string]position {
	i, ok := s.plan.idx[t.Checkpoint]
	if t.Action != Finish || !ok || s.opt.Position == nil {
		return nil
	}
	out := map[string]position{}
	for db, v := range s.plan.cps[i].Expect {
		if v == "read_only" {
			p, err := s.opt.Position(ctx, db)
			if !errors.Is(err, sources.ErrNoPosition) {
				out[db] = position{p: p, at: s.opt.Now(), err: err}
			}
		}
	}
	return out
}

// journalBaselines appends, right after done t and under the same lock, the baseline of
// each database t made read-only; a database that could not be read is a warning, and the
// first process that reaches it journals one (RecordBaseline). The caller holds s.io and
// the exclusive lock.
func (s *Sheet) journalBaselines(t Transition, pos map[string]position) {
	dbs := make([]string, 0, len(pos))
	for db := range pos {
		dbs = append(dbs, db)
	}
	sort.Strings(dbs)
	for _, db := range dbs {
		r := pos[db]
		if r.err != nil {
			s.mu.Lock()
			if s.posErr == nil {
				s.posErr = map[string]string{}
			}
			s.posErr[db] = r.err.Error()
			s.announce(s.missingBaseline(db, freeze{seq: t.Seq, id: t.Checkpoint, readOnly: true}))
			s.mu.Unlock()
			continue
		}
		s.appendBaseline(baselineLine{Kind: kindBaseline, At: r.at, By: t.By, Database: db,
			Checkpoint: t.Checkpoint, For: t.Seq, Position: r.p})
	}
	s.mu.Lock()
	s.syncBaselines()
	s.mu.Unlock()
}

// appendBaseline gives b the next seq, appends it and folds it. The caller holds s.io and
// the exclusive lock, and has just read the journal.
func (s *Sheet) appendBaseline(b baselineLine) {
	s.mu.Lock()
	b.Seq = s.st.seq + 1
	s.mu.Unlock()
	err := s.j.appendJSON(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.warn(fmt.Sprintf("baseline of %s not journaled: %v", b.Database, err))
		return
	}
	s.st.applyBaseline(b)
	if s.opt.Board != nil {
		s.opt.Board.AddEvent(board.Event{Time: s.opt.Now(), Status: sources.OK, Source: b.Database, Kind: "journal",
			Text: "baseline journaled for " + b.Checkpoint + ": " + describePosition(b.Position)})
	}
}

// describePosition is a position in words: "gtid 0-1-42 · binlog bin.000007:1032".
func describePosition(p sources.Position) string {
	var parts []string
	if p.GTID != "" {
		parts = append(parts, "gtid "+clip(p.GTID, 200))
	}
	if p.BinlogFile != "" {
		parts = append(parts, fmt.Sprintf("binlog %s:%d", clip(p.BinlogFile, 100), p.BinlogPos))
	}
	if len(parts) == 0 {
		return "no GTIDs, no binary log"
	}
	return strings.Join(parts, " · ")
}

// RecordBaseline journals p as the baseline of database db for the done with seq epoch,
// unless that done no longer decides db's expectation or a baseline for it is journaled
// already (another process got there first). Database sources offer it, through
// sources.Baselines, when the done was recorded without one (the node did not answer).
func (s *Sheet) RecordBaseline(db string, epoch int64, p sources.Position, at time.Time) error {
	s.io.Lock()
	defer s.io.Unlock()
	if s.j == nil {
		return errClosed
	}
	if err := flock.Lock(s.j.f, true); err != nil {
		return fmt.Errorf("journal %s: lock: %w", s.j.name, err)
	}
	var news []Transition
	defer func() { s.publish(news) }()
	if w, err := s.j.where(); err != nil || w != atPath {
		news, err = s.moved(w, err)
		return err // the next poll offers again
	}
	defer func() { _ = flock.Unlock(s.j.f) }()
	news, err := s.catchUp(true)
	if err != nil {
		return err
	}
	s.mu.Lock()
	f := s.freezes()[db]
	have := s.st.bases[db].For == epoch
	s.mu.Unlock()
	if !f.readOnly || f.seq != epoch || have {
		return nil
	}
	s.appendBaseline(baselineLine{Kind: kindBaseline, At: at, By: "warroom", Database: db, Checkpoint: f.id, For: epoch, Position: p})
	s.mu.Lock()
	s.syncBaselines()
	s.mu.Unlock()
	return nil
}
