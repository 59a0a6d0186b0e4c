//go:build unix && !linux

package mariadbtest

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the server in its own process group.
func setProcAttr(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killGroup signals the server's whole process group.
func killGroup(cmd *exec.Cmd, sig syscall.Signal) { _ = syscall.Kill(-cmd.Process.Pid, sig) }
