package pgtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/warroom-dev/warroom/internal/proctest"
)

// Options shape a server started on its own by StartServer.
type Options struct {
	HBA      []string          // pg_hba.conf lines; none: the cluster's (trust for the superuser)
	Settings []string          // more postgresql.conf lines ("ssl = on")
	Files    map[string][]byte // files for the data directory (server.crt, server.key), mode 0600
}

// StartServer initialises and starts one server in a new temporary folder, on a free
// loopback port. Remove stops it and deletes the folder.
func StartServer(ctx context.Context, name string, o Options) (*Server, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "warroom-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{Name: name, Dir: filepath.Join(dir, name), acct: acct, temp: dir}
	if s.Port, err = proctest.FreePort(); err == nil {
		err = os.MkdirAll(s.Dir, 0o700)
	}
	if err == nil {
		err = acct.own(dir)
	}
	conf := hba
	if len(o.HBA) > 0 {
		conf = strings.Join(o.HBA, "\n") + "\n"
	}
	if err == nil {
		err = initData(ctx, acct, s, conf, o.Settings, o.Files)
	}
	if err == nil {
		err = s.Start(ctx)
	}
	if err != nil {
		return nil, errors.Join(err, s.Remove())
	}
	return s, nil
}

// Remove stops a server started by StartServer and deletes its folder.
func (s *Server) Remove() error {
	err := s.Stop()
	if s.temp != "" {
		err = errors.Join(err, os.RemoveAll(s.temp))
	}
	return err
}
