# The two commands of the README: `go run . demo` shows the board; `make test` runs every test.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: test build demo vet bench

# Every test, with the race detector, against real MariaDB servers the tests start
# themselves (WARROOM_REQUIRE_DB=1 makes them fail instead of skipping when they cannot).
test:
	./scripts/test-deps
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above"; exit 1)
	$(GO) vet ./...
	# go.mod and go.sum must be tidy: -diff prints what tidy would change and fails if anything
	$(GO) mod tidy -diff || (echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1)
	# the release targets must keep compiling (goreleaser builds these without cgo)
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null .
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null .
	WARROOM_REQUIRE_DB=1 WARROOM_REQUIRE_BROWSER=1 $(GO) test -race -count=1 -timeout 20m ./...

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o warroom .

demo:
	$(GO) run . demo

vet:
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./board ./tui ./widgets
