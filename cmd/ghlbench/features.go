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
//   - a webhook subscription (issue 13): create contact on a mock started
//     with --webhook-url pointing at a receiver in this process that answers
//     204, against a mock with none (target: ≥ 0.90), round by round on
//     fresh processes (a subscription's backlog would carry over);
//   - five dashboards on the live request stream (issue 16): GET contact with
//     five clients reading /_mock/ui/events to the end, against none (target:
//     ≥ 0.95), on one mock alternating in short runs (see dashboardRuns).
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
	// dashboardSplit is how many short runs the dashboard pair makes of
	// each round's duration.
	dashboardSplit = 3
)

func (b *bench) featuresPhase(ctx context.Context) {
	c := b.cfg
	base := b.addRun(scenarioCreate, serverNoSubscription, c.conns, c.duration)
	sub := b.addRun(scenarioCreate, serverSubscribed, c.conns, c.duration)
	for round := range c.rounds {
		order := []string{serverNoSubscription, serverSubscribed}
		if round%2 == 1 {
			order = []string{serverSubscribed, serverNoSubscription}
		}
		for _, srv := range order {
			r, err := b.featureOnce(ctx, srv)
			if ctx.Err() != nil {
				return
			}
			l := base
			if srv == serverSubscribed {
				l = sub
			}
			b.record(l, fmt.Sprintf("%s %d/%d", srv, round+1, c.rounds), r, err)
		}
	}
	base.summarize()
	sub.summarize()
	if ctx.Err() == nil {
		b.dashboardRuns(ctx)
	}
}

// dashboardRuns measures GET contact on one mock with and without five
// dashboards, alternating in short runs (dashboardRounds of them, each
// duration/dashboardSplit long): the streams cost too little to be told
// apart from the difference between two processes, or between two 10 s
// stretches of a shared machine, so the pair shares one process and
// alternates often.
func (b *bench) dashboardRuns(ctx context.Context) {
	c := b.cfg
	d := max((c.duration / dashboardSplit).Truncate(time.Second), time.Second)
	rounds := c.rounds * dashboardSplit
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
		order := []string{serverNoDashboard, serverDashboards}
		if round%2 == 1 {
			order = []string{serverDashboards, serverNoDashboard}
		}
		for _, srv := range order {
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

// featureOnce is one measured run of create contact on a fresh mock, with
// a subscription when srv is serverSubscribed.
func (b *bench) featureOnce(ctx context.Context, srv string) (WrkResult, error) {
	var extra []string
	var rcv *receiver
	if srv == serverSubscribed {
		var err error
		if rcv, err = startReceiver(); err != nil {
			return WrkResult{}, err
		}
		defer rcv.close()
		extra = []string{"--webhook-url", rcv.url}
	}
	s, err := b.startMock(ctx, "ghlmock ("+srv+")", extra...)
	if err != nil {
		return WrkResult{}, err
	}
	defer b.procs.stop(s)
	r, err := b.measure(ctx, s.url, "create", luaData{Token: b.rw.Token, Version: apiVersion, Location: b.rw.Location}, b.cfg.conns, b.cfg.duration)
	if err != nil {
		return r, err
	}
	if rcv != nil {
		if n := rcv.received.Load(); n == 0 {
			return r, errors.New("the receiver got no delivery: the subscription did nothing")
		} else {
			b.logf("%s: the receiver got %s deliveries during the run", srv, formatCount(float64(n)))
		}
	}
	return r, nil
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
