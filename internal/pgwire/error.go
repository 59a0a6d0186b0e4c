package pgwire

import "strconv"

// PgError is an ErrorResponse from the server.
type PgError struct {
	Severity string // ERROR, FATAL, PANIC (not localized when the server says so)
	Code     string // the SQLSTATE: 28P01, 3D000, 57014, …
	Message  string
	Detail   string
	Hint     string
	Position int // 1-based character position in the statement, 0 when none
}

// Error is "SEVERITY: message (SQLSTATE code)", as psql and pgx show it.
func (e *PgError) Error() string {
	return e.Severity + ": " + e.Message + " (SQLSTATE " + e.Code + ")"
}

// parseError reads the fields of an ErrorResponse or NoticeResponse body.
func parseError(body []byte) *PgError {
	e := &PgError{}
	r := reader{b: body}
	for len(r.b) > 0 && r.err == nil {
		t := r.b[0]
		if t == 0 {
			break
		}
		r.b = r.b[1:]
		v := r.cstr()
		switch t {
		case 'S':
			if e.Severity == "" {
				e.Severity = v
			}
		case 'V':
			e.Severity = v // the non-localized form wins
		case 'C':
			e.Code = v
		case 'M':
			e.Message = v
		case 'D':
			e.Detail = v
		case 'H':
			e.Hint = v
		case 'P':
			e.Position, _ = strconv.Atoi(v)
		}
	}
	return e
}
