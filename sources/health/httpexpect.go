package health

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/warroom-dev/warroom/config"
)

// httpExpect is what a healthy HTTP answer looks like.
type httpExpect struct {
	status   []int  // empty: any 2xx
	contains string // "" : not checked
	json     *jsonExpect
}

// jsonExpect compares the value at path with want; with no want, the path must exist.
type jsonExpect struct {
	path    jsonPath
	want    any // normalized as encoding/json decodes: float64, string, bool, nil, []any, map[string]any
	hasWant bool
}

func newHTTPExpect(e config.HealthExpect) (httpExpect, error) {
	if len(e.AnyOf) > 0 {
		return httpExpect{}, errors.New("expect.any_of is for dns probes; an HTTP probe checks status, body_contains and json")
	}
	x := httpExpect{status: e.Status, contains: e.BodyContains}
	for _, code := range e.Status {
		if code < 100 || code > 599 {
			return httpExpect{}, fmt.Errorf("expect.status: %d is not an HTTP status (100-599)", code)
		}
	}
	if e.JSON != nil {
		path, err := parsePath(strings.TrimSpace(e.JSON.Path))
		if err != nil {
			return httpExpect{}, fmt.Errorf("expect.json.path %q: %w", e.JSON.Path, err)
		}
		x.json = &jsonExpect{path: path}
		if e.JSON.Equals != nil {
			want, err := normalizeJSON(e.JSON.Equals)
			if err != nil {
				return httpExpect{}, fmt.Errorf("expect.json.equals: %w", err)
			}
			x.json.want, x.json.hasWant = want, true
		}
	}
	return x, nil
}

// normalizeJSON turns a YAML-decoded value into the form encoding/json decodes a body to,
// so that the two compare with reflect.DeepEqual (numbers become float64, maps string-keyed).
func normalizeJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot be written as JSON: %w", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (e httpExpect) needsBody() bool { return e.contains != "" || e.json != nil }

func (e httpExpect) statusOK(code int) bool {
	if len(e.status) == 0 {
		return code >= 200 && code < 300
	}
	for _, s := range e.status {
		if s == code {
			return true
		}
	}
	return false
}

// statusWant writes the expected statuses: "2xx", "200", "200 or 204", "200, 204 or 301".
func (e httpExpect) statusWant() string {
	if len(e.status) == 0 {
		return "2xx"
	}
	codes := make([]string, len(e.status))
	for i, s := range e.status {
		codes[i] = strconv.Itoa(s)
	}
	if len(codes) == 1 {
		return codes[0]
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
}

// checkBody returns why body does not meet the expectations, "" when it does.
func (e httpExpect) checkBody(body []byte) string {
	if e.contains != "" && !bytes.Contains(body, []byte(e.contains)) {
		return fmt.Sprintf("body did not contain %q", e.contains)
	}
	if e.json == nil {
		return ""
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return "body is not JSON (" + clean(err.Error(), 80) + ")"
	}
	got, err := e.json.path.lookup(doc)
	if err != nil {
		return fmt.Sprintf("json %s not found: %s", e.json.path, err)
	}
	if e.json.hasWant && !reflect.DeepEqual(got, e.json.want) {
		return fmt.Sprintf("json %s is %s, expected %s", e.json.path, jsonText(got), jsonText(e.json.want))
	}
	return ""
}

// jsonText writes a value as short, clean JSON for an error message. A string is cleaned
// before it is quoted, so that an escape sequence in it does not show even as \u001b text.
func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(clean(s, 60))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return clean(string(b), 60)
}
