package config

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
)

// maxCAFile bounds a ca_file: a bundle of a few CAs is kilobytes; the system's is ~200 KB.
const maxCAFile = 4 << 20

// ReadCAFile reads a PEM bundle of CA certificates for a probe's ca_file and returns them as
// a pool, or an error that says what to do. The health source uses it too, so `validate`
// and the probe agree on what a usable file is.
func ReadCAFile(path string) (*x509.CertPool, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errors.New("no such file: give the path of a PEM file with your CA's certificate " +
			"(relative paths are from the config's folder)")
	case err != nil:
		return nil, err
	case fi.IsDir():
		return nil, errors.New("is a folder: give the path of a PEM file with your CA's certificate")
	case fi.Size() > maxCAFile:
		return nil, errors.New("is larger than 4 MiB: is it a PEM bundle of CA certificates?")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, errors.New("holds a CERTIFICATE block that is not a valid certificate")
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, errors.New("holds no PEM certificate (-----BEGIN CERTIFICATE-----): give your CA's certificate in PEM form")
	}
	return pool, nil
}

// caFile checks a probe's ca_file (only HTTP probes have one; onlyFor reports the others).
func (v *validator) caFile(item string, h Health) {
	path := item + ".ca_file"
	if h.CAFile == "" || v.bad[path] {
		return
	}
	if _, err := ReadCAFile(resolve(v.c.Dir, h.CAFile, v.env)); err != nil {
		v.errorf(v.at(path, h.Pos), "%s %s: %s", path, v.shown(path, h.CAFile), err)
	}
}
