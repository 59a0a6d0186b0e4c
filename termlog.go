package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	charmlog "charm.land/log/v2"
)

// logFileName is where library log output goes while a board owns the terminal: beside the
// journal (docs/board.md).
const logFileName = "warroom.log"

// quietLogs sends what libraries log through the standard logger (net/http's "Unsolicited
// response received on idle HTTP channel"; log/slog's default logger writes through it too)
// and through charm.land/log's default logger to warroom.log in dir, or nowhere when that file
// cannot be opened, so that nothing but the renderer writes to the terminal while a board runs
// (issue 11: an endpoint sending bytes after its answer scrambled the screen once a poll).
// The returned function puts the loggers back and closes the file; where is the file's path,
// or "" when the output is dropped.
func quietLogs(dir string) (restore func(), where string) {
	var out io.Writer = io.Discard
	var file *os.File
	if dir != "" {
		path := filepath.Join(dir, logFileName)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err == nil {
			file, out, where = f, f, path
		}
	}
	prevOut, prevFlags, prevPrefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetOutput(out)
	log.SetFlags(log.LstdFlags | log.LUTC)
	log.SetPrefix("")
	charmlog.SetOutput(out)
	return func() {
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
		log.SetPrefix(prevPrefix)
		charmlog.SetOutput(os.Stderr) // its default; charm.land/log cannot say what it had
		if file != nil {
			_ = file.Close()
		}
	}, where
}

// withQuietLogs runs fn with library logs in warroom.log beside the journal; afterwards, if
// anything was written there, it says so on stderr (the terminal is the user's again).
func withQuietLogs(journal string, stderr io.Writer, fn func() error) error {
	dir := ""
	if journal != "" {
		dir = filepath.Dir(journal)
	}
	restore, where := quietLogs(dir)
	before := fileSize(where)
	err := fn()
	restore()
	if where != "" && fileSize(where) > before {
		fmt.Fprintf(stderr, "warroom: library messages logged while the board ran are in %s\n", where)
	}
	return err
}

func fileSize(path string) int64 {
	if path == "" {
		return 0
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
