package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of request bodies; no GHL body nests deeper
// than a handful of levels (search filter groups being the deepest).
const maxJSONDepth = 32

// readBody reads and checks the request body the way Express's body-parser
// does before any route runs: too large → 413; a JSON content type with a body
// that is not valid UTF-8, nests absurdly deep, is not an object or array at
// the top (strict mode) or does not parse → 400. An operation that takes no
// body then ignores it; one that takes a body refuses any other content type
// (400), and reads an empty body as {} so that missing required fields get
// GHL's field-level 422.
func (s *Server) readBody(w http.ResponseWriter, rq *request) *apiError {
	r := rq.r
	if r.Body == nil || r.Body == http.NoBody {
		return s.defaultBody(rq)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	rq.bodyDone = true
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			drainBody(w, r) // so that the client reads its 413 (see body_limits.go)
			return newError(http.StatusRequestEntityTooLarge, "request entity too large")
		}
		return newError(http.StatusBadRequest, "could not read the request body")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return s.defaultBody(rq)
	}
	ct := r.Header.Get("Content-Type")
	takesBody := rq.op.Route.Operation.RequestBody != nil
	if !isJSON(ct) {
		if takesBody && isForm(ct) && takesForm(rq.op) {
			return readForm(rq, body)
		}
		if !takesBody {
			return nil
		}
		return newError(http.StatusBadRequest, fmt.Sprintf("Unsupported Content-Type %q: send the body as application/json", ct))
	}
	switch {
	case !utf8.Valid(body):
		return newError(http.StatusBadRequest, "The request body is not valid UTF-8")
	case trimmed[0] != '{' && trimmed[0] != '[':
		return newError(http.StatusBadRequest, fmt.Sprintf("Unexpected token %c in JSON at position %d", trimmed[0], bytes.IndexByte(body, trimmed[0])))
	case jsonDepth(body) > maxJSONDepth:
		return newError(http.StatusBadRequest, fmt.Sprintf("The request body nests deeper than %d levels", maxJSONDepth))
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return newError(http.StatusBadRequest, jsonSyntaxMessage(body))
	}
	if takesBody {
		rq.body, rq.value = body, value
	}
	return nil
}

func (s *Server) defaultBody(rq *request) *apiError {
	if rq.op.Route.Operation.RequestBody != nil {
		rq.body, rq.value = []byte("{}"), map[string]any{}
	}
	return nil
}

func isJSON(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// jsonDepth returns the deepest nesting of objects and arrays in b, counting
// brackets outside strings.
func jsonDepth(b []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// jsonSyntaxMessage describes a syntax error the way body-parser does
// ("Unexpected token } in JSON at position 10").
func jsonSyntaxMessage(body []byte) string {
	var v any
	err := json.Unmarshal(body, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		pos := int(se.Offset) - 1
		if strings.Contains(se.Error(), "unexpected end") || pos < 0 || pos >= len(body) {
			return "Unexpected end of JSON input"
		}
		return fmt.Sprintf("Unexpected token %s in JSON at position %d", string(body[pos]), pos)
	}
	return "Invalid JSON in the request body"
}

// isForm reports a form-encoded body, as OAuth's token endpoints take.
func isForm(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// takesForm reports whether the operation declares a form body.
func takesForm(op *operation) bool {
	rb := op.Route.Operation.RequestBody
	return rb != nil && rb.Value != nil && rb.Value.Content.Get("application/x-www-form-urlencoded") != nil
}

// readForm decodes a form body into the object validation and the handler
// read: each field its first value, as a string (body-parser's extended
// parser gives a repeated field an array; the schema then refuses it).
func readForm(rq *request, body []byte) *apiError {
	if !utf8.Valid(body) {
		return newError(http.StatusBadRequest, "The request body is not valid UTF-8")
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return newError(http.StatusBadRequest, "The request body is not a valid form")
	}
	m := make(map[string]any, len(vals))
	for k, v := range vals {
		if len(v) == 1 {
			m[k] = v[0]
		} else {
			list := make([]any, len(v))
			for i, x := range v {
				list[i] = x
			}
			m[k] = list
		}
	}
	rq.body, rq.value = body, m
	return nil
}
