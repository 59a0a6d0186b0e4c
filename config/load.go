package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/warroom-dev/warroom/sanitize"
)

// MaxFileSize is the largest config file read; a config is a few kilobytes.
const MaxFileSize = 1 << 20

// Load reads, interpolates (from the process environment), decodes, fills in defaults and
// validates the config at path. A config with problems returns Errors listing all of them.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("config %s not found: write a starter one with `warroom init`, or pass -c PATH", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	return Parse(data, path, os.LookupEnv)
}

// Parse decodes a config from data. file names it in error messages and relative paths in
// it resolve against file's folder; env supplies ${VAR} values (nil: none are set). It
// returns either the complete config with defaults filled in, or Errors (every problem,
// sorted by position, each as FILE:LINE:COL: message).
func Parse(data []byte, file string, env func(string) (string, bool)) (*Config, error) {
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	name := file
	if name == "" {
		name = "<config>"
	}
	d := newDecoder(name, env)
	if len(data) > MaxFileSize {
		d.errorf(Pos{Line: 1, Col: 1}, "the file is larger than %d bytes: is it the right file?", MaxFileSize)
		return nil, d.errs
	}
	// A UTF-8 byte order mark (Windows editors write one) is not part of the first key.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return nil, syntaxError(name, data, err)
	}
	c := &Config{File: file, Dir: dirOf(file)}
	if root := d.document(f); root != nil {
		d.collectAnchors(root)
		d.decode(root, reflect.ValueOf(c).Elem(), "", 0)
		d.loadSheet(c)
	}
	validate(c, d)
	applyDefaults(c, env)
	resolvePaths(c, env)
	if len(d.errs) > 0 {
		return nil, d.errs.Sort()
	}
	return c, nil
}

// document returns the body of the only document in f, reporting any further document.
func (d *decoder) document(f *ast.File) ast.Node {
	var body ast.Node
	for i, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if i > 0 && body != nil {
			p := nodePos(doc.Body)
			if doc.Start != nil {
				p = tokenPos(doc.Start)
			}
			d.errorf(p, "a second YAML document: a config is one document, remove this --- and what follows")
			break
		}
		body = doc.Body
	}
	return body
}

// syntaxError turns a YAML parse error into Errors with its position.
func syntaxError(file string, data []byte, err error) Errors {
	pos, msg := Pos{Line: 1, Col: 1}, err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			pos = tokenPos(tk)
		}
	}
	msg = "YAML syntax: " + clean(msg)
	line := lineOf(data, pos.Line)
	switch {
	case strings.Contains(line, "${") && strings.Contains(msg, "'}'"):
		msg += ` (inside {…} a ${VAR} must be quoted: "${VAR}")`
	case strings.Contains(msg, `\t`) || strings.Contains(msg, "tab character"):
		msg += " (indent with spaces, not tabs)"
	case strings.Contains(msg, "not allowed in this context"):
		msg += " (check the indentation and that a value with ': ' in it is quoted)"
	}
	return Errors{{File: file, Pos: pos, Msg: msg}}
}

// lineOf returns line n (1-based) of data, or "".
func lineOf(data []byte, n int) string {
	lines := strings.SplitN(string(data), "\n", n+1)
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// clean keeps a message from the YAML library (or a name from the file) on one line, with any
// control, bidi or escape character written out (sanitize.Escape).
func clean(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return sanitize.Escape(cut(s, 200))
}

// cut shortens s to at most n runes.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// dirOf is the absolute folder of file (the working directory for "").
func dirOf(file string) string {
	dir := "."
	if file != "" {
		dir = filepath.Dir(file)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}
