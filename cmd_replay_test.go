package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/record"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// writeRecording writes a one-minute recording: announce started at 10 s, done at 20 s.
func writeRecording(t *testing.T, path string) {
	t.Helper()
	t0 := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	h := record.Header{Title: "Recorded night", Started: t0,
		Sources:  []record.Source{{Name: "api", Kind: "health", Group: "health", Unit: "ms", Interval: 1000}},
		Runsheet: record.Plan{Checkpoints: []record.Checkpoint{{ID: "announce", Title: "Announce", Planned: 5000}, {ID: "open", Title: "Open"}}}}
	w, err := record.Create(path, h, record.Options{Now: func() time.Time { return t0.Add(time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s <= 60; s++ {
		at := t0.Add(time.Duration(s) * time.Second)
		w.Ingested("api", sources.Result{Status: sources.OK, Value: sources.Float(40)}, at)
		for _, x := range []struct {
			sec int
			a   runsheet.Action
		}{{10, runsheet.Start}, {20, runsheet.Finish}} {
			if x.sec == s {
				tr := runsheet.Transition{Seq: int64(x.sec / 10), Checkpoint: "announce", Action: x.a, At: at, By: "sam"}
				w.Transition(tr)
				w.Added(board.Event{Time: at, Kind: "checkpoint", Source: "announce", Text: runsheet.EventText(tr)})
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// serve --replay shows a recording over SSH: `check` reports the replayed runsheet, an
// operator's `end` key moves the room's replay to the end, and nothing is journaled.
func TestServeReplay(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "night.rec")
	writeRecording(t, rec)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	pub := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	cfgPath := filepath.Join(dir, "warroom.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf("title: replay room\nssh:\n  host_key: host_ed25519\n  operators: [\"%s alice\"]\n", pub)), 0o644)
	root := newRoot()
	stderr := &lockedBuffer{}
	root.SetErr(stderr)
	root.SetOut(stderr)
	root.SetArgs([]string{"serve", "-c", cfgPath, "--listen", "127.0.0.1:0", "--replay", rec, "--log", filepath.Join(dir, "serve.log")})
	returned := make(chan error, 1)
	go func() { returned <- root.Execute() }()
	defer func() {
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case err := <-returned:
			if err != nil {
				t.Errorf("serve --replay returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve --replay did not stop within 30 s of SIGTERM")
		}
	}()
	addr := waitSaid(t, stderr, regexp.MustCompile(`on (127\.0\.0\.1:\d+) — host key`), "serve never said where it listens")
	conn, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	check := func() string {
		s, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		out, _ := s.Output("check --json")
		return string(out)
	}
	if out := check(); !strings.Contains(out, `"pending"`) || strings.Contains(out, `"done"`) {
		t.Fatalf("at the start of the replay, check says:\n%s", out)
	}
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	sess.Stdout, sess.Stderr = &lockedBuffer{}, &lockedBuffer{}
	in, _ := sess.StdinPipe()
	if err := sess.RequestPty("xterm", 40, 120, nil); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		in.Write([]byte("\x1b[F")) // end
		if strings.Contains(check(), `"done"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the operator's end key did not move the replay")
		}
	}
	sess.Close()
	conn.Close()
	if _, err := os.Stat(filepath.Join(dir, "warroom.journal")); err == nil {
		data, _ := os.ReadFile(filepath.Join(dir, "warroom.journal"))
		if len(data) > 0 {
			t.Fatalf("a replay journaled something:\n%s", data)
		}
	}
}
