package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The features phase measures what two staging features cost the API, each
// against the same mock without it, alternating:
//
//   - a webhook subscription (issue 13): create contact with a subscription
//     to a receiver in this process that answers 204, against none (target:
//     ≥ 0.90), on one mock reset before every run (see subscriptionRuns);
//   - five dashboards on the live request stream (issue 16): GET contact with
//     five clients reading /_mock/ui/events to the end, against none (target:
//     ≥ 0.95), on one mock (see dashboardRuns).
//
// Both pairs alternate in short runs, rounds × featureSplit of them, each
// duration/featureSplit long.
//
// The receiver and the stream readers run on the same machine as the mock
// and the load generator, so what they cost is charged to the variant: a
// pessimistic figure. Each variant run checks that it did what it stands
// for (deliveries received, events streamed); a run that did not is an
// error, not a figure.

const (
	serverNoSubscription = "mock-no-subscription"
	serverSubscribed     = "mock-subscribed"
	serverNoDashboard    = "mock-no-dashboard"
	serverDashboards     = "mock-5-dashboards"

	dashboardStreams = 5
	// featureSplit is how many short runs each pair makes of each round's
	// duration.
	featureSplit = 3
)

// shortRuns is the length and the number of the features' short runs:
// featureSplit of each round, at least a second each.
func (c config) shortRuns() (time.Duration, int) {
	return max((c.duration / featureSplit).Truncate(time.Second), time.Second), c.rounds * featureSplit
}

// inTurn is the order of a pair's two runs in a round: a first in even
// rounds, b first in odd ones, so that a drift of the machine hits both.
func inTurn(round int, a, b string) []string {
	if round%2 == 1 {
		return []string{b, a}
	}
	return []string{a, b}
}

func (b *bench) featuresPhase(ctx context.Context) {
	b.subscriptionRuns(ctx)
	if ctx.Err() == nil {
		b.dashboardRuns(ctx)
	}
}

// subscriptionRuns measures create contact on one mock with and without a
// webhook subscription, alternating in short runs as dashboardRuns does:
// on this kind of machine fresh processes of the same binary differ by
// more than the subscription costs (four 5 s runs without one: 18,895 to
// 24,620 req/s).
// Every run starts from POST /_mock/reset, which puts the seeded data
// back, removes the run-time subscriptions and drops what the engine had
// pending, so no run inherits the data or the backlog of the one before;
// the subscribed run then adds its subscription (POST
// /_mock/webhooks/subscriptions: the default app, every event, as
// --webhook-url gives) pointing at a receiver in this process.
func (b *bench) subscriptionRuns(ctx context.Context) {
	c := b.cfg
	d, rounds := c.shortRuns()
	base := b.addRun(scenarioCreate, serverNoSubscription, c.conns, d)
	sub := b.addRun(scenarioCreate, serverSubscribed, c.conns, d)
	fail := func(err error) {
		b.record(base, serverNoSubscription, WrkResult{}, err)
		b.record(sub, serverSubscribed, WrkResult{}, err)
	}
	rcv, err := startReceiver()
	if err != nil {
		fail(err)
		return
	}
	defer rcv.close()
	s, err := b.startMock(ctx, "ghlmock (subscription)")
	if err != nil {
		fail(err)
		return
	}
	defer b.procs.stop(s)
	admin := newAPI(s.url, "")
	data := luaData{Token: b.rw.Token, Version: apiVersion, Location: b.rw.Location}
	for round := range rounds {
		for _, srv := range inTurn(round, serverNoSubscription, serverSubscribed) {
			label := fmt.Sprintf("%s %d/%d", srv, round+1, rounds)
			l := base
			if srv == serverSubscribed {
				l = sub
			}
			r, err := b.subscriptionOnce(ctx, admin, rcv, srv == serverSubscribed, data, d)
			if ctx.Err() != nil {
				return
			}
			b.record(l, label, r, err)
		}
	}
	base.summarize()
	sub.summarize()
}

// subscriptionOnce is one measured run of create contact on a mock just
// reset, subscribed to rcv when subscribed is set. A subscribed run the
// receiver heard nothing from is an error: the subscription did nothing.
func (b *bench) subscriptionOnce(ctx context.Context, admin *api, rcv *receiver, subscribed bool, data luaData, d time.Duration) (WrkResult, error) {
	if err := prepareSubscriptionRun(ctx, admin, rcv.url, subscribed); err != nil {
		return WrkResult{}, err
	}
	before := rcv.received.Load()
	r, err := b.measure(ctx, admin.base, "create", data, b.cfg.conns, d)
	if err != nil || !subscribed {
		return r, err
	}
	if n := rcv.received.Load() - before; n == 0 {
		return r, errors.New("the receiver got no delivery: the subscription did nothing")
	} else {
		b.logf("%s: the receiver got %s deliveries during the run", serverSubscribed, formatCount(float64(n)))
	}
	return r, nil
}

