package board

import (
	"math"
	"sort"
)

// pt is one stored point: nanoseconds since the Unix epoch and the value. NaN marks a gap (a
// null point). 16 bytes and no pointers, so the garbage collector never scans the chunks.
type pt struct {
	t int64
	v float64
}

func (p pt) null() bool { return math.IsNaN(p.v) }

// fineStore holds a series' newest points at full resolution, in time order, in chunks.
//
// Sharing rules, which make a snapshot O(1) per series: a sealed chunk is never modified
// after it is made (a late point copies it); the sealed list and the tail only ever grow by
// append while a view may hold them (views keep s[:n:n], so an append writes past what any
// view sees); anything else (a late point landing in the tail, a chunk replaced in the
// list) makes a new array (the sealed list) or copies first when a view holds it (the tail).
type fineStore struct {
	sealed     [][]pt // full chunks, oldest first
	tail       []pt   // the chunk being filled
	n          int    // points in sealed and tail
	tailShared bool   // a view holds the current tail array
	evicted    bool   // some points were folded into coarse buckets
}

// chunk returns chunk i, where i == len(sealed) is the tail.
func (f *fineStore) chunk(i int) []pt {
	if i == len(f.sealed) {
		return f.tail
	}
	return f.sealed[i]
}

// newest returns the time of the newest point; the store must not be empty.
func (f *fineStore) newest() int64 {
	if len(f.tail) > 0 {
		return f.tail[len(f.tail)-1].t
	}
	c := f.sealed[len(f.sealed)-1]
	return c[len(c)-1].t
}

// oldest returns the time of the oldest point; the store must not be empty.
func (f *fineStore) oldest() int64 {
	if len(f.sealed) > 0 {
		return f.sealed[0][0].t
	}
	return f.tail[0].t
}

// push appends a point newer than every stored one, sealing the tail when it is full.
func (f *fineStore) push(p pt, size int) {
	if f.tail == nil {
		f.tail = make([]pt, 0, size)
	}
	f.tail = append(f.tail, p)
	f.n++
	if len(f.tail) >= size {
		f.seal()
	}
}

// seal moves the tail, full now, into the sealed list and starts a new tail.
func (f *fineStore) seal() {
	f.sealed = append(f.sealed, f.tail)
	f.tail = nil
	f.tailShared = false
}

// place stores a point that is not newer than the newest one: it replaces the stored value
// at the same time when it knows better (a value beats a null or a different value; a null
// never replaces a value), or is inserted in time order. It reports whether anything changed
// and whether the point count grew.
func (f *fineStore) place(p pt, size int) (changed, grew bool) {
	ci := sort.Search(len(f.sealed)+1, func(i int) bool {
		c := f.chunk(i)
		return len(c) == 0 || c[len(c)-1].t >= p.t // an empty tail sorts last
	})
	c := f.chunk(ci)
	j := sort.Search(len(c), func(k int) bool { return c[k].t >= p.t })
	if j < len(c) && c[j].t == p.t {
		if p.null() || c[j].v == p.v {
			return false, false
		}
		f.rewrite(ci, j, p, false, size)
		return true, false
	}
	f.rewrite(ci, j, p, true, size)
	f.n++
	return true, true
}

// rewrite puts p at position j of chunk ci, inserting it or replacing the point there, and
// copies whatever a view may hold first.
func (f *fineStore) rewrite(ci, j int, p pt, insert bool, size int) {
	if ci == len(f.sealed) {
		if f.tailShared {
			f.tail = append(make([]pt, 0, max(size, len(f.tail)+1)), f.tail...)
			f.tailShared = false
		}
		f.tail = edit(f.tail, j, p, insert)
		if len(f.tail) >= size {
			f.seal()
		}
		return
	}
	c := edit(append(make([]pt, 0, len(f.sealed[ci])+1), f.sealed[ci]...), j, p, insert)
	parts := [][]pt{c}
	if len(c) > 2*size { // late points keep landing here: split so chunks stay small
		parts = [][]pt{c[: len(c)/2 : len(c)/2], c[len(c)/2:]}
	}
	next := make([][]pt, 0, len(f.sealed)+len(parts)+4)
	next = append(next, f.sealed[:ci]...)
	next = append(next, parts...)
	f.sealed = append(next, f.sealed[ci+1:]...)
}

// edit inserts p at j, or replaces the point at j, in a slice the caller owns.
func edit(c []pt, j int, p pt, insert bool) []pt {
	if !insert {
		c[j] = p
		return c
	}
	c = append(c, pt{})
	copy(c[j+1:], c[j:])
	c[j] = p
	return c
}

// dropHead removes the k oldest sealed chunks and returns them.
func (f *fineStore) dropHead(k int) [][]pt {
	gone := f.sealed[:k:k]
	rest := f.sealed[k:]
	next := make([][]pt, len(rest), len(rest)+len(rest)/2+4)
	copy(next, rest)
	f.sealed = next
	for _, c := range gone {
		f.n -= len(c)
	}
	f.evicted = true
	return gone
}

// capture returns the views' copies of the sealed list and the tail, and marks the tail shared.
func (f *fineStore) capture() ([][]pt, []pt) {
	f.tailShared = true
	return f.sealed[:len(f.sealed):len(f.sealed)], f.tail[:len(f.tail):len(f.tail)]
}
