//go:build unix

package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// ServerUser is the unprivileged account the servers run as when the tests run as root
// (postgres refuses to run as root). It is created once (useradd --system) when missing.
const ServerUser = "warroomtest"

// account is who runs the server processes: nil credential means ourselves.
type account struct {
	cred     *syscall.Credential
	uid, gid int
}

// serverAccount returns ourselves, or, as root, the ServerUser account (created if missing).
func serverAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{uid: os.Getuid(), gid: os.Getgid()}, nil
	}
	u, err := user.Lookup(ServerUser)
	if err != nil {
		out, addErr := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
			ServerUser).CombinedOutput()
		if u, err = user.Lookup(ServerUser); err != nil { // another test binary may have made it meanwhile
			return account{}, fmt.Errorf("postgres refuses to run as root, and user %s could not be created: %v: %s",
				ServerUser, addErr, out)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return account{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, uid: uid, gid: gid}, nil
}

// own gives dir and everything under it to the account.
func (a account) own(dir string) error {
	if a.cred == nil {
		return nil
	}
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, a.uid, a.gid)
	})
}
