package mariadbtest

import (
	"os/exec"
	"syscall"
)

// setProcAttr does nothing on Windows: the lab and the tests run MariaDB on Linux and macOS.
func setProcAttr(*exec.Cmd) {}

// killGroup ends the server process (Windows has no process-group signals).
func killGroup(cmd *exec.Cmd, _ syscall.Signal) { _ = cmd.Process.Kill() }
