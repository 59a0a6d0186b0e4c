package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `serve --http` serves the live check --json document behind the token, says where
// (without the token), and stops on SIGTERM.
func TestServeHTTP(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("WARROOM_HTTP_TOKEN", "tok-123")
	cfgPath := filepath.Join(dir, "warroom.yaml")
	cfg := `title: Web test
ssh:
  host_key: host_ed25519
  allow_anonymous_viewers: true
http:
  token: ${WARROOM_HTTP_TOKEN}
runsheet:
  journal: cutover.journal
  checkpoints:
    - {id: announce, title: Announce}
`
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	root := newRoot()
	stderr := &lockedBuffer{}
	root.SetErr(stderr)
	root.SetOut(stderr)
	root.SetArgs([]string{"serve", "-c", cfgPath, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--log", filepath.Join(dir, "serve.log")})
	returned := make(chan error, 1)
	go func() { returned <- root.Execute() }()
	url := waitSaid(t, stderr, regexp.MustCompile(`web board on (http://127\.0\.0\.1:\d+/)`), "serve never said where the web board is")
	if strings.Contains(stderr.String(), "tok-123") {
		t.Errorf("serve printed the token:\n%s", stderr)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url + "api/v1/status")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", url+"api/v1/status", nil)
	req.Header.Set("Authorization", "Bearer tok-123")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version     int
		Title       string
		Checkpoints []struct{ ID string }
	}
	err = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if err != nil || doc.Version != 1 || doc.Title != "Web test" || len(doc.Checkpoints) != 1 {
		t.Errorf("status document %+v (%v)", doc, err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-returned:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s of SIGTERM")
	}
	if _, err := c.Get(url); err == nil {
		t.Error(fmt.Sprintf("the web board still answers after serve stopped (%s)", url))
	}
}
