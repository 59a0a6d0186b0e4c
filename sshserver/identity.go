package sshserver

import (
	"strings"
	"unicode"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/sanitize"
	"github.com/warroom-dev/warroom/tui"
)

// maxUserLen bounds the SSH user name shown and journaled; the client chooses it.
const maxUserLen = 32

// Identity is who a session is: the SSH user they gave, the role their key has and the key's
// fingerprint. It travels with the session into the board's Deps and the journal.
type Identity struct {
	User        string   // the SSH user name, sanitized; chosen by the client, so not proof
	Role        tui.Role // operator or viewer
	Fingerprint string   // SHA256:… of the key that logged in; "" without one
	Anonymous   bool     // admitted by allow_anonymous_viewers, not by a listed key
	KeyComment  string   // the key's comment in the authorized_keys file, if any
}

// Journal is how the identity is written in a transition's By: "ssh:USER SHA256:…". The
// fingerprint is the proof; the user name is what people read.
func (id Identity) Journal() string {
	return strings.TrimSpace("ssh:" + id.User + " " + id.Fingerprint)
}

// Watcher is how the identity is listed among who is watching.
func (id Identity) Watcher() string {
	switch {
	case id.Anonymous:
		return id.User + " (anonymous)"
	case id.Role == tui.Viewer:
		return id.User + " (viewer)"
	}
	return id.User
}

// identify works out a session's identity from the key it actually authenticated with
// (not from the auth callbacks, which also see keys the client only offered).
func (s *Server) identify(sess ssh.Session) (Identity, bool) {
	id := Identity{User: cleanUser(sess.User()), Role: tui.Viewer}
	key := sess.PublicKey()
	if key != nil {
		id.Fingerprint = gossh.FingerprintSHA256(key)
	}
	if e, ok := s.keys.lookup(key); ok {
		id.Role, id.KeyComment = e.role, cleanUser(e.comment)
		return id, true
	}
	if s.cfg.AllowAnonymousViewers {
		id.Anonymous = true
		return id, true
	}
	return id, false
}

// cleanUser keeps a client-chosen name printable, one word and short.
func cleanUser(u string) string { return clean(u, false) }

// cleanName keeps a name printable and short; spaces stay.
func cleanName(u string) string { return clean(u, true) }

// clean is sanitize.Line, at most maxUserLen runes, with every space (but ' ' when spaces
// is set) and every rune that is not a plain printable one (private use, unassigned) as '_';
// "?" when nothing is left.
func clean(u string, spaces bool) string {
	u = sanitize.Line(u)
	var b strings.Builder
	n := 0
	for _, r := range u {
		if n == maxUserLen {
			break
		}
		if !unicode.IsPrint(r) || (unicode.IsSpace(r) && !(spaces && r == ' ')) {
			r = '_'
		}
		b.WriteRune(r)
		n++
	}
	if b.Len() == 0 {
		return "?"
	}
	return b.String()
}
