package sshserver

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// maxHostKeySize bounds how much of a host key file is read.
const maxHostKeySize = 64 << 10

// HostKey loads the server's private host key from path. When no file exists there it
// creates a new ed25519 key at exactly that path, mode 0600 (created reports it); it never
// writes anywhere else. A key file that group or others may read or write is refused, as
// OpenSSH refuses one: anyone who can read it can impersonate the server.
func HostKey(path string) (signer gossh.Signer, created bool, err error) {
	if path == "" {
		return nil, false, errors.New("serve needs a host key: set ssh.host_key in the config or pass " +
			"--host-key PATH (an ed25519 key is created there, mode 0600, when the file is missing)")
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		signer, err = createHostKey(path)
		return signer, err == nil, err
	case err != nil:
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	case !info.Mode().IsRegular():
		return nil, false, fmt.Errorf("host key %s is not a regular file", path)
	case info.Mode().Perm()&0o077 != 0:
		return nil, false, fmt.Errorf("host key %s may be read by group or others (mode %04o): "+
			"run chmod 600 %s, since anyone who reads it can pose as this server", path, info.Mode().Perm(), path)
	}
	signer, err = readHostKey(path)
	return signer, false, err
}

func readHostKey(path string) (gossh.Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxHostKeySize+1))
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	if len(data) > maxHostKeySize {
		return nil, fmt.Errorf("host key %s is larger than %d KiB: is it a private key?", path, maxHostKeySize>>10)
	}
	signer, err := gossh.ParsePrivateKey(data)
	var missing *gossh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return nil, fmt.Errorf("host key %s is protected by a passphrase: warroom needs an unencrypted "+
			"key (ssh-keygen -t ed25519 -N '' -f %s, or remove the file to have one created)", path, path)
	case err != nil:
		return nil, fmt.Errorf("host key %s is not a private key in OpenSSH or PEM format: %w", path, err)
	}
	return signer, nil
}

// createHostKey writes a new ed25519 key to path, which must not exist, mode 0600.
func createHostKey(path string) (gossh.Signer, error) {
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("create host key %s: folder %s: %w (create the folder, mode 0700)", path, dir, err)
		}
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("create host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "warroom host key")
	if err != nil {
		return nil, fmt.Errorf("create host key: %w", err)
	}
	data := pem.EncodeToMemory(block)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create host key: %w", err)
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("create host key %s: %w", path, err)
	}
	return gossh.NewSignerFromKey(priv)
}
