// Package mariadbtest starts real MariaDB servers for tests and for `warroom lab`: one server
// per temporary data directory, on a free loopback port, in its own process group so that
// stopping it never leaves a stray mariadbd behind.
package mariadbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/warroom-dev/warroom/internal/proctest"
)

// Binaries are the programs a server needs.
var Binaries = []string{"mariadbd", "mariadb-install-db"}

// Available reports why servers cannot be started here (nil when they can).
func Available() error {
	for _, b := range Binaries {
		if _, err := lookPath(b); err != nil {
			return fmt.Errorf("%s not found (install mariadb-server: apt-get install -y mariadb-server)", b)
		}
	}
	return nil
}

// lookPath finds a binary on PATH or in /usr/sbin, where Debian puts mariadbd.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	p := filepath.Join("/usr/sbin", name)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s: not on PATH", name)
}

// Server is one mariadbd process with its own data directory.
type Server struct {
	Name     string
	ServerID int
	Port     int
	Dir      string // the server's folder: data/, the socket, the log
	Extra    []string

	proc proctest.Proc
}

// p is the server's process, named and logged as the server.
func (s *Server) p() *proctest.Proc {
	s.proc.Name, s.proc.Log, s.proc.Signal = s.Name, s.LogFile(), killGroup
	return &s.proc
}

// DataDir is where the server keeps its data.
func (s *Server) DataDir() string { return filepath.Join(s.Dir, "data") }

// Socket is the server's Unix socket.
func (s *Server) Socket() string { return filepath.Join(s.Dir, "mysqld.sock") }

// LogFile is the server's error log.
func (s *Server) LogFile() string { return filepath.Join(s.Dir, "error.log") }

// Addr is host:port of the server on loopback.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// DSN is a go-sql-driver DSN for user over TCP.
func (s *Server) DSN(user, password, db string) string {
	c := mysql.NewConfig()
	c.User, c.Passwd, c.Net, c.Addr, c.DBName = user, password, "tcp", s.Addr(), db
	return c.FormatDSN()
}

// Open opens a small pool as root (no password, over TCP).
func (s *Server) Open() (*sql.DB, error) {
	c := mysql.NewConfig()
	c.User, c.Net, c.Addr = "root", "tcp", s.Addr()
	c.Timeout, c.ReadTimeout, c.WriteTimeout = 5*time.Second, 30*time.Second, 30*time.Second
	c.Logger = &mysql.NopLogger{}
	conn, err := mysql.NewConnector(c)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(0)
	return db, nil
}

// Exec runs statements as root, one after another on one connection (session variables
// set by one hold for the next).
func (s *Server) Exec(ctx context.Context, stmts ...string) error {
	db, err := s.Open()
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	defer conn.Close()
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %s: %w", s.Name, q, err)
		}
	}
	return nil
}

// QueryString runs a query as root and returns the first column of its first row.
func (s *Server) QueryString(ctx context.Context, q string, args ...any) (string, error) {
	db, err := s.Open()
	if err != nil {
		return "", err
	}
	defer db.Close()
	var v sql.NullString
	if err := db.QueryRowContext(ctx, q, args...).Scan(&v); err != nil {
		return "", fmt.Errorf("%s: %s: %w", s.Name, q, err)
	}
	return v.String, nil
}

// install creates the system tables in a fresh data directory.
func install(ctx context.Context, datadir string) error {
	bin, err := lookPath("mariadb-install-db")
	if err != nil {
		return err
	}
	args := []string{"--no-defaults", "--datadir=" + datadir, "--auth-root-authentication-method=normal",
		"--skip-test-db", "--innodb-log-file-size=8M", "--innodb-use-native-aio=0"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	// Twice at most: once in a CI run of the whole suite (several packages installing at
	// once) the bootstrap failed on its own temporary table ("Unknown table
	// 'mysql.tmp_user_sys'") and a second install into a fresh folder is what a person
	// would do.
	var first error
	for try := range 2 {
		out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
		if err == nil {
			return nil
		}
		err = fmt.Errorf("mariadb-install-db: %w: %s%s", err, errorLines(string(out)), proctest.Tail(string(out), 800))
		if try == 1 || ctx.Err() != nil {
			return errors.Join(first, err)
		}
		first = err
		if rmErr := os.RemoveAll(datadir); rmErr != nil {
			return errors.Join(first, rmErr)
		}
	}
	return first
}

// Start starts the server on its data directory and waits until it accepts connections.
// It may be called again after Kill or Stop: the server comes back on the same port.
func (s *Server) Start(ctx context.Context) error {
	if s.p().Started() {
		return fmt.Errorf("%s: already running", s.Name)
	}
	bin, err := lookPath("mariadbd")
	if err != nil {
		return err
	}
	args := []string{"--no-defaults", "--datadir=" + s.DataDir(), "--socket=" + s.Socket(),
		"--port=" + strconv.Itoa(s.Port), "--bind-address=127.0.0.1", "--server-id=" + strconv.Itoa(s.ServerID),
		"--log-bin=bin", "--log-slave-updates", "--gtid-strict-mode=1", "--binlog-format=ROW",
		"--skip-name-resolve", "--innodb-log-file-size=8M", "--innodb-buffer-pool-size=24M",
		// Native AIO contexts are a machine-wide limit (fs.aio-max-nr) that parallel test
		// binaries, each with its own servers, can run out of on a shared CI machine.
		"--innodb-use-native-aio=0",
		"--performance-schema=OFF", "--pid-file=" + filepath.Join(s.Dir, "mysqld.pid"),
		"--log-error=" + s.LogFile(), "--max-connections=60", "--skip-slave-start"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	args = append(args, s.Extra...)
	cmd := exec.Command(bin, args...)
	setProcAttr(cmd)
	if err := s.p().Start(cmd); err != nil {
		return err
	}
	db, err := s.Open()
	if err != nil {
		_ = s.Kill()
		return err
	}
	defer db.Close()
	return s.p().WaitReady(ctx, "mariadbd", db.PingContext)
}

// Kill kills the server's process group at once (a crash) and waits for it to exit.
func (s *Server) Kill() error { return s.p().Kill() }

// Stop shuts the server down cleanly (SIGTERM), killing it when it takes more than 20 s.
func (s *Server) Stop() error { return s.p().Stop(syscall.SIGTERM) }

// Running reports whether the server process is alive.
func (s *Server) Running() bool { return s.p().Running() }

func (s *Server) logTail() string { return s.p().LogTail() }

// errorLines picks the lines of a tool's output that say what went wrong (they come before
// the long help text that the tail shows).
func errorLines(out string) string {
	var b strings.Builder
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if n < 8 && (strings.Contains(l, "ERROR") || strings.Contains(l, "[Error]") || strings.Contains(l, "failed")) {
			b.WriteString(l + "\n")
			n++
		}
	}
	return b.String()
}
