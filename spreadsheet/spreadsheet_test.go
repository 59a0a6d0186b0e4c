package spreadsheet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// Fill is the part of a cell's fill the test compares.
type Fill struct {
	Type    string
	Pattern int
}

func sample() Table {
	started := time.Date(2026, 12, 6, 2, 37, 2, 0, time.UTC)
	return Table{Name: "Runsheet", Rows: [][]Cell{
		{TextCell("id"), TextCell("title"), TextCell("planned"), TextCell("actual"), TextCell("started")},
		{TextCell("freeze"), TextCell("Old primary read-only, <now> & \"quoted\""), DurationCell(5 * time.Minute), DurationCell(3*time.Minute + 7*time.Second), TimeCell(started)},
		{TextCell("dns"), TextCell("two\nlines"), DurationCell(90 * time.Minute), func() Cell { c := DurationCell(2 * time.Hour); c.Highlight = true; return c }(), {}},
	}}
}

// TestXLSXReadByExcelize: what we write, a real spreadsheet library reads — values, time
// formats and the highlight of an overrun.
func TestXLSXReadByExcelize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "plan.xlsx")
	if err := Write(path, sample()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Runsheet" {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows("Runsheet")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "title", "planned", "actual", "started"},
		{"freeze", `Old primary read-only, <now> & "quoted"`, "0:05:00", "0:03:07", "2026-12-06 02:37:02"},
		{"dns", "two\nlines", "1:30:00", "2:00:00"},
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	// excelize reports fill colours only through a theme part; the solid pattern is what
	// tells an overrun from a cell on time.
	fill := func(ref string) Fill {
		t.Helper()
		id, err := f.GetCellStyle("Runsheet", ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return Fill{st.Fill.Type, st.Fill.Pattern}
	}
	if got := fill("D3"); got != (Fill{"pattern", 1}) {
		t.Errorf("overrun D3 fill = %+v, want a solid pattern", got)
	}
	if got := fill("D2"); got.Pattern == 1 {
		t.Errorf("on-time D2 fill = %+v, want none", got)
	}
	// Our own reader reads it back the same.
	tables, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	got := tables[0].Rows
	if got[1][2].Kind != Duration || got[1][2].AsDuration() != 5*time.Minute || got[1][4].Kind != DateTime {
		t.Errorf("read back: %+v", got[1])
	}
	if got[2][1].Text != "two\nlines" {
		t.Errorf("multi-line cell read back as %q", got[2][1].Text)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.csv")
	if err := Write(path, sample()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "freeze,\"Old primary read-only, <now> & \"\"quoted\"\"\",0:05:00,0:03:07,2026-12-06T02:37:02Z") {
		t.Errorf("csv:\n%s", data)
	}
	tables, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if r := tables[0].Rows; len(r) != 3 || r[2][1].Text != "two\nlines" || r[1][1].Text != `Old primary read-only, <now> & "quoted"` {
		t.Errorf("read back: %+v", r)
	}
}

func TestSniffDelimiter(t *testing.T) {
	for in, want := range map[string]rune{
		"a,b,c\n":             ',',
		"a;b;c\n":             ';',
		"a\tb\tc\n":           '\t',
		"\"x;y;z\",b,c\n":     ',',
		"title;\"a,b,c,d\"\n": ';',
	} {
		if got := sniffDelimiter([]byte(in)); got != want {
			t.Errorf("sniff(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatKind(t *testing.T) {
	for _, tc := range []struct {
		id   int
		code string
		want Kind
	}{
		{20, "", Duration}, {46, "", Duration}, {14, "", DateTime}, {22, "", DateTime}, {0, "", Number}, {2, "", Number},
		{164, "[h]:mm:ss", Duration}, {164, "h:mm", Duration}, {164, "mm:ss", Duration}, {164, `[Red]0.00" min"`, Number},
		{164, "yyyy-mm-dd hh:mm", DateTime}, {164, "d-mmm", DateTime}, {164, `0.0"h"`, Number}, {164, "[$-409]h:mm AM/PM", Duration},
	} {
		if got := formatKind(tc.id, tc.code); got != tc.want {
			t.Errorf("formatKind(%d, %q) = %v, want %v", tc.id, tc.code, got, tc.want)
		}
	}
}

func TestReadRefusesOthers(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"plan.xls", "plan.ods", "plan.pdf"} {
		if _, err := Read(filepath.Join(dir, name)); err == nil || !strings.Contains(err.Error(), ".xlsx or .csv") && !strings.Contains(err.Error(), ".csv or .xlsx") {
			t.Errorf("Read(%s) = %v", name, err)
		}
	}
	bad := filepath.Join(dir, "bad.xlsx")
	os.WriteFile(bad, []byte("not a zip"), 0o644)
	if _, err := Read(bad); err == nil || !strings.Contains(err.Error(), "not an .xlsx workbook") {
		t.Errorf("Read(bad.xlsx) = %v", err)
	}
}

// FuzzParseCSV: any bytes give a table or an error, never a panic, within the limits.
func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("id;title\n1;\"a\nb\"\n\n2;c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParseCSV(data)
		if err == nil && len(tb.Rows) > MaxRows {
			t.Fatalf("%d rows", len(tb.Rows))
		}
	})
}

// TestCSVFormulaGuard: text that a sheet program would run as a formula is written as text,
// and reads back as written.
func TestCSVFormulaGuard(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.csv")
	cells := []string{"=HYPERLINK(\"http://x\",\"y\")", "+1", "-e 'SET GLOBAL read_only=1'", "@SUM(A1)", "plain"}
	row := make([]Cell, len(cells))
	for i, c := range cells {
		row[i] = TextCell(c)
	}
	if err := Write(path, Table{Rows: [][]Cell{row}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), ",") {
		if strings.ContainsRune(formulaStart, rune(strings.Trim(line, `"`)[0])) {
			t.Errorf("cell %q starts like a formula in %s", line, data)
		}
	}
	tables, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range tables[0].Rows[0] {
		if c.Text != cells[i] {
			t.Errorf("cell %d reads back as %q, want %q", i, c.Text, cells[i])
		}
	}
}
