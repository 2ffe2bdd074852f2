package dashboard_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// screenshots is where TestScreenshots writes a PNG of each page (make
// screenshots sets it to docs/screenshots); empty skips the test.
var screenshots = flag.String("screenshots", "", "write a PNG of each dashboard page into this folder")

// TestScreenshots takes the README's pictures of a mock with a little
// traffic: successes, refusals, a fault rule, a note written in the
// dashboard, a spent rate budget.
func TestScreenshots(t *testing.T) {
	if *screenshots == "" {
		t.Skip("make screenshots runs this (-screenshots DIR)")
	}
	require.NoError(t, os.MkdirAll(*screenshots, 0o755))
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	srv := newMock(t, mockserver.Config{Epoch: time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC),
		RateLimits: ratelimit.Limits{Burst: 10, Window: 10 * time.Second}, OAuthKey: key})
	ts := serve(t, srv)
	// An OAuth install's tokens, for the OAuth page.
	res, err := http.Post(ts.URL+"/_mock/oauth/authorize", "application/json", strings.NewReader(`{"clientId":"`+oauthClientID+`","locationId":"`+acme+`"}`))
	require.NoError(t, err)
	code, _ := jsonOf(t, res)["code"].(string)
	_ = res.Body.Close()
	form := url.Values{"client_id": {oauthClientID}, "client_secret": {oauthClientSecret}, "grant_type": {"authorization_code"}, "code": {code}}
	res, err = http.PostForm(ts.URL+"/oauth/token", form)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	_ = res.Body.Close()
	for _, p := range []string{"/contacts/" + ada, "/contacts/" + ada + "/notes", "/contacts/" + ada + "/tasks", "/contacts/?locationId=" + acme + "&limit=5", "/contacts/nosuchcontact0000000a"} {
		apiGet(t, ts.URL, p)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/contacts/"+ada, nil)
	req.Header.Set("Authorization", "Bearer pit-not-a-token")
	if res, err := http.DefaultClient.Do(req); err == nil {
		_ = res.Body.Close()
	}
	admin := func(method, path, body string) {
		req, _ := http.NewRequestWithContext(t.Context(), method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Less(t, res.StatusCode, 300, path)
	}
	admin("POST", "/_mock/faults", `{"operationId":"create-contact","status":503,"message":"planned outage","times":3,"ttl":"15m"}`)
	admin("POST", "/_mock/faults", `{"path":"/contacts/*/notes","delayMs":1500}`)
	apiGet(t, ts.URL, "/contacts/"+ada+"/notes")
	post, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+"/contacts/", strings.NewReader(`{"locationId":"`+acme+`","firstName":"Bot"}`))
	post.Header.Set("Authorization", "Bearer "+acmeToken)
	post.Header.Set("Version", "2021-07-28")
	post.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(post); err == nil {
		_ = res.Body.Close()
	}

	ctx := browser(t)
	ui := ts.URL + "/_mock/ui"
	shots := []struct {
		name, path, wait string
		then             []chromedp.Action
	}{
		{"overview", "/", ".budget", nil},
		{"contacts", "/contacts?locationId=" + acme, "#contacts", nil},
		{"contact", "/contacts/" + acme + "/" + ada, "#contact-form", nil},
		{"requests", "/requests", "#requests tbody tr.req", nil},
		{"request", "/requests/6", "#reason", nil},
		{"faults", "/faults", "#faults", []chromedp.Action{
			chromedp.SetValue(`#fault-form select[name="operationId"]`, "search-contacts-advanced", chromedp.ByQuery),
			chromedp.SendKeys(`#fault-form input[name="status"]`, "429", chromedp.ByQuery),
			chromedp.WaitVisible(`#fault-preview ul.ops`, chromedp.ByQuery),
		}},
		{"webhooks", "/webhooks", "main", nil},
		{"oauth", "/oauth", "main", nil},
		{"state", "/state", "#reset", nil},
	}
	for _, s := range shots {
		var png []byte
		steps := append([]chromedp.Action{chromedp.Navigate(ui + s.path), chromedp.WaitVisible(s.wait, chromedp.ByQuery)}, s.then...)
		steps = append(steps,
			chromedp.Sleep(300*time.Millisecond), // let the live panel settle: a picture, not an assertion
			chromedp.ActionFunc(func(ctx context.Context) error {
				if s.name == "contact" { // the whole page: notes, tasks and appointments are below the fold
					return chromedp.FullScreenshot(&png, 100).Do(ctx)
				}
				return chromedp.CaptureScreenshot(&png).Do(ctx)
			}))
		require.NoError(t, chromedp.Run(ctx, steps...), s.name)
		require.NoError(t, os.WriteFile(filepath.Join(*screenshots, s.name+".png"), png, 0o644))
	}
}
