package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Write writes the report of the recording at rec to out: HTML for .html or .htm, Markdown
// (with an SVG file per chart beside it) for .md. Missing folders are created.
func Write(rec, out string) error {
	d, err := Load(rec)
	if err != nil {
		return err
	}
	r := Analyze(d)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	switch strings.ToLower(filepath.Ext(out)) {
	case ".html", ".htm":
		return os.WriteFile(out, []byte(HTML(r)), 0o644)
	case ".md", ".markdown":
		base := strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))
		md, files := Markdown(r, base)
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(filepath.Dir(out), name), []byte(body), 0o644); err != nil {
				return fmt.Errorf("report: %w", err)
			}
		}
		return os.WriteFile(out, []byte(md), 0o644)
	}
	return fmt.Errorf("report: %s: name the output .html or .md", out)
}

const css = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:960px;color:#111827;background:#fff}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #e5e7eb}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #e5e7eb;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f9fafb}.note{background:#fef3c7;border:1px solid #f59e0b;padding:8px 12px;margin:8px 0}
.muted{color:#6b7280}svg{max-width:100%;height:auto;display:block;margin:8px 0}`

// HTML renders the report as one self-contained page: inline CSS and SVG, no script, no
// network.
func HTML(r *Report) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	fmt.Fprintf(&b, "<title>%s — postmortem</title>\n<style>%s</style></head><body>\n", esc(r.Title), css)
	fmt.Fprintf(&b, "<h1>%s — postmortem</h1>\n<p class=\"muted\">From the warroom recording; times in UTC.</p>\n", esc(r.Title))
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(n))
	}
	for i, s := range sections(r) {
		fmt.Fprintf(&b, "<h2>%s</h2>\n", esc(s.title))
		htmlTable(&b, s.table, i == 0)
		if s.title == "Plan vs actual" {
			b.WriteString(r.Gantt)
		}
	}
	b.WriteString("<h2>Charts</h2>\n")
	if len(r.Charts) == 0 {
		b.WriteString("<p>No series with values.</p>\n")
	}
	for _, c := range r.Charts {
		b.WriteString(c.SVG)
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

func htmlTable(b *strings.Builder, t *table, noHead bool) {
	if len(t.rows) == 0 {
		fmt.Fprintf(b, "<p>%s</p>\n", esc(t.none))
		return
	}
	b.WriteString("<table>\n")
	if !noHead {
		b.WriteString("<tr>")
		for _, h := range t.head {
			fmt.Fprintf(b, "<th>%s</th>", esc(h))
		}
		b.WriteString("</tr>\n")
	}
	for _, row := range t.rows {
		b.WriteString("<tr>")
		for k, c := range row {
			if noHead && k == 0 {
				fmt.Fprintf(b, "<th>%s</th>", esc(c))
				continue
			}
			fmt.Fprintf(b, "<td>%s</td>", esc(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

// Markdown renders the report as Markdown, the charts as SVG files named base-*.svg to be
// written beside it; it returns the text and the files by name.
func Markdown(r *Report, base string) (string, map[string]string) {
	files := map[string]string{}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s — postmortem\n\nFrom the warroom recording; times in UTC.\n\n", mdText(r.Title))
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "> **Note:** %s\n\n", mdText(n))
	}
	for i, s := range sections(r) {
		fmt.Fprintf(&b, "## %s\n\n", mdText(s.title))
		mdTable(&b, s.table, i == 0)
		if s.title == "Plan vs actual" {
			name := base + "-plan.svg"
			files[name] = r.Gantt
			fmt.Fprintf(&b, "![Plan vs actual](%s)\n\n", name)
		}
	}
	b.WriteString("## Charts\n\n")
	if len(r.Charts) == 0 {
		b.WriteString("No series with values.\n\n")
	}
	for _, c := range r.Charts {
		name := base + "-" + c.Slug + ".svg"
		files[name] = c.SVG
		fmt.Fprintf(&b, "![%s](%s)\n\n", mdText(c.Name), name)
	}
	return b.String(), files
}

func mdTable(b *strings.Builder, t *table, noHead bool) {
	if len(t.rows) == 0 {
		fmt.Fprintf(b, "%s\n\n", mdText(t.none))
		return
	}
	head := t.head
	if noHead {
		head = []string{"", ""}
	}
	b.WriteString("|")
	for _, h := range head {
		fmt.Fprintf(b, " %s |", mdText(h))
	}
	b.WriteString("\n|")
	for range head {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, row := range t.rows {
		b.WriteString("|")
		for k, c := range row {
			if noHead && k == 0 {
				c = "**" + c + "**"
			}
			fmt.Fprintf(b, " %s |", mdText(c))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// mdText makes outside text safe in a Markdown table cell: sanitized, no pipes or markup
// that would start HTML.
func mdText(s string) string {
	s = esc(s) // &, <, > become entities, which Markdown shows as the characters
	return strings.NewReplacer("|", `\|`, "`", "\\`", "[", `\[`, "]", `\]`).Replace(s)
}
