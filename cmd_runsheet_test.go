package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/warroom-dev/warroom/config"
)

// planCSV is a sheet as a team writes one: step numbers, spelled-out durations, a heading.
const planCSV = `Step,Task,Owner,Duration,Depends on,Cutover,Point of no return,Rollback
,PREPARATION,,,,,,
1,Customers told,comms,5 min,,,,
2,Old primary read-only,dba,0:05,1,,,"SET GLOBAL read_only=0"
3,Writer promoted,dba,15m,2,,yes,
4,DNS switched,infra,30,3,yes,,"switch DNS back, then purge caches"
5,Status page updated,comms,2m,none,,,
`

// TestRunsheetExportImport: a board walks part of a sheet's runsheet; export writes plan and
// actual, and what export writes reads back (as a sheet, and through import as YAML) as the
// same plan.
func TestRunsheetExportImport(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "plan.csv"), []byte(planCSV), 0o644)
	cfgPath := filepath.Join(dir, "warroom.yaml")
	os.WriteFile(cfgPath, []byte("title: export test\nrunsheet:\n  from: plan.csv\n"), 0o644)
	for _, step := range [][]string{
		{"customers-told", "start"}, {"customers-told", "done"},
		{"old-primary-read-only", "start"}, {"old-primary-read-only", "done"},
		{"status-page-updated", "skip", "--note", "status page is down too"},
	} {
		if _, errOut, code := run(t, append([]string{"checkpoint", "-c", cfgPath}, step...)...); code != 0 {
			t.Fatalf("checkpoint %v: exit %d: %s", step, code, errOut)
		}
	}
	xlsx := filepath.Join(dir, "out", "runsheet.xlsx")
	if _, errOut, code := run(t, "runsheet", "export", "-c", cfgPath, "-o", xlsx); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Runsheet")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], ",")
	if !strings.HasPrefix(header, "id,title,owner,state,planned,actual,started (UTC),ended (UTC),by") {
		t.Errorf("header = %s", header)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	if r := byID["old-primary-read-only"]; r[3] != "done" || r[4] != "0:05:00" || r[6] == "" || r[7] == "" {
		t.Errorf("old-primary-read-only row = %q", r)
	}
	if r := byID["status-page-updated"]; r[3] != "skipped" || !strings.Contains(strings.Join(r, "|"), "status page is down too") {
		t.Errorf("status-page-updated row = %q", r)
	}

	want, err := config.ReadSheet(filepath.Join(dir, "plan.csv"), "")
	if err != nil {
		t.Fatal(err)
	}
	csvOut := filepath.Join(dir, "runsheet.csv")
	if _, errOut, code := run(t, "runsheet", "export", "-c", cfgPath, "-o", csvOut); code != 0 {
		t.Fatalf("export csv: exit %d: %s", code, errOut)
	}
	for _, path := range []string{xlsx, csvOut} {
		got, err := config.ReadSheet(path, "")
		if err != nil {
			t.Fatalf("re-import %s: %v", path, err)
		}
		if a, b := planOf(got), planOf(want); !reflect.DeepEqual(a, b) {
			t.Errorf("%s reads back as\n%+v\nwant\n%+v", filepath.Base(path), a, b)
		}
	}

	// import prints YAML that loads as the same plan.
	out, errOut, code := run(t, "runsheet", "import", xlsx)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	cfg, err := config.Parse([]byte(out), filepath.Join(dir, "imported.yaml"), nil)
	if err != nil {
		t.Fatalf("imported YAML does not load: %v\n%s", err, out)
	}
	if a, b := planOf(cfg.Runsheet.Checkpoints), planOf(want); !reflect.DeepEqual(a, b) {
		t.Errorf("imported YAML is\n%+v\nwant\n%+v\n%s", a, b, out)
	}
}

// planRow is what a plan says of one checkpoint, dependencies resolved.
type planRow struct {
	ID, Title, Owner  string
	Planned           time.Duration
	Deps              []string
	Cutover, NoReturn bool
	Rollback          string
}

func planOf(cps []config.Checkpoint) []planRow {
	rs := config.Runsheet{Checkpoints: cps}
	out := make([]planRow, len(cps))
	for i, cp := range cps {
		deps := rs.Deps(i)
		if len(deps) == 0 {
			deps = nil
		}
		out[i] = planRow{cp.ID, cp.Title, cp.Owner, cp.Planned.D(), deps, cp.Cutover, cp.PointOfNoReturn, cp.Rollback}
	}
	return out
}

func TestRunsheetImportErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.csv")
	os.WriteFile(path, []byte("id,title,planned\na,A,5m\nb,B,soon\nc,C,5m\n"), 0o644)
	_, errOut, code := run(t, "runsheet", "import", path)
	if code != 1 || !strings.Contains(errOut, `plan.csv:3:3: duration "soon": write 5m, 0:05 or 5 min`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestRunsheetSample keeps the sample sheet in docs/ loading, with its headings skipped.
func TestRunsheetSample(t *testing.T) {
	cps, err := config.ReadSheet("docs/runsheet-sample.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cps) != 8 || cps[5].ID != "dns-and-load-balancer-switched" || !cps[5].Cutover || !cps[4].PointOfNoReturn {
		t.Errorf("sample reads as %d checkpoints: %+v", len(cps), cps)
	}
}

// TestRunsheetExportKeepsTheTeamsSheet: export does not overwrite the sheet the config reads.
func TestRunsheetExportKeepsTheTeamsSheet(t *testing.T) {
	dir := t.TempDir()
	sheet := filepath.Join(dir, "plan.csv")
	os.WriteFile(sheet, []byte(planCSV), 0o644)
	cfgPath := filepath.Join(dir, "warroom.yaml")
	os.WriteFile(cfgPath, []byte("runsheet:\n  from: plan.csv\n"), 0o644)
	_, errOut, code := run(t, "runsheet", "export", "-c", cfgPath, "-o", sheet)
	if code == 0 || !strings.Contains(errOut, "is the sheet this config reads its checkpoints from") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if data, _ := os.ReadFile(sheet); string(data) != planCSV {
		t.Fatalf("the team's sheet was changed")
	}
	if _, errOut, code := run(t, "runsheet", "export", "-c", cfgPath, "-o", sheet, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
}
