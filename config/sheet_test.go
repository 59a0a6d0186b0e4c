package config

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// parseIn writes files into a fresh folder, then parses the config w.yaml there.
func parseIn(t *testing.T, files map[string]string, config string) (*Config, error, string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "w.yaml")
	c, err := Parse([]byte(config), file, nil)
	return c, err, dir
}

// errorLines is every error as FILE:LINE:COL: message, with the folder cut off.
func errorLines(t *testing.T, err error, dir string) []string {
	t.Helper()
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error is %T, want Errors: %v", err, err)
	}
	var out []string
	for _, e := range es {
		out = append(out, strings.TrimPrefix(e.Error(), dir+string(filepath.Separator)))
	}
	return out
}

// A sheet as a spreadsheet program in a ';' locale saves it: a BOM, a title row above the
// header, headers in other words, a section heading, blank rows, quoted cells with the
// separator and newlines, durations written four ways, dependencies by step number.
const plainCSV = "\ufeffMarket cutover plan;;;;;\n" +
	"Step #;Task;Who;Duration;Depends on;Command;Rollback\n" +
	"PHASE 1 — PREPARATION;;;;;;\n" +
	"1;Customers told;comms;5 min;;\"mail --to all; wait\";\n" +
	"\n" +
	"2;Old primary read-only;dba;0:05;1;\"mysql -e 'SET GLOBAL read_only=1'\n-- then check\";\"SET GLOBAL read_only=0\"\n" +
	";;;;;;\n" +
	"PHASE 2 — MOVE;;;;;;\n" +
	"3;Cloud writer caught up;dba;1:02:03;2;;\n" +
	"4;DNS switched;infra;10;2, 3;;\n"

func TestSheetCSV(t *testing.T) {
	c, err, _ := parseIn(t, map[string]string{"plan.csv": plainCSV}, "runsheet: {from: plan.csv}\n")
	if err != nil {
		t.Fatal(err)
	}
	cps := c.Runsheet.Checkpoints
	if len(cps) != 4 {
		t.Fatalf("%d checkpoints, want 4: %+v", len(cps), cps)
	}
	want := []struct {
		id, title, owner string
		planned          time.Duration
		after            []string
		row              int
	}{
		{"customers-told", "Customers told", "comms", 5 * time.Minute, nil, 4},
		{"old-primary-read-only", "Old primary read-only", "dba", 5 * time.Minute, []string{"customers-told"}, 6},
		{"cloud-writer-caught-up", "Cloud writer caught up", "dba", time.Hour + 2*time.Minute + 3*time.Second, []string{"old-primary-read-only"}, 9},
		{"dns-switched", "DNS switched", "infra", 10 * time.Minute, []string{"old-primary-read-only", "cloud-writer-caught-up"}, 10},
	}
	for i, w := range want {
		cp := cps[i]
		if cp.ID != w.id || cp.Title != w.title || cp.Owner != w.owner || cp.Planned.D() != w.planned || !reflect.DeepEqual(cp.After, w.after) || cp.Pos.Line != w.row {
			t.Errorf("checkpoint %d = {%q %q %q %v %v row %d}, want %+v", i, cp.ID, cp.Title, cp.Owner, cp.Planned.D(), cp.After, cp.Pos.Line, w)
		}
	}
	if cps[0].Command != "mail --to all; wait" || !strings.Contains(cps[1].Command, "\n-- then check") {
		t.Errorf("quoted cells: %q, %q", cps[0].Command, cps[1].Command)
	}
	if cps[1].Rollback != "SET GLOBAL read_only=0" {
		t.Errorf("rollback = %q", cps[1].Rollback)
	}
}

