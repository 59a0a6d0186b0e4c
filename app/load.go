package app

import (
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources/demo"
)

// Load reads and validates a config, gates included: every problem comes back at once as
// config.Errors (FILE:LINE:COL: message).
func Load(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if errs := ValidateGates(cfg); len(errs) > 0 {
		return nil, errs
	}
	if err := planFrom(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// LoadDemo returns the demo's embedded config with its journal at journal.
func LoadDemo(journal string) (*config.Config, error) {
	cfg, err := config.Parse(demo.Config, "demo.yaml", nil)
	if err != nil {
		return nil, err
	}
	cfg.Demo = true
	cfg.Runsheet.Journal = journal
	var infos []board.Info
	world := demo.NewWorld(time.Now, func(string) (string, time.Time) { return "pending", time.Time{} })
	for _, d := range world.Sources(time.Second) {
		infos = append(infos, board.Info{Name: d.Source.Name(), Kind: d.Kind, Group: d.Group})
	}
	if errs := runsheet.CompileGates(cfg.Runsheet, runsheet.NamesFromInfos(infos, Kinds)); len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}
