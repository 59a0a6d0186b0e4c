package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
)

// cookieName holds a value derived from the token, never the token itself.
const cookieName = "warroom_session"

// auth lets a request through when no token is set, or when it carries the token: as
// "Authorization: Bearer TOKEN", as ?token=TOKEN (which sets the cookie; the page then
// reloads without it, so the token leaves the address bar and the history), or as the
// cookie. Every comparison takes the same time whatever the guess.
func (s *Server) auth(next http.Handler) http.Handler {
	if s.opt.Token == "" {
		return next
	}
	want := sha256.Sum256([]byte(s.opt.Token))
	session := sessionValue(s.opt.Token)
	matches := func(got string) bool {
		h := sha256.Sum256([]byte(got))
		return subtle.ConstantTimeCompare(h[:], want[:]) == 1
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && matches(strings.TrimSpace(bearer)) {
			next.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(cookieName); err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(session)) == 1 {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		if q.Has("token") && matches(q.Get("token")) {
			http.SetCookie(w, &http.Cookie{Name: cookieName, Value: session, Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
			if r.URL.Path == "/" {
				q.Del("token")
				u := *r.URL
				u.RawQuery = q.Encode()
				http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="warroom"`)
		http.Error(w, "this board needs its token: open it with ?token=… once, or send Authorization: Bearer …",
			http.StatusUnauthorized)
	})
}

// sessionValue is the cookie's value: an HMAC of a fixed text under the token, so the
// cookie proves the token was given without holding it.
func sessionValue(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("warroom web session v1"))
	return hex.EncodeToString(m.Sum(nil))
}
