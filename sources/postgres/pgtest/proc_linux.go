package pgtest

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts a server in its own process group, killed with the test binary, and runs
// it as the account (as ourselves when its credential is nil).
func setProcAttr(cmd *exec.Cmd, a account) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: a.cred}
}

// killGroup signals the server's whole process group.
func killGroup(cmd *exec.Cmd, sig syscall.Signal) { _ = syscall.Kill(-cmd.Process.Pid, sig) }
