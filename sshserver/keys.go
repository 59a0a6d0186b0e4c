package sshserver

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/tui"
)

// maxKeysFile bounds how much of an authorized_keys file is read.
const maxKeysFile = 1 << 20

// keyEntry is what an admitted key may do.
type keyEntry struct {
	role    tui.Role
	comment string // the key's comment in the file, trusted (we wrote the file)
}

// keySource is one ssh.operators or ssh.viewers entry: a file or an inline key.
type keySource struct {
	role   tui.Role
	path   string // "" for an inline key
	inline string
}

type fileStamp struct {
	mod  time.Time
	size int64
	ok   bool
}

// keyring answers "which role has this key?" from authorized_keys files and inline keys. It
// re-reads the files when one of them changes, so a key added or removed during a cutover
// takes effect at its next login without a restart.
type keyring struct {
	log     *slog.Logger
	sources []keySource

	mu     sync.Mutex
	stamps map[string]fileStamp
	keys   map[string]keyEntry // key wire bytes → entry
}

func newKeyring(cfg config.SSH, log *slog.Logger) (*keyring, error) {
	k := &keyring{log: log, stamps: map[string]fileStamp{}}
	for _, list := range []struct {
		role    tui.Role
		entries []string
	}{{tui.Operator, cfg.Operators}, {tui.Viewer, cfg.Viewers}} {
		for _, e := range list.entries {
			if config.IsInlineKey(e) {
				k.sources = append(k.sources, keySource{role: list.role, inline: e})
				continue
			}
			if _, err := os.Stat(e); err != nil {
				return nil, fmt.Errorf("ssh.%ss: %w (an authorized_keys file: one public key per line, "+
					"as in ~/.ssh/authorized_keys)", list.role, err)
			}
			k.sources = append(k.sources, keySource{role: list.role, path: e})
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reload()
	return k, nil
}

// lookup returns the entry of an admitted key.
func (k *keyring) lookup(key gossh.PublicKey) (keyEntry, bool) {
	if key == nil {
		return keyEntry{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.changed() {
		k.reload()
	}
	e, ok := k.keys[string(key.Marshal())]
	return e, ok
}

// count returns how many keys each role has.
func (k *keyring) count() (operators, viewers int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, e := range k.keys {
		if e.role == tui.Operator {
			operators++
		} else {
			viewers++
		}
	}
	return operators, viewers
}

func stamp(path string) fileStamp {
	info, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{mod: info.ModTime(), size: info.Size(), ok: true}
}

// changed reports whether any key file differs from when it was last read.
func (k *keyring) changed() bool {
	for _, s := range k.sources {
		if s.path != "" && stamp(s.path) != k.stamps[s.path] {
			return true
		}
	}
	return false
}

// reload reads every source again. An operator key listed among the viewers too stays an
// operator. A file that cannot be read admits nobody (removing it revokes its keys).
func (k *keyring) reload() {
	keys := map[string]keyEntry{}
	add := func(role tui.Role, key gossh.PublicKey, comment string) {
		id := string(key.Marshal())
		if old, ok := keys[id]; ok && old.role == tui.Operator {
			return
		}
		keys[id] = keyEntry{role: role, comment: comment}
	}
	for _, s := range k.sources {
		if s.path == "" {
			if key, comment, ok := k.parseLine(s.inline, "inline key"); ok {
				add(s.role, key, comment)
			}
			continue
		}
		k.stamps[s.path] = stamp(s.path)
		if err := k.readFile(s, add); err != nil {
			k.log.Warn("cannot read keys; they admit nobody until fixed", "file", s.path, "err", err)
		}
	}
	k.keys = keys
}

func (k *keyring) readFile(s keySource, add func(tui.Role, gossh.PublicKey, string)) error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeysFile+1))
	if err != nil {
		return err
	}
	if len(data) > maxKeysFile {
		return fmt.Errorf("larger than %d KiB", maxKeysFile>>10)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 16<<10), maxKeysFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if key, comment, ok := k.parseLine(line, fmt.Sprintf("%s:%d", s.path, n)); ok {
			add(s.role, key, comment)
		}
	}
	return sc.Err()
}

// parseLine parses one authorized_keys line. Lines with options are skipped: warroom does
// not enforce from=, command= and the like, and admitting such a key would widen access.
func (k *keyring) parseLine(line, where string) (gossh.PublicKey, string, bool) {
	key, comment, options, _, err := gossh.ParseAuthorizedKey([]byte(line))
	switch {
	case err != nil:
		k.log.Warn("not a public key; line skipped", "at", where)
		return nil, "", false
	case len(options) > 0:
		k.log.Warn("authorized_keys options (from=, command=, …) are not supported; key skipped — "+
			"remove the options to admit it", "at", where)
		return nil, "", false
	}
	if _, cert := key.(*gossh.Certificate); cert {
		k.log.Warn("certificates are not supported; key skipped", "at", where)
		return nil, "", false
	}
	return key, comment, true
}
