package mockserver_test

import (
	"bufio"
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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// sdkLine is what testdata/nodesdk/webhooks.js prints per request: the
// flags the official SDK's subscribe() middleware set on it.
type sdkLine struct {
	Listening int    `json:"listening"`
	Path      string `json:"path"`
	Type      string `json:"type"`
	WebhookID string `json:"webhookId"`
	Valid     bool   `json:"valid"`
	Skipped   bool   `json:"skipped"`
	Gated     bool   `json:"gated"`
	Error     string `json:"error"`
}

// TestOfficialNodeSDKVerifiesEveryWebhook has the official Node SDK
// 3.1.0's webhook middleware, ghl.webhooks.subscribe(), configured with the
// mock's public key and the default app's client id, receive every event
// type the mock sends — caused by API calls, the calendar's admin
// endpoints and send — for contacts named with &, <, > and U+2028, and
// checks that it set isSignatureValid on every one, verifying the raw
// bytes (/raw) and the re-serialised body (/reser).
func TestOfficialNodeSDKVerifiesEveryWebhook(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		cannotRun(t, os.Getenv, "node is not installed; .ci/run installs it (the official Node SDK check needs it)")
		return
	}
	dir := sdkDir(t)
	h := setup(t)
	script, err := filepath.Abs(filepath.Join("testdata", "nodesdk", "webhooks.js"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, h.srv.WebhookPublicKey(), defaultClientID)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan sdkLine, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var l sdkLine
			if json.Unmarshal(sc.Bytes(), &l) == nil {
				lines <- l
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var port int
	select {
	case l, ok := <-lines:
		require.True(t, ok, "webhooks.js ended: %s", stderr.String())
		port = l.Listening
	case <-ctx.Done():
		t.Fatalf("webhooks.js never listened: %s", stderr.String())
	}
	require.NotZero(t, port)
	for _, path := range []string{"raw", "reser"} {
		r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d/%s", port, path)})
		require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	}

	for _, name := range []string{"Smith & Sons <b>", "Tom > Jerry &amp;", "line\u2028break\u2029"} {
		email := fmt.Sprintf("sdk%d@example.com", len(name))
		id := h.createContact(map[string]any{"firstName": name, "lastName": name, "companyName": name, "email": email, "tags": []string{name}})
		mustStatus(t, h.do(call{method: "PUT", path: "/contacts/" + id, body: map[string]any{"city": name}}), 200)
		mustStatus(t, h.do(call{method: "POST", path: "/contacts/" + id + "/tags", body: map[string]any{"tags": []string{"vip"}}}), 201)
		mustStatus(t, h.do(call{method: "PUT", path: "/contacts/" + id, body: map[string]any{"dnd": true}}), 200)
		r := h.do(call{method: "POST", path: "/contacts/" + id + "/notes", body: map[string]any{"body": name}})
		mustStatus(t, r, 201)
		note := r.JSON(t)["note"].(map[string]any)["id"].(string)
		mustStatus(t, h.do(call{method: "PUT", path: "/contacts/" + id + "/notes/" + note, body: map[string]any{"body": name + "!"}}), 200)
		mustStatus(t, h.do(call{method: "DELETE", path: "/contacts/" + id + "/notes/" + note}), 200)
		r = h.do(call{method: "POST", path: "/contacts/" + id + "/tasks", body: map[string]any{"title": name, "body": name, "dueDate": "2026-12-01T10:00:00Z", "completed": false}})
		mustStatus(t, r, 201)
		task := r.JSON(t)["task"].(map[string]any)["id"].(string)
		mustStatus(t, h.do(call{method: "PUT", path: "/contacts/" + id + "/tasks/" + task + "/completed", body: map[string]any{"completed": true}}), 200)
		mustStatus(t, h.do(call{method: "DELETE", path: "/contacts/" + id + "/tasks/" + task}), 200)
		r = h.admin("POST", "/_mock/appointments", map[string]any{"contactId": id, "title": name, "notes": name, "startTime": "2026-12-03T15:00:00Z", "endTime": "2026-12-03T15:30:00Z"})
		mustStatus(t, r, 201)
		appt := r.JSON(t)["appointment"].(map[string]any)["id"].(string)
		mustStatus(t, h.admin("PUT", "/_mock/appointments/"+appt, map[string]any{"title": name + " (moved)"}), 200)
		mustStatus(t, h.admin("DELETE", "/_mock/appointments/"+appt, nil), 200)
		mustStatus(t, h.do(call{method: "DELETE", path: "/contacts/" + id}), 200)
	}
	for _, typ := range []string{"INSTALL", "UNINSTALL"} {
		mustStatus(t, h.admin("POST", "/_mock/webhooks/send", map[string]any{"type": typ, "app": defaultClientID, "locationId": h.loc}), 201)
	}
	h.flush()
	ds := h.srv.Webhooks().Deliveries(webhooks.Filter{})
	require.NoError(t, stdin.Close())
	var got []sdkLine
	for l := range lines {
		got = append(got, l)
	}
	require.NoError(t, cmd.Wait(), "webhooks.js: %s", stderr.String())

	require.Len(t, got, len(ds), "every delivery reached the SDK")
	seen := map[string]map[string]bool{"/raw": {}, "/reser": {}}
	for _, l := range got {
		assert.Empty(t, l.Error)
		assert.False(t, l.Gated, "the appId gate let %s through", l.Type)
		assert.False(t, l.Skipped, "%s: the SDK found the signature", l.Type)
		assert.True(t, l.Valid, "%s %s (%s): isSignatureValid", l.Path, l.Type, l.WebhookID)
		seen[l.Path][l.Type] = true
	}
	for path, types := range seen {
		for _, typ := range webhooks.EventTypes {
			assert.True(t, types[typ], "%s received a %s", path, typ)
		}
	}
	for _, d := range ds {
		assert.Equal(t, webhooks.StatusSucceeded, d.Status, "%s %s: the receiver answered 200 to what verified", d.Event, d.ID)
	}
	var named int
	for _, d := range ds {
		if strings.Contains(d.Body, "Smith & Sons <b>") {
			named++
		}
	}
	assert.Positive(t, named, "the bodies carry the name unescaped")
}

func mustStatus(t *testing.T, r *response, want int) {
	t.Helper()
	require.Equal(t, want, r.Status, "%s", r.Body)
}
