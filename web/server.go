// Package web serves the read-only web board: the board as a server-rendered page kept live
// by server-sent events (/), the live `check --json` document (/api/v1/status), and the
// Prometheus text format (/metrics). Nothing it serves can change anything: only GET and HEAD
// are answered. A token guards it unless it listens on loopback without one.
package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/notify"
	"github.com/warroom-dev/warroom/runsheet"
)

// Deps is what the web board reads. Board and Sheet are required.
type Deps struct {
	Board  *board.Board
	Sheet  func() runsheet.View
	Title  string
	Window time.Duration // how much history the charts show; default 1h
	// Status builds the /api/v1/status document (app.Report: the check --json shape).
	Status func(snap *board.Snapshot, view runsheet.View, at time.Time) any
	// Notify, when set, gives the receivers' counters for /metrics.
	Notify func() []notify.Stats
	Now    func() time.Time
	Loc    *time.Location // for the page's clock; default UTC
}

// Options tune a Server.
type Options struct {
	Listen string // host:port; default 127.0.0.1:8080
	// Token, when set, is required from every client. It must be set unless Listen is a
	// loopback address.
	Token      string
	MaxClients int // live pages (SSE streams) at once; default 100
	// StreamLifetime ends a live stream after this long (the page reconnects at once), so a
	// stream a proxy forgot never lives for ever; default 10m.
	StreamLifetime time.Duration
	Log            *log.Logger // the HTTP server's own errors; default nowhere
}

// Server is the web board of one process.
type Server struct {
	deps   Deps
	opt    Options
	ln     net.Listener
	srv    *http.Server
	hub    *hub
	ctx    context.Context // ends every live stream on shutdown
	cancel context.CancelFunc
	once   sync.Once
}

// New checks the options and builds the server; Listen opens its port.
func New(d Deps, opt Options) (*Server, error) {
	if opt.Listen == "" {
		opt.Listen = config.DefaultHTTPListen
	}
	if _, _, err := net.SplitHostPort(opt.Listen); err != nil {
		return nil, fmt.Errorf("web board: listen address %q must be host:port, like 127.0.0.1:8080", opt.Listen)
	}
	if opt.Token == "" && !config.IsLoopback(opt.Listen) {
		return nil, fmt.Errorf("web board: %s is not a loopback address, so a token is required: set http.token "+
			"(token: ${WARROOM_HTTP_TOKEN}) or listen on 127.0.0.1", opt.Listen)
	}
	if opt.MaxClients <= 0 {
		opt.MaxClients = 100
	}
	if opt.StreamLifetime <= 0 {
		opt.StreamLifetime = 10 * time.Minute
	}
	if opt.Log == nil {
		opt.Log = log.New(io.Discard, "", 0)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Window <= 0 {
		d.Window = time.Hour
	}
	if d.Loc == nil {
		d.Loc = time.UTC
	}
	s := &Server{deps: d, opt: opt}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.hub = newHub(opt.MaxClients)
	s.srv = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          opt.Log,
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
		// WriteTimeout stays 0: each response sets its own deadline (a live stream keeps
		// extending its own).
	}
	return s, nil
}

// Listen opens the port, so that a busy port is an error before anything else starts.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.opt.Listen)
	if err != nil {
		return fmt.Errorf("web board: %w", err)
	}
	s.ln = ln
	return nil
}

// Addr is where the server listens (after Listen).
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.opt.Listen
	}
	return s.ln.Addr().String()
}

// URL is the board's address for people: http://ADDR/ (never with the token).
func (s *Server) URL() string { return "http://" + s.Addr() + "/" }

// Serve answers requests until ctx ends, then closes every live stream and connection
// (waiting at most 2 s). Listen must have been called.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		return errors.New("web board: Serve before Listen")
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.hub.run(s.ctx, s) }()
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	s.shutdown()
	wg.Wait()
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		err = <-errc
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func (s *Server) shutdown() {
	s.once.Do(func() {
		s.cancel() // live streams return
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if s.srv.Shutdown(ctx) != nil {
			s.srv.Close()
		}
	})
}

// routes is every endpoint, behind the method check, the headers and the token.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", s.page)
	mux.HandleFunc("/events", s.events)
	mux.HandleFunc("/api/v1/status", s.status)
	mux.HandleFunc("/metrics", s.metrics)
	return s.readOnly(s.auth(mux))
}

// readOnly answers only GET and HEAD, sets the safety headers and a write deadline.
func (s *Server) readOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "the web board is read-only: only GET and HEAD", http.StatusMethodNotAllowed)
			return
		}
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(30 * time.Second))
		next.ServeHTTP(w, r)
	})
}