// TestSheetErrors: every problem at once, each at the sheet's row and column.
func TestSheetErrors(t *testing.T) {
	csv := "id,title,owner,planned,after,cutover\n" +
		"a,First,ops,5m,,\n" +
		"b,Second,ops,soon,,\n" +
		"c,Third,ops,5m,zzz,maybe\n" +
		"a,Again,ops,-3,,\n"
	_, err, dir := parseIn(t, map[string]string{"plan.csv": csv}, "runsheet:\n  from: plan.csv\n")
	got := strings.Join(errorLines(t, err, dir), "\n")
	for _, want := range []string{
		`plan.csv:3:4: duration "soon": write 5m, 0:05 or 5 min`,
		`plan.csv:4:5: checkpoint "zzz" is not defined`,
		`plan.csv:4:6: cutover "maybe": write yes or leave it empty`,
		`plan.csv:5:1: duplicate checkpoint id "a" (first at 2:1)`,
		`plan.csv:5:4: duration "-3": write 5m, 0:05 or 5 min`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q; got:\n%s", want, got)
		}
	}
}

// TestSheetOverlay: the YAML adds gates and expectations by id, its own positions kept; an
// id the sheet lacks is an error at the YAML's line.
func TestSheetOverlay(t *testing.T) {
	csv := "id,title,owner,planned\nfreeze,Old primary read-only,dba,5m\ndns,DNS switched,infra,10m\n"
	cfg := `databases:
  - {name: old, dsn: "u:p@tcp(127.0.0.1:3306)/"}
runsheet:
  from: {file: plan.csv}
  checkpoints:
    - id: freeze
      expect: {old: read_only}
      owner: dana
    - id: dsn
      gate: "true"
`
	_, err, dir := parseIn(t, map[string]string{"plan.csv": csv}, cfg)
	lines := errorLines(t, err, dir)
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "w.yaml:9:11: runsheet.checkpoints[1]: checkpoint \"dsn\" is not in") ||
		!strings.Contains(lines[0], `did you mean "dns"?`) {
		t.Fatalf("errors = %q", lines)
	}
	c, err, _ := parseIn(t, map[string]string{"plan.csv": csv}, strings.Replace(cfg, "id: dsn", "id: dns", 1))
	if err != nil {
		t.Fatal(err)
	}
	cps := c.Runsheet.Checkpoints
	if cps[0].Owner != "dana" || cps[0].Expect["old"] != "read_only" || cps[0].Title != "Old primary read-only" || cps[0].Planned.D() != 5*time.Minute {
		t.Errorf("freeze = %+v", cps[0])
	}
	if cps[1].Gate != "true" || cps[1].GatePos.Line != 10 || cps[1].GatePos.File != "" {
		t.Errorf("dns gate = %q at %+v, want the YAML's line 10", cps[1].Gate, cps[1].GatePos)
	}
	// A bad expectation in the overlay is reported at the YAML's line, not the sheet's.
	_, err, dir = parseIn(t, map[string]string{"plan.csv": csv}, strings.Replace(cfg, "{old: read_only}", "{old: frozen}", 1))
	if got := errorLines(t, err, dir); len(got) == 0 || !strings.HasPrefix(got[0], "w.yaml:") {
		t.Errorf("errors = %q, want the overlay's expect reported in w.yaml", got)
	}
}

func TestSheetMissingAndBad(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"missing":   {nil, "plan.csv not found: the path is relative to the config's folder"},
		"no header": {map[string]string{"plan.csv": "a,b\n1,2\n"}, "plan.csv:1:1: no header row with a title column"},
		"old excel": {map[string]string{"plan.xls": "x"}, "runsheet.from: plan.xls: this format is not read: save the sheet as .xlsx or .csv"},
	} {
		t.Run(name, func(t *testing.T) {
			file := "plan.csv"
			if name == "old excel" {
				file = "plan.xls"
			}
			_, err, dir := parseIn(t, tc.files, "runsheet: {from: "+file+"}\n")
			got := strings.Join(errorLines(t, err, dir), "\n")
			if !strings.Contains(got, tc.want) {
				t.Errorf("errors = %s, want %q", got, tc.want)
			}
		})
	}
}

