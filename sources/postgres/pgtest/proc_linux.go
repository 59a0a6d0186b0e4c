package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// setProcAttr puts a server in its own process group, killed with the test binary, and runs
// it as the account (as ourselves when its credential is nil).
func setProcAttr(cmd *exec.Cmd, a account) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: a.cred}
}

// killGroup signals the server's process group. Every postgres backend makes itself a
// session leader (setsid), so a crash (SIGKILL) also signals the postmaster's descendants
// found in /proc, as the kernel's OOM killer would leave none of them either.
func killGroup(cmd *exec.Cmd, sig syscall.Signal) {
	pid := cmd.Process.Pid
	if sig == syscall.SIGKILL {
		for _, c := range descendants(pid, 0) {
			_ = syscall.Kill(c, sig)
		}
	}
	_ = syscall.Kill(-pid, sig)
}

// descendants lists the processes below pid (at most 4 levels, 500 processes).
func descendants(pid, depth int) []int {
	if depth > 4 {
		return nil
	}
	var out []int
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(field); err == nil && len(out) < 500 {
				out = append(out, c)
				out = append(out, descendants(c, depth+1)...)
			}
		}
	}
	return out
}
