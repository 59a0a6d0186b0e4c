package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium on url with extra flags and returns its stdout.
func chromium(t *testing.T, ctx context.Context, url string, flags ...string) string {
	t.Helper()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir()}, flags...)
	cmd := exec.CommandContext(ctx, chromiumPath, append(args, url)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", flags, err)
	}
	return string(out)
}

func needChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("WARROOM_REQUIRE_BROWSER") == "1" {
			t.Fatalf("WARROOM_REQUIRE_BROWSER=1 but there is no Chromium at %s (scripts/test-deps installs it)", chromiumPath)
		}
		t.Skip("no headless Chromium at " + chromiumPath)
	}
}

// rowStatus is the data-status of a source's row in a dumped DOM.
func rowStatus(dom, source string) string {
	i := strings.Index(dom, "<td>"+source)
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(dom[:i], `data-status="`)
	if j < 0 {
		return ""
	}
	rest := dom[j+len(`data-status="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// A real browser shows the board, and the live stream changes it when a source goes crit.
func TestChromiumShowsBoardAndGoesCrit(t *testing.T) {
	needChromium(t)
	r := newRig(t, Options{Token: "tok", StreamLifetime: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dom := chromium(t, ctx, r.base+"/?token=tok", "--dump-dom")
	for _, want := range []string{"Market &lt;cutover&gt;", "Old primary read-only", "cloud-writer", "<svg", "✓ 3 ok"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page in Chromium lacks %q", want)
		}
	}
	if st := rowStatus(dom, "cloud-writer"); st != "ok" {
		t.Fatalf("cloud-writer shows %q before going crit", st)
	}

	// A fresh page, kept open on its live stream: the source goes crit while it is open.
	// Virtual time only moves between streams (each ends after a second here), so the
	// budget is a few reconnects; the DOM is dumped when it is spent.
	joined := r.srv.hub.joinCount()
	done := make(chan string, 1)
	go func() { done <- chromium(t, ctx, r.base+"/?token=tok", "--virtual-time-budget=6000", "--dump-dom") }()
	for r.srv.hub.joinCount() == joined && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	// The page (drawn ok) has loaded and joined its stream: from here the crit can reach it
	// only by the stream, in its first frame or a later one.
	r.goCrit()
	live := <-done
	if st := rowStatus(live, "cloud-writer"); st != "crit" {
		t.Errorf("after going crit the live page shows cloud-writer %q", st)
	}
	if !strings.Contains(live, "SQL thread stopped") || !strings.Contains(live, `<body class="live">`) {
		t.Errorf("the live page did not take the new frame:\n%.3000s", live[strings.Index(live, "<body"):])
	}

	shot := filepath.Join(os.Getenv("WARROOM_SHOT_DIR"), "board.png")
	if os.Getenv("WARROOM_SHOT_DIR") != "" { // to look at it: WARROOM_SHOT_DIR=/tmp go test -run Chromium ./web
		chromium(t, ctx, r.base+"/?token=tok", "--window-size=420,1600", "--screenshot="+shot)
	}
}
