package pgwire

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
)

// The authentication requests of the protocol.
const (
	authOK           = 0
	authKerberosV5   = 2
	authCleartext    = 3
	authMD5          = 5
	authSCMCreds     = 6
	authGSS          = 7
	authGSSContinue  = 8
	authSSPI         = 9
	authSASL         = 10
	authSASLContinue = 11
	authSASLFinal    = 12
)

// login answers the server's authentication requests and reads the session's parameters
// until the server is ready for queries.
func (c *Conn) login(cfg *Config) error {
	var sc *scramClient
	for {
		t, body, err := c.readMsg()
		if err != nil {
			return err
		}
		switch t {
		case 'R':
			if sc, err = c.authStep(cfg, body, sc); err != nil {
				return err
			}
		case 'S':
			r := reader{b: body}
			k, v := r.cstr(), r.cstr()
			c.params[k] = v
		case 'K':
			r := reader{b: body}
			c.pid = uint32(r.int32())
		case 'E':
			return parseError(body)
		case 'Z':
			return nil
		case 'N', 'v': // notices; NegotiateProtocolVersion (options we did not ask for)
		default:
			return fmt.Errorf("unexpected message %q while logging in", t)
		}
	}
}

// authStep answers one authentication request.
func (c *Conn) authStep(cfg *Config, body []byte, sc *scramClient) (*scramClient, error) {
	r := reader{b: body}
	code := r.int32()
	if r.err != nil {
		return nil, r.err
	}
	needPassword := func() error {
		if cfg.Password == "" {
			return errors.New("the server asks for a password and none is given (set it in the DSN, PGPASSWORD or ~/.pgpass)")
		}
		return nil
	}
	switch code {
	case authOK:
		return nil, nil
	case authCleartext:
		if err := needPassword(); err != nil {
			return nil, err
		}
		return nil, c.sendPassword(cfg.Password)
	case authMD5:
		if err := needPassword(); err != nil {
			return nil, err
		}
		salt := r.bytes(4)
		if r.err != nil {
			return nil, r.err
		}
		return nil, c.sendPassword(md5Password(cfg.User, cfg.Password, salt))
	case authSASL:
		if err := needPassword(); err != nil {
			return nil, err
		}
		return c.saslStart(cfg.Password, &r)
	case authSASLContinue:
		if sc == nil {
			return nil, errors.New("the server continued a SASL exchange that was not started")
		}
		return sc, c.saslContinue(sc, r.b)
	case authSASLFinal:
		if sc == nil {
			return nil, errors.New("the server ended a SASL exchange that was not started")
		}
		return nil, sc.verifyFinal(r.b)
	case authKerberosV5, authGSS, authGSSContinue, authSSPI:
		return nil, errors.New("the server asks for GSSAPI/SSPI (Kerberos) authentication, which is not supported: " +
			"use scram-sha-256 for this user in pg_hba.conf")
	case authSCMCreds:
		return nil, errors.New("the server asks for SCM credentials authentication, which is not supported")
	}
	return nil, fmt.Errorf("the server asks for an unknown authentication method (%d)", code)
}

// md5Password is "md5" + md5hex(md5hex(password + user) + salt).
func md5Password(user, password string, salt []byte) string {
	inner := md5.Sum([]byte(password + user))
	outer := md5.Sum(append([]byte(hex.EncodeToString(inner[:])), salt...))
	return "md5" + hex.EncodeToString(outer[:])
}

func (c *Conn) sendPassword(pw string) error {
	c.w.start('p').str(pw).finish()
	return c.flush()
}

// saslStart picks SCRAM-SHA-256 from the offered mechanisms and sends the client-first
// message.
func (c *Conn) saslStart(password string, r *reader) (*scramClient, error) {
	offered := false
	for len(r.b) > 0 && r.err == nil {
		m := r.cstr()
		if m == "" {
			break
		}
		offered = offered || m == "SCRAM-SHA-256"
	}
	if !offered {
		return nil, errors.New("the server offers only SASL mechanisms that are not supported (SCRAM-SHA-256-PLUS needs channel binding)")
	}
	sc, err := newSCRAM(password)
	if err != nil {
		return nil, err
	}
	first := sc.clientFirst()
	c.w.start('p').str("SCRAM-SHA-256").int32(int32(len(first))).raw(first).finish()
	return sc, c.flush()
}

func (c *Conn) saslContinue(sc *scramClient, serverFirst []byte) error {
	final, err := sc.clientFinal(serverFirst)
	if err != nil {
		return err
	}
	c.w.start('p').raw(final).finish()
	return c.flush()
}
