package pgwire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
)

// startTLS sends an SSLRequest and, when the server agrees, does the TLS handshake.
func (c *Conn) startTLS(ctx context.Context, cfg *Config, must bool) error {
	c.w.start(0).int32(sslRequestCode).finish()
	if err := c.flush(); err != nil {
		return err
	}
	var answer [1]byte
	if _, err := io.ReadFull(c.nc, answer[:]); err != nil {
		return err
	}
	switch answer[0] {
	case 'N':
		if must {
			return fmt.Errorf("the server refused TLS (sslmode=%s)", cfg.SSLMode)
		}
		return nil
	case 'S':
	default:
		return fmt.Errorf("the server answered the TLS request with %q: is it a PostgreSQL server?", answer[0])
	}
	tc, err := tlsConfig(cfg)
	if err != nil {
		return err
	}
	conn := tls.Client(c.nc, tc)
	if err := conn.HandshakeContext(ctx); err != nil {
		return &tlsError{err}
	}
	c.nc = conn
	return nil
}

// tlsConfig is crypto/tls's side of cfg.SSLMode: verify-full checks the chain and the host
// name, verify-ca only the chain, require checks nothing unless sslrootcert is given (then
// it is verify-ca, as in libpq), allow and prefer check nothing.
func tlsConfig(cfg *Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if net.ParseIP(cfg.Host) == nil && cfg.Host != "" {
		tc.ServerName = cfg.Host // SNI, and the name verify-full checks
	}
	if cfg.SSLCert != "" {
		pair, err := tls.LoadX509KeyPair(cfg.SSLCert, cfg.SSLKey)
		if err != nil {
			return nil, fmt.Errorf("sslcert/sslkey: %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	roots, err := rootPool(cfg.SSLRootCert)
	if err != nil {
		return nil, err
	}
	mode := cfg.SSLMode
	if mode == "require" && cfg.SSLRootCert != "" {
		mode = "verify-ca"
	}
	switch mode {
	case "verify-full":
		tc.RootCAs = roots
		if tc.ServerName == "" {
			tc.ServerName = cfg.Host // an IP address: checked against the IP SANs
		}
	case "verify-ca":
		tc.InsecureSkipVerify = true // the chain is checked below, the name is not
		tc.VerifyConnection = func(cs tls.ConnectionState) error { return verifyChain(cs, roots) }
	default:
		tc.InsecureSkipVerify = true
	}
	return tc, nil
}

// rootPool reads sslrootcert; nil (the system's roots) for "" or "system".
func rootPool(path string) (*x509.CertPool, error) {
	if path == "" || path == "system" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sslrootcert: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("sslrootcert %s holds no PEM certificate", path)
	}
	return pool, nil
}

// verifyChain checks the server's certificate chain against roots (nil: the system's).
func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
	for _, ic := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(ic)
	}
	_, err := cs.PeerCertificates[0].Verify(opts)
	return err
}
