package health

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// privateCA makes a CA and a server certificate for 127.0.0.1 signed by it; it returns the
// server's certificate and the CA's in PEM.
func privateCA(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "warroom test private CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

// A probe of a server whose certificate a private CA signed: untrusted without ca_file,
// ok with ca_file naming the CA's PEM file relative to the config's folder (read through
// config.Parse, as warroom does).
func TestCAFileTrustsAPrivateCA(t *testing.T) {
	cert, caPEM := privateCA(t)
	srv := tlsServer(t, cert)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "certs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "certs", "ca.pem"), caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	parse := func(extra string) config.Health {
		t.Helper()
		src := "health:\n  - name: private\n    url: " + srv.URL + "/healthz\n" + extra
		c, err := config.Parse([]byte(src), filepath.Join(dir, "warroom.yaml"), nil)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		return c.Health[0]
	}

	without := newProbe(t, parse(""))
	r := without.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if !strings.Contains(r.Error, "TLS") {
		t.Errorf("without ca_file: error %q, want a TLS trust error", r.Error)
	}

	h := parse("    ca_file: certs/ca.pem\n")
	if h.CAFile != filepath.Join(dir, "certs", "ca.pem") {
		t.Errorf("ca_file resolved to %q, want it beside the config", h.CAFile)
	}
	with := newProbe(t, h)
	r = with.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	if r.Error != "" {
		t.Errorf("with ca_file: error %q", r.Error)
	}
}

// A ca_file that is missing or holds no certificate is a config error at its line.
func TestCAFileErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "empty.pem"), []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"missing.pem": "no such file",
		"empty.pem":   "holds no PEM certificate",
	} {
		src := "health:\n  - name: p\n    url: https://127.0.0.1:8443/\n    ca_file: " + file + "\n" +
			"  - name: t\n    tcp: 127.0.0.1:5432\n    ca_file: " + file + "\n"
		_, err := config.Parse([]byte(src), filepath.Join(dir, "warroom.yaml"), nil)
		if err == nil {
			t.Fatalf("%s: Parse accepted it", file)
		}
		msg := err.Error()
		if !strings.Contains(msg, "warroom.yaml:4:14: health[0].ca_file") || !strings.Contains(msg, want) {
			t.Errorf("%s: errors %q, want %q at 4:14", file, msg, want)
		}
		if !strings.Contains(msg, "ca_file applies only to url probes") {
			t.Errorf("%s: a tcp probe's ca_file is not refused: %q", file, msg)
		}
	}
}
