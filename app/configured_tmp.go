package app

import "github.com/warroom-dev/warroom/board"

func (a *App) buildConfigured() ([]board.Info, error) { return nil, nil }
