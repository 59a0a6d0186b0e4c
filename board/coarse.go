package board

// cbucket aggregates the non-null points of one coarse step: [start, start+step).
type cbucket struct {
	start         int64 // nanoseconds since the Unix epoch, a multiple of the coarse step
	min, max, sum float64
	n             int64
}

func (c *cbucket) add(v float64) {
	if c.n == 0 || v < c.min {
		c.min = v
	}
	if c.n == 0 || v > c.max {
		c.max = v
	}
	c.sum += v
	c.n++
}

// coarseStore holds the points that left the fine store, folded into buckets of one coarse
// step each, in time order. Points arrive here oldest first (whole fine chunks, in order), so
// only the open bucket ever changes; it is a value that views copy. Finished buckets go into
// chunks that only grow by append and are dropped whole when they leave the retention.
type coarseStore struct {
	sealed [][]cbucket // full chunks, oldest first
	tail   []cbucket   // the chunk being filled
	open   cbucket     // the bucket still being filled; n == 0 when there is none
}

// floorStep returns t rounded down to a multiple of step (also for times before 1970).
func floorStep(t, step int64) int64 {
	r := t % step
	if r < 0 {
		r += step
	}
	return t - r
}

// fold adds the non-null points of one evicted fine chunk.
func (c *coarseStore) fold(pts []pt, step int64, size int) {
	for _, p := range pts {
		if p.null() {
			continue
		}
		start := floorStep(p.t, step)
		if c.open.n > 0 && c.open.start != start {
			c.finish(size)
		}
		if c.open.n == 0 {
			c.open.start = start
		}
		c.open.add(p.v)
	}
}

// finish moves the open bucket into the tail chunk, sealing the chunk when full.
func (c *coarseStore) finish(size int) {
	if c.tail == nil {
		c.tail = make([]cbucket, 0, size)
	}
	c.tail = append(c.tail, c.open)
	c.open = cbucket{}
	if len(c.tail) >= size {
		c.sealed = append(c.sealed, c.tail)
		c.tail = nil
	}
}

// expire drops whole chunks (and the open bucket) that end before cutoff.
func (c *coarseStore) expire(cutoff, step int64) {
	k := 0
	for k < len(c.sealed) && c.sealed[k][len(c.sealed[k])-1].start+step <= cutoff {
		k++
	}
	if k > 0 {
		c.sealed = append(make([][]cbucket, 0, len(c.sealed)-k+4), c.sealed[k:]...)
	}
	if len(c.sealed) == 0 && len(c.tail) > 0 && c.tail[len(c.tail)-1].start+step <= cutoff {
		c.tail = nil
	}
	if c.open.n > 0 && c.open.start+step <= cutoff {
		c.open = cbucket{}
	}
}

// capture returns what a view keeps: the sealed list, the tail and the open bucket.
func (c *coarseStore) capture() ([][]cbucket, []cbucket, cbucket) {
	return c.sealed[:len(c.sealed):len(c.sealed)], c.tail[:len(c.tail):len(c.tail)], c.open
}
