package mockserver

import (
	"regexp"
)

// The journal keeps the bodies of the OAuth endpoints with their secrets
// cut to their last four characters, as it keeps Authorization headers: a
// client secret, a code or a token (the mock's, or a real one a user
// pointed at the mock by mistake) is never stored verbatim.

var (
	secretForm = regexp.MustCompile(`(^|&)(client_secret|refresh_token|code|access_token)=([^&]*)`)
	// A value cut off by the journal's size bound has no closing quote.
	secretJSON = regexp.MustCompile(`"(client_secret|refresh_token|code|access_token)"\s*:\s*"([^"]*)("|$)`)
)

// redactsBodies reports whether the journal redacts rq's bodies: those of
// the OAuth endpoints, which are not authenticated with a bearer token.
func redactsBodies(rq *request) bool { return rq.op.auth != authBearer }

// redactOAuth returns body with its secrets redacted, for the journal; the
// bodies of other operations are returned as they are.
func redactOAuth(rq *request, body string) string {
	if !redactsBodies(rq) || body == "" {
		return body
	}
	body = secretForm.ReplaceAllStringFunc(body, func(m string) string {
		g := secretForm.FindStringSubmatch(m)
		return g[1] + g[2] + "=" + lastFour(g[3])
	})
	return secretJSON.ReplaceAllStringFunc(body, func(m string) string {
		g := secretJSON.FindStringSubmatch(m)
		return `"` + g[1] + `":"` + lastFour(g[2]) + g[3]
	})
}

// lastFour is a secret as the journal shows it: "…" and its last four
// characters (nothing of a short one).
func lastFour(v string) string {
	if len(v) <= 8 {
		return "…"
	}
	return "…" + v[len(v)-4:]
}
