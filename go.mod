module github.com/warroom-dev/warroom

go 1.26.8
