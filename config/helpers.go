package config

// Deps returns the ids checkpoint i waits for: its after: list, or, when after: is absent,
// the checkpoint before it (none for the first). after: [] waits for nothing.
func (r *Runsheet) Deps(i int) []string {
	if i < 0 || i >= len(r.Checkpoints) {
		return nil
	}
	if after := r.Checkpoints[i].After; after != nil {
		return after
	}
	if i == 0 {
		return nil
	}
	return []string{r.Checkpoints[i-1].ID}
}

// depIndexes is Deps as indexes into Checkpoints, skipping unknown ids.
func (r *Runsheet) depIndexes(i int) []int {
	var out []int
	for _, id := range r.Deps(i) {
		for j, cp := range r.Checkpoints {
			if cp.ID == id && id != "" && j != i {
				out = append(out, j)
				break
			}
		}
	}
	return out
}

// Expectations returns what each database is expected to be at the start (name →
// "writable" | "read_only"), for sources.NewExpectations. Databases without expect: are left
// out.
func (c *Config) Expectations() map[string]string {
	m := map[string]string{}
	for _, db := range c.Databases {
		if db.Expect != "" {
			m[db.Name] = db.Expect
		}
	}
	return m
}
