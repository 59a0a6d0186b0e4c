package config

import "strings"

// Record is where run and serve record every poll, event and transition:
// `record: {path: ./cutover.rec}`. The default is the journal's path with .rec for its
// extension.
type Record struct {
	Path string `yaml:"path"`
}

// RecordPath is the recording's path: record.path, else beside the journal with the same
// name and .rec.
func (c *Config) RecordPath() string {
	if c.Record != nil && c.Record.Path != "" {
		return c.Record.Path
	}
	j := c.Runsheet.Journal
	if j == "" {
		return ""
	}
	for i := len(j) - 1; i >= 0 && j[i] != '/' && j[i] != '\\'; i-- {
		if j[i] == '.' {
			return j[:i] + ".rec"
		}
	}
	return j + ".rec"
}

// resolveRecordPaths makes record.path and runsheet.plan_from absolute.
func resolveRecordPaths(c *Config, env Env) {
	if c.Record != nil && strings.TrimSpace(c.Record.Path) != "" {
		c.Record.Path = resolve(c.Dir, c.Record.Path, env)
	}
	if strings.TrimSpace(c.Runsheet.PlanFrom) != "" {
		c.Runsheet.PlanFrom = resolve(c.Dir, c.Runsheet.PlanFrom, env)
	}
}
