package pgwire

import (
	"bytes"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxSCRAMIterations bounds the PBKDF2 work a server may ask for (PostgreSQL's default is
// 4096): a hostile server must not make the client spin for minutes.
const maxSCRAMIterations = 10_000_000

// scramClient is the client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without
// channel binding.
type scramClient struct {
	user, password string // user is sent empty to PostgreSQL, which uses the startup user
	nonce          string
	firstBare      string
	serverSig      []byte // what the server must prove in its final message
}

func newSCRAM(password string) (*scramClient, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return &scramClient{password: saslPrep(password), nonce: base64.StdEncoding.EncodeToString(b)}, nil
}

// clientFirst is "n,," (no channel binding) + "n=user,r=nonce".
func (s *scramClient) clientFirst() []byte {
	s.firstBare = "n=" + s.user + ",r=" + s.nonce
	return []byte("n,," + s.firstBare)
}

// clientFinal answers the server-first message with the proof of the password.
func (s *scramClient) clientFinal(serverFirst []byte) ([]byte, error) {
	attrs := scramAttrs(string(serverFirst))
	nonce, salt64, iter := attrs["r"], attrs["s"], attrs["i"]
	if !strings.HasPrefix(nonce, s.nonce) || len(nonce) == len(s.nonce) {
		return nil, errors.New("SCRAM: the server's nonce does not extend ours")
	}
	salt, err := base64.StdEncoding.DecodeString(salt64)
	if err != nil || len(salt) == 0 {
		return nil, errors.New("SCRAM: the server sent an invalid salt")
	}
	n, err := strconv.Atoi(iter)
	if err != nil || n < 1 || n > maxSCRAMIterations {
		return nil, errors.New("SCRAM: the server asked for an invalid iteration count")
	}
	salted, err := pbkdf2.Key(sha256.New, s.password, salt, n, sha256.Size)
	if err != nil {
		return nil, err
	}
	clientKey := hmacSHA256(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	withoutProof := "c=biws,r=" + nonce
	authMsg := s.firstBare + "," + string(serverFirst) + "," + withoutProof
	proof := hmacSHA256(stored[:], authMsg)
	for i := range proof {
		proof[i] ^= clientKey[i]
	}
	s.serverSig = hmacSHA256(hmacSHA256(salted, "Server Key"), authMsg)
	return []byte(withoutProof + ",p=" + base64.StdEncoding.EncodeToString(proof)), nil
}

// verifyFinal checks the server's signature: it proves the server knows the password too.
func (s *scramClient) verifyFinal(serverFinal []byte) error {
	attrs := scramAttrs(string(serverFinal))
	if e, ok := attrs["e"]; ok {
		return errors.New("SCRAM: the server refused: " + e)
	}
	sig, err := base64.StdEncoding.DecodeString(attrs["v"])
	if err != nil || s.serverSig == nil || !hmac.Equal(sig, s.serverSig) {
		return errors.New("SCRAM: the server's signature is wrong (it does not know the password: not the server you meant?)")
	}
	return nil
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// scramAttrs splits "a=1,b=2" into its attributes.
func scramAttrs(s string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && len(k) == 1 {
			if _, seen := m[k]; !seen {
				m[k] = v
			}
		}
	}
	return m
}

// saslPrep is the part of SASLprep (RFC 4013) this client does: an ASCII password is used as
// it is (SASLprep of printable ASCII is the identity; libpq uses any other password as it is
// when SASLprep fails), and in any other UTF-8 password non-ASCII spaces become a space and
// the characters SASLprep maps to nothing are dropped. NFKC is not applied: a password
// with compatibility characters must be given in NFKC form.
func saslPrep(pw string) string {
	if !utf8.ValidString(pw) || isASCII(pw) {
		return pw
	}
	var b bytes.Buffer
	for _, r := range pw {
		switch {
		case r < 0x20 || r == 0x7f:
			return pw // prohibited: libpq falls back to the password as given
		case mappedToNothing(r):
		case nonASCIISpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// mappedToNothing is RFC 3454 table B.1.
func mappedToNothing(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x1806, r >= 0x180B && r <= 0x180D, r >= 0x200B && r <= 0x200D,
		r == 0x2060, r >= 0xFE00 && r <= 0xFE0F, r == 0xFEFF:
		return true
	}
	return false
}

// nonASCIISpace is RFC 3454 table C.1.2.
func nonASCIISpace(r rune) bool {
	switch {
	case r == 0x00A0, r == 0x1680, r >= 0x2000 && r <= 0x200B, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}
