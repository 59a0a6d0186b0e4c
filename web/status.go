package web

import (
	"encoding/json"
	"net/http"
)

// status serves the live check --json document (version 1, docs/board.md).
func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	if s.deps.Status == nil {
		http.NotFound(w, r)
		return
	}
	doc := s.deps.Status(s.deps.Board.Snapshot(), s.deps.Sheet(), s.deps.Now())
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(doc)
}
