package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// The browser tests drive Debian's headless Chromium with chromedp. Without
// Chromium a local run skips them, saying why; under CI=true they fail.

// chromium finds the browser, or skips (fails under CI) the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const why = "the dashboard's browser tests need Chromium: apt-get install -y chromium (.ci/run installs it)"
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
	return ""
}

// browser starts one headless Chromium for the test and returns a context
// driving one tab in it. Every step below waits for what it needs with
// chromedp's own waits; the deadline only keeps a broken page from hanging
// the run.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in a container
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.WindowSize(1280, 900),
		// mock.test reaches the loopback mock under a name that is not a
		// loopback name, as a browser on another machine would.
		chromedp.Flag("host-resolver-rules", "MAP mock.test 127.0.0.1"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	require.NoError(t, chromedp.Run(ctx), "start Chromium")
	return ctx
}

// textOf reads an element's text. It reads it in the page, in one step,
// and tries again while the element is missing: a page that reloads after a
// change replaces its nodes, and a node looked up before the reload is gone
// by the time its text is asked for ("No node with given id found").
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.innerText : null })()`, sel)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var s *string
		err := chromedp.Run(ctx, chromedp.Evaluate(js, &s))
		if err == nil && s != nil {
			return *s
		}
		if time.Now().After(deadline) {
			t.Fatalf("no element %s in the page (last error: %v)", sel, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// until waits for a JavaScript condition to hold in the page, across the
// reloads a page makes after a change. An error the page shows (its flash
// message) fails the test at once, with the page's words.
func until(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	probe := `(() => { const f = document.querySelector("#flash.bad:not([hidden])");
		if (f) return "page error: " + f.textContent;
		return (` + js + `) ? "ok" : ""; })()`
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var lastErr error
	for {
		var got string
		err := chromedp.Run(ctx, chromedp.Evaluate(probe, &got))
		switch {
		case err != nil:
			lastErr = err
		case got == "ok":
			return
		case got != "":
			t.Fatalf("waiting for %s: %s", js, got)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v (last error: %v)", js, ctx.Err(), lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestInABrowser runs the dashboard's main paths in a real browser, one
// Chromium for all of them (the machine is shared).
func TestInABrowser(t *testing.T) {
	srv := newMock(t, mockserver.Config{RateLimits: ratelimit.Limits{Burst: 3, Window: 10 * time.Second}})
	ts := serve(t, srv)
	ctx := browser(t)
	ui := ts.URL + "/_mock/ui"

	t.Run("search, open and edit a contact, and see it through the API and in the live list", func(t *testing.T) {
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(ui+"/contacts?locationId="+acme),
			chromedp.WaitVisible("#contact-search", chromedp.ByQuery),
			chromedp.SendKeys("#contact-search", "lovelace", chromedp.ByQuery),
			chromedp.Click("#contact-search-go", chromedp.ByQuery),
			chromedp.WaitVisible(`a.contact-link[href$="/`+ada+`"]`, chromedp.ByQuery),
		))
		assert.Contains(t, textOf(t, ctx, "#contacts tbody"), "Ada Lovelace", "the search found the seeded contact")
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Click(`a.contact-link[href$="/`+ada+`"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#contact-form", chromedp.ByQuery),
			chromedp.SetValue(`#contact-form input[name="city"]`, "London", chromedp.ByQuery),
			chromedp.Click("#save-contact", chromedp.ByQuery),
		))
		// The page reloads with the saved value.
		until(t, ctx, `document.querySelector('#contact-form input[name="city"]') && document.querySelector('#contact-form input[name="city"]').dataset.was === "London"`)

		// The live request list, then an API call it must show.
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(ui+"/requests")))
		until(t, ctx, `document.querySelector('#stream-state').textContent === "live"`)
		res := apiGet(t, ts.URL, "/contacts/"+ada)
		require.Equal(t, http.StatusOK, res.StatusCode)
		var got struct {
			Contact struct {
				City string `json:"city"`
			} `json:"contact"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
		assert.Equal(t, "London", got.Contact.City, "the API answers what the dashboard wrote")
		until(t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll('#requests tbody tr.req td.path')).some(td => td.textContent === "/contacts/%s")`, ada))
	})

	t.Run("add a fault in the form and see the API answer it", func(t *testing.T) {
		// Whatever happens here, no rule is left to answer the next subtests.
		t.Cleanup(func() {
			req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/_mock/faults", nil)
			if res, err := http.DefaultClient.Do(req); err == nil {
				_ = res.Body.Close()
			}
		})
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(ui+"/faults"),
			chromedp.WaitVisible("#fault-form", chromedp.ByQuery),
			chromedp.SetValue(`#fault-form select[name="operationId"]`, "get-contact", chromedp.ByQuery),
			chromedp.SetValue(`#fault-form input[name="status"]`, "503", chromedp.ByQuery),
			chromedp.SendKeys(`#fault-form input[name="message"]`, "planned outage", chromedp.ByQuery),
		))
		until(t, ctx, `document.querySelector('#fault-preview').textContent.includes("Matches 1 operation")`)
		assert.Contains(t, textOf(t, ctx, "#fault-preview"), "GET /contacts/{contactId}", "the preview names what the rule matches")
		require.NoError(t, chromedp.Run(ctx, chromedp.Click("#add-fault", chromedp.ByQuery)))
		until(t, ctx, `document.querySelector('#faults tr[data-fault]') !== null`)
		assert.Contains(t, textOf(t, ctx, "#faults tbody"), "in 15m", "the default TTL")
		res := apiGet(t, ts.URL, "/contacts/"+ada)
		assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "the API answers the fault")
		require.NoError(t, chromedp.Run(ctx, chromedp.Click(`#faults [data-remove-fault]`, chromedp.ByQuery)))
		until(t, ctx, `document.querySelector('#faults tr[data-fault]') === null && document.readyState === "complete"`)
		assert.Equal(t, http.StatusOK, apiGet(t, ts.URL, "/contacts/"+ada).StatusCode, "removed, the API answers again")

		// A preset fills the form in, and the preview follows.
		require.NoError(t, chromedp.Run(ctx, chromedp.Click(`[data-preset*="search-contacts-advanced"]`, chromedp.ByQuery)))
		until(t, ctx, `document.querySelector('#fault-preview').textContent.includes("POST /contacts/search")`)
	})

	t.Run("every page opens, a request opens from the live list, state imports and resets", func(t *testing.T) {
		for _, pg := range []struct{ path, title string }{
			{"/", "Overview"}, {"/contacts", "Contacts"}, {"/contacts/" + acme + "/" + ada, "Ada"}, {"/requests", "Requests"},
			{"/faults", "Faults"}, {"/webhooks", "Webhooks"}, {"/oauth", "OAuth"}, {"/state", "State"},
		} {
			require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(ui+pg.path), chromedp.WaitVisible("main h1", chromedp.ByQuery)), pg.path)
			assert.Contains(t, textOf(t, ctx, "main h1"), pg.title, pg.path)
		}
		// A refused request, found in the live list, opened for its reason.
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/contacts/"+ada, nil)
		req.Header.Set("Authorization", "Bearer pit-nobody-has-this")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(ui+"/requests?status=401")))
		until(t, ctx, `document.querySelector('#requests tbody tr.req a') !== null`)
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Click("#requests tbody tr.req a", chromedp.ByQuery),
			chromedp.WaitVisible("#reason", chromedp.ByQuery)))
		assert.Contains(t, textOf(t, ctx, "#reason"), "token", "why it was refused")

		// Import a state file through the upload, then reset it away.
		exp, err := http.Get(ts.URL + "/_mock/state?locationId=" + acme)
		require.NoError(t, err)
		raw, err := io.ReadAll(exp.Body)
		_ = exp.Body.Close()
		require.NoError(t, err)
		edited := strings.Replace(string(raw), `"firstName":"Ada"`, `"firstName":"Augusta"`, 1)
		require.NotEqual(t, string(raw), edited)
		file := filepath.Join(t.TempDir(), "state.json")
		require.NoError(t, os.WriteFile(file, []byte(edited), 0o600))
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(ui+"/state"),
			chromedp.WaitVisible("#import-form", chromedp.ByQuery),
			chromedp.SetUploadFiles(`#import-form input[type="file"]`, []string{file}, chromedp.ByQuery),
			chromedp.Click(`#import-form button`, chromedp.ByQuery)))
		until(t, ctx, `document.querySelector('#flash.ok:not([hidden])') && document.querySelector('#flash').textContent.includes("Imported")`)
		srv.Clock().Advance(time.Minute) // a fresh burst window (3 per 10 s here)
		assert.Equal(t, "Augusta", firstName(t, ts.URL, ada), "the upload replaced the location")

		chromedp.ListenTarget(ctx, func(ev any) {
			if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
				go func() { _ = chromedp.Run(ctx, page.HandleJavaScriptDialog(true)) }() // "Reset the mock?" → OK
			}
		})
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(ui+"/state"), chromedp.WaitVisible("#reset", chromedp.ByQuery),
			chromedp.Click("#reset", chromedp.ByQuery)))
		until(t, ctx, `document.querySelector('#flash.ok:not([hidden])') && document.querySelector('#flash').textContent.includes("Reset")`)
		assert.Equal(t, "Ada", firstName(t, ts.URL, ada), "the reset brought the seeded contact back")

		// A workspace for a CI job, from the same page.
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(ui+"/state"), chromedp.WaitVisible("#workspace-form", chromedp.ByQuery),
			chromedp.SendKeys(`#workspace-form input[name="name"]`, "ci-job-7", chromedp.ByQuery),
			chromedp.Click(`#workspace-form button`, chromedp.ByQuery)))
		until(t, ctx, `document.querySelector('#workspaces tr[data-workspace]') && document.querySelector('#workspaces').textContent.includes("ci-job-7")`)
		require.Len(t, srv.Workspaces(), 1)
	})

	t.Run("off loopback: log in once with the admin token, then act", func(t *testing.T) {
		guarded := newMock(t, mockserver.Config{AdminToken: secret})
		gts := serve(t, guarded)
		far := strings.Replace(gts.URL, "127.0.0.1", "mock.test", 1) + "/_mock/ui"
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(far+"/faults"),
			chromedp.WaitVisible(`input[name="token"]`, chromedp.ByQuery),
		))
		var url string
		require.NoError(t, chromedp.Run(ctx, chromedp.Location(&url)))
		assert.Contains(t, url, "/_mock/ui/login?next=", "asked for the token first")
		require.NoError(t, chromedp.Run(ctx,
			chromedp.SendKeys(`input[name="token"]`, secret, chromedp.ByQuery),
			chromedp.Submit(`input[name="token"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#fault-form", chromedp.ByQuery),
			chromedp.Location(&url),
		))
		assert.True(t, strings.HasSuffix(url, "/_mock/ui/faults"), "back where it was going: %s", url)
		assert.NotContains(t, url, secret)
		// The session cookie carries the next pages and the CSRF-checked changes.
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(far+"/"),
			chromedp.WaitVisible(`[data-advance="1h"]`, chromedp.ByQuery),
			chromedp.Click(`[data-advance="1h"]`, chromedp.ByQuery),
		))
		until(t, ctx, `document.querySelector('#flash.ok:not([hidden])') !== null`)
		assert.Equal(t, time.Hour, guarded.Clock().Offset(), "the change went through with the session")
		var cookieJS string
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.cookie`, &cookieJS)))
		assert.Empty(t, cookieJS, "the session cookie is HttpOnly: the page's scripts cannot read it")
	})

	t.Run("advance the clock and see a rate budget refill", func(t *testing.T) {
		srv.Clock().Advance(time.Minute) // a fresh burst window for this subtest
		for range 3 {
			require.Equal(t, http.StatusOK, apiGet(t, ts.URL, "/contacts/"+ada).StatusCode)
		}
		require.Equal(t, http.StatusTooManyRequests, apiGet(t, ts.URL, "/contacts/"+ada).StatusCode, "the burst of 3 is spent")
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(ui+"/")))
		until(t, ctx, `document.querySelector('.budget .burst-left') && document.querySelector('.budget .burst-left').textContent === "0"`)
		require.NoError(t, chromedp.Run(ctx, chromedp.Click(`[data-advance="10s"]`, chromedp.ByQuery)))
		until(t, ctx, `document.querySelector('.budget .burst-left').textContent === "3"`)
		assert.True(t, strings.HasPrefix(srv.Clock().Offset().String(), "1m10"), "the button moved the mock's clock: %s", srv.Clock().Offset())
	})
}

// firstName reads a contact's firstName through the API.
func firstName(t *testing.T, base, id string) string {
	t.Helper()
	res := apiGet(t, base, "/contacts/"+id)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var got struct {
		Contact struct {
			FirstName string `json:"firstName"`
		} `json:"contact"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
	return got.Contact.FirstName
}
