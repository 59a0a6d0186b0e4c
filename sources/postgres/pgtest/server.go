// Package pgtest starts real PostgreSQL servers for tests and for `warroom lab --postgres`:
// one server per temporary data directory, on a free loopback port, its Unix socket in its
// own folder, in its own process group so that stopping it never leaves a stray postgres
// behind. postgres refuses to run as root: as root, the servers run as the unprivileged
// ServerUser, which owns their folders.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
	"github.com/warroom-dev/warroom/internal/proctest"
)

// Superuser is the bootstrap superuser of every server (trusted on loopback, no password).
const Superuser = "postgres"

// BinDir finds the PostgreSQL programs: /usr/lib/postgresql/15/bin when present, else the
// newest /usr/lib/postgresql/*/bin, else the folder of postgres on PATH.
func BinDir() (string, error) {
	if ok(filepath.Join("/usr/lib/postgresql/15/bin", "postgres")) {
		return "/usr/lib/postgresql/15/bin", nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if ok(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("postgres not found (install PostgreSQL: apt-get install -y postgresql, or run scripts/test-deps)")
}

func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func ok(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// Available reports why servers cannot be started here (nil when they can).
func Available() error {
	dir, err := BinDir()
	if err != nil {
		return err
	}
	for _, b := range []string{"initdb", "pg_basebackup"} {
		if !ok(filepath.Join(dir, b)) {
			return fmt.Errorf("%s not found in %s (install postgresql)", b, dir)
		}
	}
	_, err = serverAccount()
	return err
}

// Server is one postgres process with its own data directory.
type Server struct {
	Name  string
	Port  int
	Dir   string   // the server's folder: data/, the socket, the log
	Extra []string // more command-line settings ("-c", "name=value")

	acct account
	temp string // the folder StartServer made, removed by Remove
	proc proctest.Proc
}

// p is the server's process, named and logged as the server.
func (s *Server) p() *proctest.Proc {
	s.proc.Name, s.proc.Log, s.proc.Signal = s.Name, s.LogFile(), killGroup
	return &s.proc
}

// DataDir is where the server keeps its data.
func (s *Server) DataDir() string { return filepath.Join(s.Dir, "data") }

// SocketDir holds the server's Unix socket.
func (s *Server) SocketDir() string { return s.Dir }

// LogFile is the server's log (its stderr).
func (s *Server) LogFile() string { return filepath.Join(s.Dir, "postgres.log") }

// Addr is host:port of the server on loopback.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// DSN is a postgres:// URL for user on db over TCP (without TLS: the servers listen on
// loopback only).
func (s *Server) DSN(user, password, db string) string {
	u := user
	if password != "" {
		u += ":" + password
	}
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", u, s.Addr(), db)
}

// Conn connects as the superuser to db.
func (s *Server) Conn(ctx context.Context, db string) (*pgwire.Conn, error) {
	cfg, err := pgwire.ParseConfig(s.DSN(Superuser, "", db) + "&connect_timeout=5")
	if err != nil {
		return nil, err
	}
	return pgwire.Connect(ctx, cfg)
}

// Exec runs statements as the superuser on db, one after another on one connection.
func (s *Server) Exec(ctx context.Context, db string, stmts ...string) error {
	c, err := s.Conn(ctx, db)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	defer c.Close(context.Background())
	for _, q := range stmts {
		if _, err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %s: %w", s.Name, q, err)
		}
	}
	return nil
}

// QueryString runs a query as the superuser on db and returns the first column of its
// first row as text ("" for NULL).
func (s *Server) QueryString(ctx context.Context, db, q string, args ...any) (string, error) {
	c, err := s.Conn(ctx, db)
	if err != nil {
		return "", fmt.Errorf("%s: %w", s.Name, err)
	}
	defer c.Close(context.Background())
	res, err := c.Query(ctx, "SELECT ("+q+")::text", args...)
	if err != nil {
		return "", fmt.Errorf("%s: %s: %w", s.Name, q, err)
	}
	if len(res) == 0 || len(res[0].Rows) == 0 {
		return "", fmt.Errorf("%s: %s: no rows", s.Name, q)
	}
	if v := res[0].Rows[0]; len(v) > 0 && v[0] != nil {
		return *v[0], nil
	}
	return "", nil
}

// run runs one of the PostgreSQL programs as the server account, in dir.
func run(ctx context.Context, a account, dir, prog string, args ...string) error {
	bin, err := BinDir()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, prog), args...)
	cmd.Dir = dir
	setProcAttr(cmd, a)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w: %s", prog, err, proctest.Tail(string(out), 1200))
	}
	return nil
}

// Start starts the server on its data directory and waits until it accepts connections.
// It may be called again after Kill or Stop: the server comes back on the same port.
func (s *Server) Start(ctx context.Context) error {
	if s.p().Started() {
		return fmt.Errorf("%s: already running", s.Name)
	}
	bin, err := BinDir()
	if err != nil {
		return err
	}
	log, err := os.OpenFile(s.LogFile(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	args := append([]string{"-D", s.DataDir(), "-p", strconv.Itoa(s.Port), "-k", s.SocketDir(),
		"-c", "listen_addresses=127.0.0.1", "-c", "cluster_name=" + s.Name}, s.Extra...)
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = s.Dir, log, log
	setProcAttr(cmd, s.acct)
	if err := s.p().Start(cmd); err != nil {
		return err
	}
	return s.p().WaitReady(ctx, "postgres", func(ctx context.Context) error {
		c, err := s.Conn(ctx, "postgres")
		if err == nil {
			_ = c.Close(ctx)
		}
		return err
	})
}

// Kill kills the server's process group at once (a crash) and waits for it to exit.
func (s *Server) Kill() error { return s.p().Kill() }

// Stop shuts the server down (SIGINT: fast shutdown), killing it after 20 s.
func (s *Server) Stop() error { return s.p().Stop(syscall.SIGINT) }

// Running reports whether the server process is alive.
func (s *Server) Running() bool { return s.p().Running() }

// LogTail is the end of the server's log, for error messages.
func (s *Server) LogTail() string { return s.p().LogTail() }
