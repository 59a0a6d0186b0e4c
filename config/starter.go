package config

import _ "embed"

//go:embed starter.yaml
var starter []byte

// Starter returns the commented starter warroom.yaml that `warroom init` writes: every
// section explained, the sources pointing at 127.0.0.1, and a small runsheet. It validates
// with no environment variables set.
func Starter() []byte {
	return append([]byte(nil), starter...)
}
