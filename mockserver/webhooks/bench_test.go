package webhooks_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// okTransport answers 200 at once, without a network, so that a benchmark
// measures the engine and not the loopback.
var okTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, r.Body)
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
})

func benchEngine(b *testing.B) *webhooks.Engine {
	b.Helper()
	e, err := webhooks.New(webhooks.Config{Keys: testKeys(b), Client: &http.Client{Transport: okTransport}, LogSize: 1000})
	require.NoError(b, err)
	b.Cleanup(func() { _ = e.Close(context.Background()) })
	_, err = e.Subscribe(webhooks.Subscription{App: "bot", URL: "http://bot.invalid/hook", IncludeAppID: true})
	require.NoError(b, err)
	return e
}

// BenchmarkEnqueue is what an API write pays for a subscription: queueing
// its event. Building, signing and sending happen in the background, on
// other cores when there are any; the timer stops while a batch is flushed.
func BenchmarkEnqueue(b *testing.B) {
	e := benchEngine(b)
	ev := contactCreated("Smith & Sons")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.Enqueue(ev)
		if i++; i%1000 == 0 {
			b.StopTimer()
			require.NoError(b, e.Flush(context.Background()))
			b.StartTimer()
		}
	}
}

// BenchmarkDeliver is the background's cost of one delivery: the body
// written, signed with Ed25519, sent (to an in-memory 200) and logged.
func BenchmarkDeliver(b *testing.B) {
	e := benchEngine(b)
	ev := contactCreated("Smith & Sons")
	b.ReportAllocs()
	for b.Loop() {
		e.Enqueue(ev)
		require.NoError(b, e.Flush(context.Background()))
	}
}
