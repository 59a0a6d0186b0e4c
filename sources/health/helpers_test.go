package health

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

func TestMain(m *testing.M) {
	if os.Getenv(benchServerEnv) != "" {
		runBenchServer() // this process is the benchmark's server, not a test run
		return
	}
	goleak.VerifyTestMain(m)
}

// newProbe builds a probe through New and closes it when the test ends.
func newProbe(t testing.TB, h config.Health) sources.Source {
	t.Helper()
	if h.Name == "" {
		h.Name = "probe"
	}
	s, err := New(h, config.Defaults{Timeout: config.Duration(2 * time.Second)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.(io.Closer).Close() })
	return s
}

// testCert makes a self-signed certificate for names (DNS names or IP addresses) that
// expires at notAfter, and a pool that trusts it.
func testCert(t testing.TB, notAfter time.Time, names ...string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "warroom test"},
		NotBefore:             time.Now().Add(-48 * time.Hour),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// trust makes an HTTP probe trust pool (tests cannot add to the system roots).
func trust(s sources.Source, pool *x509.CertPool) {
	s.(*httpProbe).transport.TLSClientConfig.RootCAs = pool
}

// assertClean fails when any text of r could drive a terminal: an escape or control
// character in Error, Detail, Events or any string in Facts.
func assertClean(t *testing.T, r sources.Result) {
	t.Helper()
	check := func(where, s string) {
		if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) }); i >= 0 {
			t.Errorf("%s has a control character at %d: %q", where, i, s)
		}
	}
	check("Error", r.Error)
	check("Detail", r.Detail)
	for _, e := range r.Events {
		check("Event", e)
	}
	for k, v := range r.Facts {
		switch v := v.(type) {
		case string:
			check("Facts."+k, v)
		case []string:
			for _, s := range v {
				check("Facts."+k, s)
			}
		}
	}
}

// fact returns r.Facts[key], failing the test when the key is missing.
func fact(t *testing.T, r sources.Result, key string) any {
	t.Helper()
	v, ok := r.Facts[key]
	if !ok {
		t.Fatalf("Facts has no %q: %v", key, r.Facts)
	}
	return v
}

// expectStatus fails unless r has status want, and shows the whole result when it fails.
func expectStatus(t *testing.T, r sources.Result, want sources.Status) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %v, want %v; error %q detail %q facts %v", r.Status, want, r.Error, r.Detail, r.Facts)
	}
}

// freePort returns a loopback address nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}
