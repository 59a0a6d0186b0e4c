package main

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/web"
)

// addHTTPFlag adds --http to run, serve and demo: the only commands that listen.
func addHTTPFlag(cmd *cobra.Command, addr *string) {
	cmd.Flags().StringVar(addr, "http", "", "serve the read-only web board, /api/v1/status and /metrics on ADDR "+
		"(host:port; default http.listen when the config has http:)")
}

// startWeb starts the web board when --http or the config's http: asks for it. It listens
// at once (a busy port is an error before the board starts) and returns a stop function
// that waits for the server to end. logTo receives the server's own errors (nil: nowhere,
// as while a terminal board runs).
func startWeb(a *app.App, addr string, logTo io.Writer) (*web.Server, func(), error) {
	h := a.Config.HTTP
	if h == nil && addr == "" {
		return nil, func() {}, nil
	}
	opt := web.Options{Listen: addr}
	if h != nil {
		opt.Token = h.Token
		if addr == "" {
			opt.Listen = h.Listen
		}
	}
	if logTo != nil {
		opt.Log = log.New(logTo, "web: ", log.LstdFlags)
	}
	srv, err := web.New(a.WebDeps(), opt)
	if err != nil {
		return nil, nil, err
	}
	if err := srv.Listen(); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx); close(done) }()
	a.Board.AddEvent(board.Event{Status: sources.OK, Kind: "source", Text: "web board on " + srv.URL()})
	return srv, func() { cancel(); <-done }, nil
}

// demoOutbound gives the demo the notify: and http: sections of the config named with -c
// (only -c: a $WARROOM_CONFIG set for real work is not used), so a newcomer can try them on the simulated cutover.
func demoOutbound(g *globals, cfg *config.Config) error {
	if g == nil || g.config == "" {
		return nil
	}
	file, err := app.Load(g.configPath())
	if err != nil {
		return err
	}
	cfg.Notify, cfg.HTTP = file.Notify, file.HTTP
	return nil
}

// announceWeb says where the web board is (never with its token).
func announceWeb(w io.Writer, srv *web.Server) {
	if srv != nil {
		fmt.Fprintf(w, "warroom: web board on %s (/api/v1/status, /metrics)\n", srv.URL())
	}
}
