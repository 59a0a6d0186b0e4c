package app

import (
	"fmt"
	"strings"

	"github.com/warroom-dev/warroom/sources"
)

// FactsMarkdown is docs/facts.md: every kind's group and facts as its package declares
// them, the common fields and the check --json shape they appear in. A test keeps the page
// equal to it.
func FactsMarkdown() string {
	var b strings.Builder
	b.WriteString("# Facts: what each kind of source reports\n\n")
	b.WriteString("<!-- Generated from the kinds the source packages declare (app.Kinds); " +
		"`go test ./app -run TestFactsDoc -update` rewrites it. -->\n\n")
	b.WriteString("Each source in `warroom check --json` has `kind` and `facts`; a gate reads the same facts as " +
		"`db[\"name\"].fact`, `health[\"name\"].fact` or `metric[\"name\"].fact` (the group is the namespace). " +
		"Any fact may be `null` when unknown. `validate` checks every gate against these names, types and " +
		"allowed values.\n\n")
	b.WriteString("## Every source\n\nThe board adds these to every kind's facts (gates read them; " +
		"`check --json` has them as the source's own fields).\n\n")
	writeFacts(&b, sources.CommonFacts)
	for _, k := range Kinds.Kinds() {
		fmt.Fprintf(&b, "\n## %s (group `%s`)\n\n%s.\n\n", k.Name, k.Group, upperFirst(k.Doc))
		writeFacts(&b, k.Facts)
	}
	return b.String()
}

func writeFacts(b *strings.Builder, facts []sources.Fact) {
	b.WriteString("| fact | type | values | meaning |\n|---|---|---|---|\n")
	for _, f := range facts {
		vals := make([]string, len(f.Values))
		for i, v := range f.Values {
			vals[i] = fmt.Sprintf("`%q`", v)
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", f.Name, f.Type, strings.Join(vals, ", "), f.Doc)
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