// TestSheetXLSX reads a workbook written by excelize as a spreadsheet program would save it:
// a cover sheet without a header, durations stored as spreadsheet times under two formats,
// a bare number of minutes, a formula with its cached value, a section heading.
func TestSheetXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellValue("Sheet1", "A1", "Market cutover: read me first"))
	_, err := f.NewSheet("Plan")
	must(err)
	rows := [][]any{
		{"ID", "Title", "Owner", "Planned", "Point of no return"},
		{"PHASE 1"},
		{"freeze", "Old primary read-only", "dba", 5.0 / 1440, ""},
		{nil},
		{"promote", "Writer promoted", "dba", 1.5 / 24, "yes"},
		{"smoke", "Smoke tests", "qa", 20, ""},
		{"open", "", "web", "0:10", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("Plan", cell, &r))
	}
	hm, err := f.NewStyle(&excelize.Style{NumFmt: 20}) // built-in h:mm
	must(err)
	custom := "[h]:mm:ss"
	hms, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	must(err)
	must(f.SetCellStyle("Plan", "D3", "D3", hm))
	must(f.SetCellStyle("Plan", "D5", "D5", hms))
	must(f.SetCellFormula("Plan", "B7", `"Site "&"open"`))
	var buf bytes.Buffer
	must(f.Write(&buf))
	data := withCachedValue(t, buf.Bytes(), "xl/worksheets/sheet2.xml", "B7", "Site open")
	c, err, _ := parseIn(t, map[string]string{"plan.xlsx": string(data)}, "runsheet: {from: plan.xlsx}\n")
	if err != nil {
		t.Fatal(err)
	}
	cps := c.Runsheet.Checkpoints
	if len(cps) != 4 {
		t.Fatalf("%d checkpoints: %+v", len(cps), cps)
	}
	want := []time.Duration{5 * time.Minute, 90 * time.Minute, 20 * time.Minute, 10 * time.Minute}
	for i, w := range want {
		if cps[i].Planned.D() != w {
			t.Errorf("%s planned %v, want %v", cps[i].ID, cps[i].Planned.D(), w)
		}
	}
	if !cps[1].PointOfNoReturn || cps[0].PointOfNoReturn {
		t.Errorf("point of no return: %v %v", cps[0].PointOfNoReturn, cps[1].PointOfNoReturn)
	}
	if cps[3].Title != "Site open" {
		t.Errorf("formula title = %q, want its cached value", cps[3].Title)
	}
	// Named, the cover sheet is taken, and has no header.
	_, err, dir := parseIn(t, map[string]string{"plan.xlsx": string(data)}, "runsheet: {from: {file: plan.xlsx, sheet: Sheet1}}\n")
	if got := strings.Join(errorLines(t, err, dir), "\n"); !strings.Contains(got, "plan.xlsx:1:1: no header row") {
		t.Errorf("errors = %s", got)
	}
	_, err, dir = parseIn(t, map[string]string{"plan.xlsx": string(data)}, "runsheet: {from: {file: plan.xlsx, sheet: Nope}}\n")
	if got := strings.Join(errorLines(t, err, dir), "\n"); !strings.Contains(got, `has no sheet "Nope" (it has "Sheet1", "Plan")`) {
		t.Errorf("errors = %s", got)
	}
}

// withCachedValue adds to the formula cell ref the cached value Excel and LibreOffice store
// beside a formula when they save (excelize writes formulas without one).
func withCachedValue(t *testing.T, xlsx []byte, part, ref, value string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == part {
			s := string(body)
			i := strings.Index(s, `r="`+ref+`"`)
			j := strings.Index(s[max(i, 0):], "</f>")
			if i < 0 || j < 0 {
				t.Fatalf("no formula at %s in %s", ref, s)
			}
			rest := s[i+j+4:]
			if strings.HasPrefix(rest, "<v>") { // excelize's own placeholder: replaced
				rest = rest[strings.Index(rest, "</v>")+4:]
			}
			s = s[:i+j+4] + "<v>" + value + "</v>" + rest
			body, found = []byte(s), true
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	zw.Close()
	if !found {
		t.Fatalf("no part %s", part)
	}
	return out.Bytes()
}
