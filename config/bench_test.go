package config

import (
	"os"
	"testing"
)

// BenchmarkParseExample measures decoding and validating the whole example schema.
func BenchmarkParseExample(b *testing.B) {
	data, err := os.ReadFile("testdata/market-cutover.yaml")
	if err != nil {
		b.Fatal(err)
	}
	env := envOf(exampleEnv)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, "market-cutover.yaml", env); err != nil {
			b.Fatal(err)
		}
	}
}
