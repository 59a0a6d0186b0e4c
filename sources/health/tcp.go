package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// tcpProbe opens a TCP connection and closes it again; its latency is the connect time
// (including resolving the host name).
type tcpProbe struct {
	probeBase
	addr   string
	dialer net.Dialer
}

func newTCP(b probeBase, h config.Health) (*tcpProbe, error) {
	host, port, err := net.SplitHostPort(h.TCP)
	if err != nil || host == "" || port == "" {
		return nil, fmt.Errorf("tcp %q: want host:port, for example db.example:3306", h.TCP)
	}
	e := h.Expect
	if len(e.Status) > 0 || e.BodyContains != "" || e.JSON != nil || len(e.AnyOf) > 0 {
		return nil, errors.New("expect: a tcp probe only connects; use url: for HTTP checks or dns: for answers")
	}
	return &tcpProbe{probeBase: b, addr: h.TCP}, nil
}

// Poll connects once; a planned state (states can only be empty here) matches any outcome.
func (p *tcpProbe) Poll(ctx context.Context) sources.Result {
	return p.states.apply(p.connect(ctx), p.states.match(0, nil))
}

func (p *tcpProbe) connect(ctx context.Context) sources.Result {
	ctx, cancel := p.pollContext(ctx)
	defer cancel()
	start := time.Now()
	conn, err := p.dialer.DialContext(ctx, "tcp", p.addr)
	took := time.Since(start)
	if err != nil {
		msg := describe(ctx, err, "no connection", start)
		return sources.Result{
			Status: sources.Crit,
			Failed: true,
			Unit:   "ms",
			Error:  msg,
			Detail: shortError(msg),
			Facts:  map[string]any{"latency_ms": nil, "error": msg},
		}
	}
	_ = conn.Close()
	ms := millis(took)
	return sources.Result{
		Status: p.limits.Status(ms),
		Value:  sources.Float(ms),
		Unit:   "ms",
		Detail: "open · " + formatLatency(took),
		Facts:  map[string]any{"latency_ms": ms, "error": ""},
	}
}
