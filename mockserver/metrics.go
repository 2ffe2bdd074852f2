package mockserver

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// Prometheus metrics at /_mock/metrics (Config.Metrics): requests by
// operationId and status, their latency, 429s by app and location, what the
// store holds, webhook deliveries by outcome, and Go's own runtime metrics.
// Each server has a registry of its own, so that many mocks in one test
// process never share counters.
//
// The request path pays two atomic adds and a histogram observation: the
// counter of each operation × status and the histogram of each operation
// are resolved once (opMetrics), never looked up by label per request.

// latencyBuckets span what the mock answers in (tens of microseconds) to
// what a latency fault holds a request for (seconds).
var latencyBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .1, .5, 1, 2.5, 5, 10}

// metrics is a server's registry and its metrics.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	limited    *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	attempts   *prometheus.CounterVec

	unrouted *opMetrics // requests no operation has (GHL's 404)
	limitedC sync.Map   // app + "\x00" + location → prometheus.Counter
	handler  http.Handler
}

// unroutedOp is the operation_id label of requests no operation has.
const unroutedOp = "none"

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghlmock_requests_total",
			Help: "GHL API requests answered, by operationId and HTTP status (0: no answer was sent, a dropped or held connection).",
		}, []string{"operation_id", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ghlmock_request_duration_seconds",
			Help:    "Time from the request's arrival to its answer, by operationId (injected latency included).",
			Buckets: latencyBuckets,
		}, []string{"operation_id"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghlmock_rate_limited_total",
			Help: "Requests the rate limiter refused with 429, by app and location (fault-injected 429s are not counted here).",
		}, []string{"app", "location_id"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghlmock_webhook_deliveries_total",
			Help: "Webhook deliveries that reached a final outcome: succeeded, failed (an answer not retried, or dropped) or exhausted (every retry failed).",
		}, []string{"outcome"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghlmock_webhook_attempts_total",
			Help: "Webhook delivery attempts, by result: the receiver's status class (2xx, 3xx, 4xx, 5xx) or error (no answer).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.limited, m.deliveries, m.attempts,
		&storeCollector{s: s},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.unrouted = m.forOperation(unroutedOp)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}})
	return m
}

// opMetrics are one operation's metrics, resolved once.
type opMetrics struct {
	m        *metrics
	id       string
	duration prometheus.Observer
	// byStatus is the operation's counters by status, copied on write: a
	// status seen before costs a scan of a few entries and no lock.
	byStatus atomic.Pointer[[]statusCounter]
	mu       sync.Mutex
}

type statusCounter struct {
	status int
	c      prometheus.Counter
}

func (m *metrics) forOperation(id string) *opMetrics {
	return &opMetrics{m: m, id: id, duration: m.duration.WithLabelValues(id)}
}

// count adds one to the operation's counter for status.
func (o *opMetrics) count(status int) {
	if p := o.byStatus.Load(); p != nil {
		for _, sc := range *p {
			if sc.status == status {
				sc.c.Inc()
				return
			}
		}
	}
	o.mu.Lock()
	var list []statusCounter
	if p := o.byStatus.Load(); p != nil {
		list = *p
	}
	var c prometheus.Counter
	for _, sc := range list {
		if sc.status == status {
			c = sc.c
		}
	}
	if c == nil {
		c = o.m.requests.WithLabelValues(o.id, strconv.Itoa(status))
		next := append(append(make([]statusCounter, 0, len(list)+1), list...), statusCounter{status, c})
		o.byStatus.Store(&next)
	}
	o.mu.Unlock()
	c.Inc()
}

// observe records one answered request.
func (m *metrics) observe(rq *request, status int, dur time.Duration) {
	o := rq.op.metrics
	if o == nil {
		o = m.unrouted
	}
	o.count(status)
	o.duration.Observe(dur.Seconds())
	if status == http.StatusTooManyRequests && rq.rated && !rq.rate.Allowed && rq.token != nil {
		m.rateLimited(rq.token.App, rq.token.LocationID)
	}
}

func (m *metrics) rateLimited(app, loc string) {
	key := app + "\x00" + loc
	c, ok := m.limitedC.Load(key)
	if !ok {
		c, _ = m.limitedC.LoadOrStore(key, m.limited.WithLabelValues(app, loc))
	}
	c.(prometheus.Counter).Inc()
}

