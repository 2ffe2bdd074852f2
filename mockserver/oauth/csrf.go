package oauth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"time"
)

// The authorize page's form is guarded by a double-submit token: the page
// sets a random cookie (SameSite=Strict, so a cross-site POST never carries
// it) and puts in the form an HMAC of that cookie, the form's parameters and
// an expiry. A POST is accepted only with both, matching: another site can
// neither read the form (the page sends no CORS headers and refuses framing)
// nor send the cookie, and a token fetched by a script of its own is bound to
// another cookie.
const (
	csrfCookie = "ghlmock_oauth_csrf"
	csrfField  = "csrf_token"
	csrfLife   = time.Hour
)

// csrfCookieValue returns the request's cookie when it is one of ours, or a
// new random one and true when it must be set.
func csrfCookieValue(r *http.Request) (string, bool) {
	if c, err := r.Cookie(csrfCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil && len(b) == 32 {
			return c.Value, false
		}
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand's contract since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b), true
}

func setCSRFCookie(w http.ResponseWriter, r *http.Request, value string) {
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// csrfToken makes the form token for a cookie and the form's parameters,
// valid until expires.
func (s *Service) csrfToken(cookie string, expires time.Time, params ...string) string {
	var exp [8]byte
	binary.BigEndian.PutUint64(exp[:], uint64(expires.UnixMilli()))
	return base64.RawURLEncoding.EncodeToString(append(exp[:], s.csrfMAC(cookie, exp[:], params)...))
}

// checkCSRF reports whether token was made by csrfToken for this cookie and
// these parameters and has not expired at now.
func (s *Service) checkCSRF(token, cookie string, now time.Time, params ...string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 8+sha256.Size || cookie == "" {
		return false
	}
	if int64(binary.BigEndian.Uint64(b[:8])) <= now.UnixMilli() {
		return false
	}
	return hmac.Equal(b[8:], s.csrfMAC(cookie, b[:8], params))
}

func (s *Service) csrfMAC(cookie string, exp []byte, params []string) []byte {
	m := hmac.New(sha256.New, s.csrfKey)
	// Each part length-prefixed, so that no two lists of parts hash alike.
	for _, part := range append([]string{"chooselocation", cookie, string(exp)}, params...) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(part)))
		m.Write(n[:])
		m.Write([]byte(part))
	}
	return m.Sum(nil)
}
