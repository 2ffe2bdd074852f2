package contracttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
	"github.com/ghlmock/ghlmock/contracttest/inproc"
	"github.com/ghlmock/ghlmock/openapi"
)

// start is where every test's fake clock starts, so runs are identical.
var start = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

var loadSpec = sync.OnceValues(func() (*openapi.Spec, error) { return openapi.Load(context.Background()) })

func spec(t *testing.T) *openapi.Spec {
	t.Helper()
	s, err := loadSpec()
	require.NoError(t, err)
	return s
}

func suite(t *testing.T) *contracttest.Suite {
	t.Helper()
	s, err := contracttest.LoadEmbedded()
	require.NoError(t, err)
	return s
}

// mock returns an in-process mock target, its answers optionally rewritten.
func mock(t *testing.T, wrap func(http.Handler) http.Handler) *contracttest.Target {
	t.Helper()
	tg, err := inproc.New(inproc.Options{ContactsPerLocation: 10, Start: start, Wrap: wrap})
	require.NoError(t, err)
	return tg
}

// run runs the suite against the target.
func run(t *testing.T, s *contracttest.Suite, tg *contracttest.Target, opts contracttest.Options) *contracttest.Report {
	t.Helper()
	if opts.Spec == nil {
		opts.Spec = spec(t)
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	rep, err := contracttest.Run(t.Context(), s, tg, opts)
	require.NoError(t, err)
	return rep
}

// failuresText lists a report's failures, for messages.
func failuresText(rep *contracttest.Report) string {
	var b strings.Builder
	for _, f := range rep.AllFailures() {
		b.WriteString(f.Message() + "\n")
	}
	return b.String()
}

// answer is a recorded answer that a drift may rewrite.
type answer struct {
	opID   string // "" when no operation matches the request
	status int
	header http.Header
	body   map[string]any // nil when the body is not a JSON object
}

// drift wraps a handler so that rewrite may change every answer.
func drift(t *testing.T, rewrite func(r *http.Request, a *answer)) func(http.Handler) http.Handler {
	t.Helper()
	sp := spec(t)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			a := &answer{status: rec.Code, header: rec.Header().Clone()}
			if op, _, err := sp.Match(r.Method, r.URL.EscapedPath()); err == nil {
				a.opID = op.ID
			}
			raw := rec.Body.Bytes()
			_ = json.Unmarshal(raw, &a.body)
			before := fmt.Sprint(a.body)
			rewrite(r, a)
			if a.body != nil && fmt.Sprint(a.body) != before {
				raw, _ = json.Marshal(a.body)
			}
			for k, v := range a.header {
				if k != "Content-Length" {
					w.Header()[k] = v
				}
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
			w.WriteHeader(a.status)
			_, _ = w.Write(raw)
		})
	}
}

// recorder keeps every request a target receives, in order.
// targetToken matches a JWT.
var targetToken = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

type recorder struct {
	mu   sync.Mutex
	reqs []string
}

func (rc *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		// A JWT the target issued (an OAuth refresh token sent back) carries
		// the time the target minted it, which is the target's, not the
		// runner's: the runner is judged on what it sends of its own.
		line := targetToken.ReplaceAllString(r.Method+" "+r.URL.RequestURI()+" "+string(body), "<token issued by the target>")
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, line)
		rc.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (rc *recorder) all() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.reqs...)
}

// get sends one GET through the target with its token and returns status and body.
func get(t *testing.T, tg *contracttest.Target, pathQuery string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, tg.BaseURL+pathQuery, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tg.Vars["token"])
	req.Header.Set("Version", contracttest.DefaultVersion)
	res, err := tg.Client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&m))
	return res.StatusCode, m
}
