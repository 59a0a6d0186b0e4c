package widgets

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

var svgT0 = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

// svgFixture is a 30-minute run: a latency line with a gap, a band, thresholds and the
// cutover marker.
func svgFixture() SVGChart {
	var line []SVGPoint
	var band []SVGBandPoint
	for i := 0; i < 30; i++ {
		t := svgT0.Add(time.Duration(i) * time.Minute)
		v := 400 + 300*math.Sin(float64(i)/4)
		line = append(line, SVGPoint{Time: t, Value: v, Null: i >= 12 && i < 15})
		band = append(band, SVGBandPoint{Time: t, Lo: v - 50, Hi: v + 120})
	}
	return SVGChart{
		Title: "app p95 <ms> & more", Unit: "ms", Width: 640, Height: 220,
		Lines:      []SVGLine{{Name: "app p95", Points: line}},
		Bands:      []SVGBand{{Name: "bucket max", Points: band}},
		Thresholds: []SVGThreshold{{Label: "warn 800 ms", Value: 800, Color: "#d97706"}, {Label: "crit 1.5 s", Value: 1500}},
		Markers: []SVGMarker{{Label: "cutover", Time: svgT0.Add(17 * time.Minute), Strong: true, Color: "#dc2626"},
			{Label: "freeze", Time: svgT0.Add(5 * time.Minute)}, {Label: "outside", Time: svgT0.Add(-time.Hour)}},
	}
}

// Update with: go test ./widgets -run TestSVGChartGolden -update
func TestSVGChartGolden(t *testing.T) {
	golden.RequireEqual(t, svgFixture().Render())
}

// wellFormed parses the SVG as XML and returns its elements' names.
func wellFormed(t *testing.T, s string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	var names []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok {
			names = append(names, se.Name.Local)
		}
	}
}

func TestSVGChartShape(t *testing.T) {
	s := svgFixture().Render()
	wellFormed(t, s)
	if !strings.Contains(s, "app p95 &lt;ms&gt; &amp; more") {
		t.Error("title not escaped")
	}
	// The gap splits the line into two segments: two moves in the line's path.
	var linePath string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, `stroke-width="1.5"`) {
			linePath = l
		}
	}
	if n := strings.Count(linePath, "M"); n != 2 {
		t.Errorf("line has %d segments, want 2: %s", n, linePath)
	}
	for _, want := range []string{"cutover", "freeze", "warn 800 ms", "crit 1.5 s", "bucket max", ">02:00<", ">02:25<", "UTC"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(s, "outside") {
		t.Error("a marker outside the x range is drawn")
	}
	if !strings.Contains(s, ">1.5 s<") && !strings.Contains(s, ">1.6 s<") {
		t.Errorf("y axis does not reach the crit threshold")
	}
}

func TestSVGChartEmptyAndHostile(t *testing.T) {
	s := SVGChart{Title: "nothing\x1b[31m"}.Render()
	wellFormed(t, s)
	if !strings.Contains(s, "no data") || strings.Contains(s, "\x1b") {
		t.Errorf("empty chart: %s", s)
	}
	one := SVGChart{Lines: []SVGLine{{Name: `"><script>`, Points: []SVGPoint{{Time: svgT0, Value: 1}}}}}.Render()
	wellFormed(t, one)
	if strings.Contains(one, "<script>") {
		t.Error("legend not escaped")
	}
}

// 4.5 hours at one point a second is thinned to a few points per pixel column, and the one
// spike survives.
func TestSVGChartThinKeepsSpikes(t *testing.T) {
	var pts []SVGPoint
	for i := 0; i < 16200; i++ {
		v := 100.0
		if i == 9001 {
			v = 5000
		}
		pts = append(pts, SVGPoint{Time: svgT0.Add(time.Duration(i) * time.Second), Value: v})
	}
	s := SVGChart{Width: 800, Unit: "ms", Lines: []SVGLine{{Points: pts}}}.Render()
	wellFormed(t, s)
	if len(s) > 60_000 {
		t.Errorf("%d bytes for one line", len(s))
	}
	if !strings.Contains(s, ">10 s<") {
		t.Errorf("the spike does not set the y range")
	}
	f := SVGChart{Width: 800}.frame(800, 260)
	f.t0, f.t1 = pts[0].Time, pts[len(pts)-1].Time
	thinned := thin(pts, f)
	found := false
	for _, p := range thinned {
		found = found || p.Value == 5000
	}
	if !found || len(thinned) > 4*720 {
		t.Errorf("thinned to %d points, spike kept %v", len(thinned), found)
	}
}