// dashboardRuns measures GET contact on one mock with and without five
// dashboards, alternating in short runs (shortRuns): the streams cost too little to be told
// apart from the difference between two processes, or between two 10 s
// stretches of a shared machine, so the pair shares one process and
// alternates often.
func (b *bench) dashboardRuns(ctx context.Context) {
	c := b.cfg
	d, rounds := c.shortRuns()
	base := b.addRun(scenarioGet, serverNoDashboard, c.conns, d)
	with := b.addRun(scenarioGet, serverDashboards, c.conns, d)
	s, err := b.startMock(ctx, "ghlmock (dashboards)")
	if err != nil {
		b.record(base, serverNoDashboard, WrkResult{}, err)
		b.record(with, serverDashboards, WrkResult{}, err)
		return
	}
	defer b.procs.stop(s)
	data := b.requests("GET", []string{"/contacts/" + ada.ID}, nil)
	for round := range rounds {
		for _, srv := range inTurn(round, serverNoDashboard, serverDashboards) {
			label := fmt.Sprintf("%s %d/%d", srv, round+1, rounds)
			if srv == serverNoDashboard {
				r, err := b.measure(ctx, s.url, "cycle", data, c.conns, d)
				b.record(base, label, r, err)
				continue
			}
			streams, err := openDashboards(ctx, s.url, dashboardStreams)
			if err != nil {
				b.record(with, label, WrkResult{}, err)
				continue
			}
			r, err := b.measure(ctx, s.url, "cycle", data, c.conns, d)
			streams.close()
			if err == nil {
				err = streams.check()
			}
			b.record(with, label, r, err)
		}
		if ctx.Err() != nil {
			return
		}
	}
	base.summarize()
	with.summarize()
}

// prepareSubscriptionRun resets the mock (the seeded data back, the
// run-time subscriptions removed, what the engine had pending dropped) and,
// when subscribed is set, subscribes url to every event of the default app.
func prepareSubscriptionRun(ctx context.Context, admin *api, url string, subscribed bool) error {
	if err := admin.do(ctx, http.MethodPost, "/_mock/reset", map[string]any{}, nil); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	if !subscribed {
		return nil
	}
	if err := admin.do(ctx, http.MethodPost, "/_mock/webhooks/subscriptions", map[string]any{"url": url}, nil); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	return nil
}

// receiver is a webhook receiver answering 204 to everything, counting the
// deliveries.
type receiver struct {
	url      string
	srv      *http.Server
	received atomic.Int64
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: %w", err)
	}
	r := &receiver{url: "http://" + ln.Addr().String() + "/hook"}
	r.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		r.received.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *receiver) close() { _ = r.srv.Close() }

// dashboards are clients reading the dashboard's live request stream.
type dashboards struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	bytes  []atomic.Int64
}

func openDashboards(ctx context.Context, base string, n int) (*dashboards, error) {
	ctx, cancel := context.WithCancel(ctx)
	d := &dashboards{cancel: cancel, bytes: make([]atomic.Int64, n)}
	for i := range n {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_mock/ui/events?after=0", nil)
		if err != nil {
			d.close()
			return nil, err
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			d.close()
			return nil, fmt.Errorf("dashboard stream: %w", err)
		}
		if res.StatusCode != http.StatusOK {
			_ = res.Body.Close()
			d.close()
			return nil, fmt.Errorf("dashboard stream: %s", res.Status)
		}
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			defer res.Body.Close()
			buf := make([]byte, 32<<10)
			for {
				k, err := res.Body.Read(buf)
				d.bytes[i].Add(int64(k))
				if err != nil {
					return
				}
			}
		}()
	}
	return d, nil
}

// check reports an error unless every stream carried the run's requests
// (more than its opening comment: some kilobytes of events).
func (d *dashboards) check() error {
	for i := range d.bytes {
		if n := d.bytes[i].Load(); n < 4096 {
			return fmt.Errorf("dashboard stream %d carried only %d bytes during the run: it did not follow the traffic", i+1, n)
		}
	}
	return nil
}

func (d *dashboards) close() {
	d.cancel()
	d.wg.Wait()
}
