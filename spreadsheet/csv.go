package spreadsheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// readCSVFile reads a CSV file: comma, semicolon or tab separated (whichever the header row
// uses most), a UTF-8 BOM skipped, quoted cells with separators and newlines kept whole.
func readCSVFile(path string) (Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return Table{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return Table{}, err
	}
	if len(data) > maxBytes {
		return Table{}, fmt.Errorf("%s is larger than %d MiB: is it the right file?", filepath.Base(path), maxBytes>>20)
	}
	t, err := ParseCSV(data)
	t.Name = filepath.Base(path)
	return t, err
}

// ParseCSV reads CSV data as ReadCSV does a file.
func ParseCSV(data []byte) (Table, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return Table{}, errors.New("the file is not UTF-8 text: save it as \"CSV UTF-8\"")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffDelimiter(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var t Table
	line := 1 // the next line to be read
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return t, fmt.Errorf("row %d: %w", len(t.Rows)+1, err)
		}
		start, _ := r.FieldPos(0)
		for ; line < start; line++ {
			t.Rows = append(t.Rows, nil) // a blank line is an empty row
		}
		last, _ := r.FieldPos(len(rec) - 1)
		line = last + strings.Count(rec[len(rec)-1], "\n") + 1
		if len(t.Rows) >= MaxRows {
			return t, fmt.Errorf("more than %d rows: is it the right file?", MaxRows)
		}
		if len(rec) > MaxCols {
			return t, fmt.Errorf("row %d has more than %d columns", len(t.Rows)+1, MaxCols)
		}
		row := make([]Cell, len(rec))
		for i, s := range rec {
			if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
				s = s[1:] // text marked as not a formula
			}
			row[i] = TextCell(s)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// sniffDelimiter picks the separator the first line uses most, outside quotes: what a
// spreadsheet program writes depends on the locale (";" where "," is the decimal point).
func sniffDelimiter(data []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(data) {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if r == '\n' {
			break
		}
		if r == ',' || r == ';' || r == '\t' {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// writeCSVFile writes t as comma-separated UTF-8 with a header row, durations as H:MM:SS and
// times as RFC 3339, through a temporary file renamed into place.
func writeCSVFile(path string, t Table) error {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, t); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// WriteCSV writes t to w as comma-separated UTF-8: durations as H:MM:SS, times as RFC 3339.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = csvText(c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaStart are the first characters that make a spreadsheet program read a CSV cell as a
// formula (an outside note "=HYPERLINK(…)" would run when the export is opened).
const formulaStart = "=+-@\t\r"

// csvText is how a cell is written in CSV. Text that a sheet program would take for a
// formula gets a leading ' (its own "this is text" mark), which the reader takes off again.
func csvText(c Cell) string {
	if c.Kind == Text && c.Text != "" && strings.ContainsRune(formulaStart, rune(c.Text[0])) {
		return "'" + c.Text
	}
	if c.Kind == Duration {
		d := c.AsDuration()
		neg := ""
		if d < 0 {
			neg, d = "-", -d
		}
		s := int64(d.Seconds())
		return fmt.Sprintf("%s%d:%02d:%02d", neg, s/3600, s/60%60, s%60)
	}
	return c.Text
}

// writeFileAtomic writes data to a temporary file beside path and renames it into place, so
// a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
