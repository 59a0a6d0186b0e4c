package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A failed send's reason is text from outside (a TLS error quotes the receiver's
// certificate names, a library error what the server sent) and reaches the terminal in
// `notify test` and the board's events: it carries no escape sequence or control byte.
func TestSendErrorIsSanitized(t *testing.T) {
	r := newReceiver(slackEntry("https://hooks.example/services/T/B/X"), fast(nil))
	defer r.cancel()
	for _, raw := range []error{
		errors.New("tls: failed to verify certificate: x509: certificate is valid for \x1b]52;c;aGk=\x07evil, not hooks.example"),
		fmt.Errorf("read: %w", errors.New("server said \x1b[2J\u202egnp.exe \x9b31m")),
	} {
		got := r.sendFailure(context.Background(), raw)
		if strings.ContainsAny(got.reason, "\x1b\x07\u202e\u009b") {
			t.Errorf("reason %q carries control or bidi characters", got.reason)
		}
		if !strings.Contains(got.reason, "evil") && !strings.Contains(got.reason, "server said") {
			t.Errorf("reason %q lost what the error said", got.reason)
		}
	}
}
