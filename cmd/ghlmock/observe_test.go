package main

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startServeLogged is startServe that also returns what serve logs.
func startServeLogged(t *testing.T, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var stdout syncBuffer
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), &stdout, stderr, func(string) string { return "" })
	}()
	deadline := time.Now().Add(20 * time.Second)
	for listening.FindStringSubmatch(stdout.String()) == nil {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve ended before listening: %v\n%s", err, stderr.String())
		default:
		}
		require.False(t, time.Now().After(deadline), "serve never said it listens: %s", stderr.String())
		time.Sleep(20 * time.Millisecond)
	}
	stop := sync.OnceValue(func() error { cancel(); return <-done })
	t.Cleanup(func() { _ = stop() })
	return listening.FindStringSubmatch(stdout.String())[1], stderr, stop
}

// TestServeLogFormatJSON: --log-format json writes one JSON object per
// line, one per request, with its operationId, status and traceId.
func TestServeLogFormatJSON(t *testing.T) {
	base, logs, stop := startServeLogged(t, "--addr", "127.0.0.1:0", "--log-format", "json")
	status, _ := get(t, base+"/contacts/"+adaID)
	require.Equal(t, 200, status)
	require.NoError(t, stop())
	var found bool
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), "every line is JSON: %q", sc.Text())
		if line["msg"] == "request" {
			found = true
			assert.Equal(t, "get-contact", line["operationId"])
			assert.Equal(t, 200.0, line["status"])
			assert.NotEmpty(t, line["traceId"])
			assert.Equal(t, "INFO", line["level"])
		}
	}
	assert.True(t, found, "a request line: %s", logs.String())
}

func TestServeLogFormatText(t *testing.T) {
	base, logs, stop := startServeLogged(t, "--addr", "127.0.0.1:0")
	status, _ := get(t, base+"/contacts/"+adaID)
	require.Equal(t, 200, status)
	require.NoError(t, stop())
	assert.Regexp(t, `level=INFO msg=request operationId=get-contact method=GET path=/contacts/`+adaID+` status=200 `, logs.String())
}

// TestServeMetrics: serve has metrics on by default; --metrics=false turns
// them off.
func TestServeMetrics(t *testing.T) {
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0")
	status, _ := get(t, base+"/contacts/"+adaID)
	require.Equal(t, 200, status)
	status, body := get(t, base+"/_mock/metrics")
	require.Equal(t, 200, status)
	assert.Contains(t, body, `ghlmock_requests_total{operation_id="get-contact",status="200"} 1`)
	assert.Contains(t, body, `ghlmock_store_contacts{location_id=`)

	off, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--metrics=false")
	status, _ = get(t, off+"/_mock/metrics")
	assert.Equal(t, 404, status)
}

func TestServeRefusesBadCORSOrigins(t *testing.T) {
	err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--cors-origins", "localhost:3000"}, &syncBuffer{}, &syncBuffer{}, func(string) string { return "" })
	assert.ErrorContains(t, err, "scheme://host")
}
