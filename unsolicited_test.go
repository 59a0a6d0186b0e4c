package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// chattyServer answers every HTTP request with 200 "ok", then writes more bytes on the idle
// keep-alive connection: net/http then logs "Unsolicited response received on idle HTTP
// channel" through the standard logger. It returns the URL and how many answers it sent.
func chattyServer(t *testing.T) (string, *atomic.Int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var answers atomic.Int64
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for range 100 { // bounded: a poll a second for the test's few seconds
					_ = c.SetDeadline(time.Now().Add(10 * time.Second))
					req, err := http.ReadRequest(r)
					if err != nil {
						return
					}
					req.Body.Close()
					fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
					answers.Add(1)
					select {
					case <-done:
						return
					case <-time.After(50 * time.Millisecond): // wall time: after the client has read the answer
					}
					fmt.Fprint(c, "HTTP/1.1 200 OK\r\nX-Extra: unasked\r\n\r\n")
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/healthz", &answers
}

// While the board runs in a real terminal, a probe target that writes after its answer must
// not put net/http's complaint on the screen: library logs go to warroom.log beside the
// journal. (Issue 11: "Unsolicited response received on idle HTTP channel…" over the board,
// once a poll.)
func TestLibraryLogsStayOffTheBoard(t *testing.T) {
	if testing.Short() {
		t.Skip("starts warroom in a terminal")
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) (util-linux) for a pseudo-terminal")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	url, answers := chattyServer(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "warroom.yaml")
	body := "title: chatty\ndefaults: {interval: 1s}\nhealth:\n  - name: chatty\n    url: " + url + "\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	pidfile := filepath.Join(dir, "pid")
	cmd := exec.Command(script, "-q", "-e", "-c", fmt.Sprintf("stty cols 120 rows 40; exec %q run -c %q", exe, cfg), "/dev/null")
	cmd.Env = append(os.Environ(), "WARROOM_TEST_MAIN=1", "WARROOM_TEST_PIDFILE="+pidfile, "TERM=xterm-256color")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	pid := 0
	t.Cleanup(func() {
		if pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		_ = cmd.Process.Kill()
	})
	logPath := filepath.Join(dir, "warroom.log")
	deadline := time.Now().Add(30 * time.Second)
	for {
		logged, _ := os.ReadFile(logPath)
		if answers.Load() >= 4 && strings.Contains(string(logged), "Unsolicited") && strings.Contains(out.String(), "RUNSHEET") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: %d answers, warroom.log %q; the terminal showed:\n%q", answers.Load(), logged, tail(out.String(), 2000))
		}
		if b, err := os.ReadFile(pidfile); err == nil && pid == 0 {
			fmt.Sscan(string(b), &pid)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Contains(out.String(), "Unsolicited") {
		t.Fatalf("net/http's log reached the terminal:\n%q", tail(out.String(), 2000))
	}
	if pid > 0 {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("warroom did not exit on SIGTERM")
	}
	if !strings.Contains(out.String(), "library messages logged while the board ran are in "+logPath) {
		t.Errorf("after the board, warroom did not say where the library log is; it printed:\n%q", tail(out.String(), 500))
	}
	t.Logf("%d answers, each followed by unasked bytes; warroom.log:\n%s", answers.Load(), tail(func() string { b, _ := os.ReadFile(logPath); return string(b) }(), 400))
}
