package pgtest

import (
	"errors"
	"os/exec"
	"syscall"
)

// ServerUser is the unprivileged account the servers run as on Unix when run as root.
const ServerUser = "warroomtest"

// account is unused on Windows: the lab and the tests run PostgreSQL on Linux and macOS.
type account struct{}

func serverAccount() (account, error) {
	return account{}, errors.New("the PostgreSQL test servers run on Linux and macOS only")
}

func (account) own(string) error { return nil }

func setProcAttr(*exec.Cmd, account) {}

// killGroup ends the server process (Windows has no process-group signals).
func killGroup(cmd *exec.Cmd, _ syscall.Signal) { _ = cmd.Process.Kill() }
