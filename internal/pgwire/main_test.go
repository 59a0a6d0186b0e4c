package pgwire_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/internal/leaktest"
	"github.com/warroom-dev/warroom/internal/proctest"
	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

// Two real servers shared by the tests: tlsSrv has ssl = on with a certificate for
// "localhost" (no IP address) signed by a CA made here, and one pg_hba.conf line per
// authentication method; plainSrv has no TLS.
var (
	tlsSrv, plainSrv *pgtest.Server
	srvErr           error
	certDir          string // ca.pem (the servers' CA) and other-ca.pem (a CA that signed nothing)
)

// The accounts of tlsSrv: one per authentication method.
const (
	pwClear = "clear-pw-1"
	pwMD5   = "md5-pw-2"
	pwSCRAM = "scram-pw-3"
	pwPrep  = "p\u00e4 ss"
)

var hba = []string{
	"local all all trust",
	"host all postgres 127.0.0.1/32 trust",
	"host all u_trust 127.0.0.1/32 trust",
	"host all u_clear 127.0.0.1/32 password",
	"host all u_md5 127.0.0.1/32 md5",
	"host all u_gss 127.0.0.1/32 gss",
	"hostssl all u_tls 127.0.0.1/32 scram-sha-256",
	"hostnossl all u_tls 127.0.0.1/32 reject",
	"host all all 127.0.0.1/32 scram-sha-256",
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		var err error
		if certDir, err = os.MkdirTemp("", "pgwire-certs-"); err != nil {
			srvErr = err
			return m.Run()
		}
		defer os.RemoveAll(certDir)
		srvErr = pgtest.Available()
		if srvErr == nil && testing.Short() && os.Getenv("WARROOM_REQUIRE_DB") != "1" {
			srvErr = errors.New("-short: servers not started")
		}
		if srvErr == nil && fuzzing() {
			srvErr = errors.New("fuzzing: servers not started")
		}
		if srvErr == nil {
			srvErr = startServers()
		}
		defer func() {
			for _, s := range []*pgtest.Server{tlsSrv, plainSrv} {
				if s != nil {
					_ = s.Remove()
				}
			}
		}()
		return m.Run()
	}()
	leaktest.Exit(code)
}

func startServers() error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	files, err := makeCerts(certDir)
	if err != nil {
		return err
	}
	tlsSrv, err = pgtest.StartServer(ctx, "tls", pgtest.Options{HBA: hba, Files: files, Settings: []string{
		"ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'", "log_connections = on"}})
	if err != nil {
		return err
	}
	if plainSrv, err = pgtest.StartServer(ctx, "plain", pgtest.Options{}); err != nil {
		return err
	}
	return tlsSrv.Exec(ctx, "postgres",
		"CREATE ROLE u_trust LOGIN",
		"CREATE ROLE u_clear LOGIN PASSWORD '"+pwClear+"'",
		"SET password_encryption = 'md5'; CREATE ROLE u_md5 LOGIN PASSWORD '"+pwMD5+"'; RESET password_encryption",
		"CREATE ROLE u_scram LOGIN PASSWORD '"+pwSCRAM+"'",
		"CREATE ROLE u_tls LOGIN PASSWORD '"+pwSCRAM+"'",
		"CREATE ROLE u_gss LOGIN",
		"CREATE ROLE u_prep LOGIN PASSWORD '"+pwPrep+"'",
	)
}

// fuzzing reports whether this binary runs a fuzz target (or is one of its workers).
func fuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" && f.Value.String() != "false" {
			return true
		}
	}
	return false
}

// need skips a test without servers, or fails it when WARROOM_REQUIRE_DB=1.
func need(t *testing.T) {
	t.Helper()
	if srvErr == nil && tlsSrv != nil {
		return
	}
	proctest.Missing(t, "the PostgreSQL servers did not start", srvErr)
}

// makeCerts writes ca.pem and other-ca.pem to dir and returns the server's certificate
// (for "localhost" only, signed by ca.pem) and key as data-directory files.
func makeCerts(dir string) (map[string][]byte, error) {
	ca, caKey, caPEM, err := newCA("pgwire test CA")
	if err != nil {
		return nil, err
	}
	_, _, otherPEM, err := newCA("pgwire other CA")
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), caPEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "other-ca.pem"), otherPEM, 0o600); err != nil {
		return nil, err
	}
	return map[string][]byte{
		"server.crt": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		"server.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

func newCA(name string) (*x509.Certificate, *ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), err
}
