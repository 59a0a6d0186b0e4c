package app

import "strings"

// journalError is an error from reading the read-only copy of a journal, told with the
// journal's own path: the person must fix the file they know, not a temporary copy that is
// gone by the time they read the message.
type journalError struct {
	err        error
	copy, real string
}

func (e journalError) Error() string { return strings.ReplaceAll(e.err.Error(), e.copy, e.real) }
func (e journalError) Unwrap() error { return e.err }

// nameJournal returns err with the copy's path replaced by the journal's, or nil.
func nameJournal(err error, copy, real string) error {
	if err == nil || copy == real {
		return err
	}
	return journalError{err: err, copy: copy, real: real}
}
