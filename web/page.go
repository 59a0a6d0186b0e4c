package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"time"
)

// liveScript keeps the page live: it swaps the board fragment for each one the server sends.
// Without scripts the page is whole as served (reload for news).
const liveScript = `(function(){var b=document.getElementById("board"),w;if(!b||!window.EventSource)return;` +
	`var s=new EventSource("events");s.addEventListener("board",function(e){clearTimeout(w);b.innerHTML=e.data;` +
	`var t=b.querySelector("[data-title]");if(t)document.title=t.getAttribute("data-title");` +
	`document.body.className="live";});s.onerror=function(){clearTimeout(w);` +
	`w=setTimeout(function(){document.body.className="offline";},3000);};})();`

const pageCSS = `:root{color-scheme:light dark;--bg:#fff;--fg:#111827;--mut:#6b7280;--line:#e5e7eb;--ok:#047857;--warn:#b45309;--crit:#b91c1c;--unk:#6b7280;--acc:#6d28d9}
@media (prefers-color-scheme:dark){:root{--bg:#0b0f17;--fg:#e5e7eb;--mut:#9ca3af;--line:#1f2937;--ok:#34d399;--warn:#fbbf24;--crit:#f87171;--unk:#9ca3af;--acc:#a78bfa}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.4 system-ui,sans-serif}
header{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:baseline;padding:.6em 1em;border-bottom:1px solid var(--line)}
h1{font-size:1.2em;margin:0}h2{font-size:1em;margin:1em 0 .4em;color:var(--mut);text-transform:uppercase;letter-spacing:.05em}
main{padding:0 1em 2em;display:grid;gap:0 2em;grid-template-columns:minmax(0,1fr)}
@media (min-width:1100px){main{grid-template-columns:minmax(0,5fr) minmax(0,4fr)}.wide{grid-column:1/-1}}
table{border-collapse:collapse;width:100%}td,th{padding:.25em .4em;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{color:var(--mut);font-weight:normal;font-size:.85em}.num{text-align:right;white-space:nowrap}
.ok{color:var(--ok)}.warn{color:var(--warn)}.crit{color:var(--crit);font-weight:bold}.unknown,.mut,.pending,.skipped{color:var(--unk)}
.running{color:var(--acc);font-weight:bold}.done{color:var(--ok)}.failed{color:var(--crit)}
.g{white-space:nowrap}.chip{padding:.05em .5em;border-radius:1em;border:1px solid currentColor;margin-right:.3em;white-space:nowrap}
.charts{display:grid;gap:1em;grid-template-columns:repeat(auto-fill,minmax(min(100%,480px),1fr))}
.charts svg{width:100%;height:auto;border:1px solid var(--line);border-radius:4px}
.rb{color:#fff;background:var(--crit);padding:.1em .5em;border-radius:3px}
ol.ev{list-style:none;margin:0;padding:0}ol.ev li{padding:.15em 0;border-bottom:1px solid var(--line)}
figure{margin:0}.small{font-size:.85em}.why{display:block;color:var(--mut);font-size:.85em}
body.offline header::after{content:"offline: reconnecting…";color:var(--warn)}
@media (max-width:600px){.hide-narrow{display:none}body{font-size:14px}}`

