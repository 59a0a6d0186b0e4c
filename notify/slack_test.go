package notify

import (
	"encoding/json"
	"strings"
	"testing"
)

// Text from outside (a server's error, a note) cannot mention @channel or make a link in a
// Slack message: Slack reads &, < and > in the top-level text (the notification) as it does
// in the blocks, so both are escaped.
func TestSlackTextIsEscaped(t *testing.T) {
	e := crit("shop", 2)
	e.Detail = "<!channel> see <https://evil.example|the fix> & more"
	raw, err := slackBody(e, KindCrit, 0)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Text *struct {
				Text string `json:"text"`
			} `json:"text"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil {
		t.Fatal(err)
	}
	for where, s := range map[string]string{"text": msg.Text, "section": msg.Blocks[0].Text.Text} {
		if strings.ContainsAny(s, "<>") || !strings.Contains(s, "&lt;!channel&gt; see &lt;https://evil.example|the fix&gt; &amp; more") {
			t.Errorf("Slack %s = %q: want &, < and > escaped", where, s)
		}
	}
}