// adminMetrics serves /_mock/metrics in Prometheus' text format.
func (s *Server) adminMetrics(w http.ResponseWriter, r *http.Request) {
	switch {
	case s.cfg.inWorkspace:
		adminError(w, http.StatusNotFound, "a workspace's requests are counted in the main mock's /_mock/metrics")
		return
	case s.metrics == nil:
		adminError(w, http.StatusNotFound, "metrics are off: start the mock with --metrics (mockserver.Config.Metrics)")
		return
	}
	s.metrics.handler.ServeHTTP(w, r)
}

// ObserveWebhookChange counts a change of a webhook delivery (what
// webhooks.Config.OnChange reports) for /_mock/metrics: each new attempt by
// its result, and the delivery's outcome once it leaves pending. It is
// quick and safe to call from OnChange; other changes are ignored, and so is
// everything when metrics are off.
func (s *Server) ObserveWebhookChange(c crm.Change) {
	m := s.metrics
	if m == nil || c.Kind != crm.KindDelivery {
		return
	}
	after, ok := c.After.(*webhooks.Delivery)
	if !ok || after == nil {
		return
	}
	before, _ := c.Before.(*webhooks.Delivery)
	seen := 0
	wasPending := true
	if before != nil {
		seen, wasPending = len(before.Attempts), before.Status == webhooks.StatusPending
	}
	for _, a := range after.Attempts[min(seen, len(after.Attempts)):] {
		m.attempts.WithLabelValues(attemptResult(a)).Inc()
	}
	if wasPending && after.Status != webhooks.StatusPending {
		m.deliveries.WithLabelValues(string(after.Status)).Inc()
	}
}

func attemptResult(a webhooks.Attempt) string {
	if a.Status < 100 || a.Status > 599 {
		return "error"
	}
	return strconv.Itoa(a.Status/100) + "xx"
}

// storeCollector reports what the store holds, read at scrape time (so the
// request path does nothing for it).
type storeCollector struct{ s *Server }

var (
	descContacts     = prometheus.NewDesc("ghlmock_store_contacts", "Live contacts, by location.", []string{"location_id"}, nil)
	descDeleted      = prometheus.NewDesc("ghlmock_store_deleted_contacts", "Deleted contact ids the store remembers (GET answers them 400), by location.", []string{"location_id"}, nil)
	descTasks        = prometheus.NewDesc("ghlmock_store_tasks", "Tasks, by location.", []string{"location_id"}, nil)
	descNotes        = prometheus.NewDesc("ghlmock_store_notes", "Notes, by location.", []string{"location_id"}, nil)
	descAppointments = prometheus.NewDesc("ghlmock_store_appointments", "Appointments, by location.", []string{"location_id"}, nil)
	descWorkspaces   = prometheus.NewDesc("ghlmock_workspaces", "Workspaces that exist (see /_mock/workspaces).", nil, nil)
	descDegraded     = prometheus.NewDesc("ghlmock_state_degraded", "1 while the --state database cannot commit (writes are answered 503), else 0; absent without --state.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descContacts, descDeleted, descTasks, descNotes, descAppointments, descWorkspaces, descDegraded} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.s.store.Load().Stats() {
		ch <- prometheus.MustNewConstMetric(descContacts, prometheus.GaugeValue, float64(st.Contacts), st.ID)
		ch <- prometheus.MustNewConstMetric(descDeleted, prometheus.GaugeValue, float64(st.Deleted), st.ID)
		ch <- prometheus.MustNewConstMetric(descTasks, prometheus.GaugeValue, float64(st.Tasks), st.ID)
		ch <- prometheus.MustNewConstMetric(descNotes, prometheus.GaugeValue, float64(st.Notes), st.ID)
		ch <- prometheus.MustNewConstMetric(descAppointments, prometheus.GaugeValue, float64(st.Appointments), st.ID)
	}
	ch <- prometheus.MustNewConstMetric(descWorkspaces, prometheus.GaugeValue, float64(c.s.ws.n.Load()))
	if db := c.s.db; db != nil {
		v := 0.0
		if err, _ := db.Health(); err != nil {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(descDegraded, prometheus.GaugeValue, v)
	}
}

// slogPrinter sends promhttp's errors to the server's log.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) {
	p.s.log.Warn("metrics", "error", fmt.Sprint(v...))
}