// pageTmpl is the whole page; "board" is the fragment the live stream replaces.
var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Glyph}} {{.Title}} · warroom</title>
<style>{{.CSS}}</style></head>
<body><div id="board">{{template "board" .Board}}</div>
<noscript><p class="small mut">&nbsp;Scripts are off: reload the page for news.</p></noscript>
<script>{{.Script}}</script></body></html>
{{define "board"}}<span hidden data-title="{{.Glyph}} {{.Title}} · warroom"></span>
<header><h1>{{.Title}}</h1><span>{{.Clock}}</span><span>{{.Timing}}</span>
{{if .Forecast}}<span class="{{.ForecastClass}}">{{.Forecast}}</span>{{end}}
{{if .Cutover}}<span class="running">{{.Cutover}}</span>{{end}}
{{if .RollingBack}}<span class="rb">ROLLING BACK</span>{{end}}
<span id="counts">{{range .Counts}}<span class="chip {{.Class}}">{{.Glyph}} {{.N}} {{.Word}}</span>{{else}}<span class="mut">no sources</span>{{end}}</span></header>
<main>
<section><h2>Runsheet</h2><table><thead><tr><th></th><th>checkpoint</th><th class="hide-narrow">owner</th><th class="num">plan</th><th class="num">actual</th><th>gate</th><th class="hide-narrow">by</th></tr></thead><tbody>
{{range .Checkpoints}}<tr class="cp"><td class="{{.Class}}" title="{{.State}}">{{.Glyph}}</td><td><b>{{.ID}}</b> {{.Title}}{{if .Markers}} <span class="small mut">· {{.Markers}}</span>{{end}}{{if .Note}}<span class="why">{{.Note}}</span>{{end}}</td>
<td class="hide-narrow">{{.Owner}}</td><td class="num">{{.Planned}}</td><td class="num {{.ActualClass}}">{{.Actual}}</td>
<td>{{if .Gate}}<span class="g {{.GateClass}}">{{.GateGlyph}} {{.Gate}}</span>{{if .GateWhy}}<span class="why">{{.GateWhy}}</span>{{end}}{{end}}</td><td class="hide-narrow">{{.By}}</td></tr>
{{else}}<tr><td colspan="7" class="mut">no checkpoints</td></tr>{{end}}</tbody></table></section>
<section><h2>Sources</h2><table><tbody>
{{range .Sources}}<tr class="src {{.Class}}" data-status="{{.Class}}"><td class="{{.Class}}">{{.Glyph}}</td><td>{{.Name}}{{if .Stale}} <span class="small mut">stale</span>{{end}}</td><td class="num">{{.Value}}</td><td class="small">{{.Detail}}</td></tr>
{{end}}</tbody></table></section>
{{if .Charts}}<section class="wide"><h2>Charts</h2><div class="charts">{{range .Charts}}<figure role="img" aria-label="{{.Name}}">{{.SVG}}</figure>{{end}}</div></section>{{end}}
<section class="wide"><h2>Events</h2><ol class="ev">{{range .Events}}<li><span class="mut small">{{.Time}}</span> <span class="{{.Class}}">{{.Glyph}}</span> {{.Text}}</li>{{else}}<li class="mut">no events yet</li>{{end}}</ol>
{{if .MoreEventsShown}}<p class="small mut">{{.MoreEventsShown}} older events not shown</p>{{end}}</section>
</main>{{end}}`))

// csp allows nothing but the page's own inline style and script (by hash) and its stream.
var csp = "default-src 'none'; style-src '" + hashOf(pageCSS) + "'; script-src '" + hashOf(liveScript) +
	"'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

// page serves the whole board, rendered on the server.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	now := s.deps.Now()
	bv := s.view(s.deps.Board.Snapshot(), s.deps.Sheet(), now)
	var buf bytes.Buffer
	err := pageTmpl.Execute(&buf, struct {
		Title, Glyph string
		CSS          template.CSS
		Script       template.JS
		Board        boardView
	}{bv.Title, bv.Glyph, template.CSS(pageCSS), template.JS(liveScript), bv})
	if err != nil {
		http.Error(w, "the page could not be drawn", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	_, _ = w.Write(buf.Bytes())
}

// fragment renders the live part of the page; due is when a gate holding in it completes
// its hold (zero if none holds), which changes the page without news from the board.
func (s *Server) fragment() (frame string, due time.Time) {
	snap, view, now := s.deps.Board.Snapshot(), s.deps.Sheet(), s.deps.Now()
	var buf bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&buf, "board", s.view(snap, view, now)); err != nil {
		return "", time.Time{}
	}
	return buf.String(), holdEnd(view, now)
}
