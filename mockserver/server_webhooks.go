package mockserver

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// WebhookConfig configures the webhooks a Server sends. The zero value
// sends what the fixtures subscribe, signed with keys derived from the seed
// (or kept in the state database).
type WebhookConfig struct {
	// URLs subscribe the default app to every event (serve --webhook-url).
	URLs []string
	// Keys sign the deliveries; when nil, KeyFile is read (--webhook-key);
	// without either, the keys are kept in the state database (made on its
	// first start), and without a state database they are derived from the
	// seed: the same seed, the same keys, run after run.
	Keys    *webhooks.Keys
	KeyFile string
	// RSA adds the legacy x-wh-signature key (RSABits bits, 4096 by default
	// like HighLevel's) even when no subscription of the fixtures asks for
	// ed25519+rsa, so that run-time subscriptions may.
	RSA     bool
	RSABits int
	// Retry is the retry profile of the URLs; "" means the fixtures'
	// settings.webhooks.retry.
	Retry string
	// Workers, Timeout and LogSize are webhooks.Config's (8, 10 s, 10000).
	Workers int
	Timeout time.Duration
	LogSize int
	// Client sends the deliveries; nil means one that follows no redirect.
	Client *http.Client
	// BusyShare is the share of the time the deliveries' work may take while
	// the API is serving requests (webhooks.Config.BusyShare): 0 means
	// webhooks.DefaultBusyShare, 1 or more turns the yielding off (serve
	// --webhook-busy-share).
	BusyShare float64
	// MaxBacklog is webhooks.Config.MaxBacklog: past this many events
	// waiting to be built the engine stops yielding; 0 means
	// webhooks.DefaultMaxBacklog.
	MaxBacklog int
}

// Record kinds of the webhooks in the state database, besides the
// deliveries (crm.KindDelivery).
const (
	kindWebhookKeys   crm.Kind = "webhook-keys"
	kindSubscription  crm.Kind = "webhook-subscription"
	kindPausedApp     crm.Kind = "webhook-paused"
	kindFlush         crm.Kind = "webhook-flush" // one row: the last flush, a commit barrier
	webhookKeysRecord          = "signing"
)

// keysRecord is the signing keys as the state database keeps them.
type keysRecord struct{ *webhooks.Keys }

// ChangeKind implements crm.Object.
func (keysRecord) ChangeKind() crm.Kind { return kindWebhookKeys }

// subscriptionRecord is a run-time subscription as the state keeps it.
type subscriptionRecord struct {
	webhooks.Subscription
}

// ChangeKind implements crm.Object.
func (*subscriptionRecord) ChangeKind() crm.Kind { return kindSubscription }

// pausedRecord is a paused app as the state keeps it.
type pausedRecord struct {
	App string `json:"app"`
}

// ChangeKind implements crm.Object.
func (*pausedRecord) ChangeKind() crm.Kind { return kindPausedApp }

// isWebhookKind reports whether a change is a record of the webhooks,
// which no store holds.
func isWebhookKind(k crm.Kind) bool {
	return k == crm.KindDelivery || k == kindWebhookKeys || k == kindSubscription || k == kindPausedApp || k == kindFlush ||
		k == kindPendingEvents
}

// flushRecord is the time of the last flush.
type flushRecord struct {
	At string `json:"at"`
}

// ChangeKind implements crm.Object.
func (*flushRecord) ChangeKind() crm.Kind { return kindFlush }

// webhooksDurable waits until every change of a delivery made so far is in
// the state database: the database commits in order, so once a change
// written now is committed, so is everything before it. Without a state
// database it returns at once.
func (s *Server) webhooksDurable(ctx context.Context) error {
	now := s.clock.Now()
	return s.saveWebhookRecords(ctx, "webhooks:flush", crm.Change{Time: crm.MillisOf(now), Kind: kindFlush, ID: "last",
		After: &flushRecord{At: now.Format(time.RFC3339Nano)}})
}

// hub is the server's webhooks: the engine, the sink, and the subscriptions
// configured (fixtures, flags) and made at run time.
type hub struct {
	engine *webhooks.Engine
	sink   *webhooks.Sink
	opts   webhooks.MapOptions
	frozen frozenArena  // the no-database backlog's bytes (server_webhooks_backlog.go)
	stage  *changeStage // the changes on their way to being frozen; nil with a state database

	mu         sync.Mutex
	unsub      func() // the change-feed subscription; nil while nothing is subscribed
	listening  atomic.Bool
	runID      string // names this run's pending-event records (server_webhooks_outbox.go)
	configured []webhooks.Subscription
	runtime    map[string]bool // ids of the run-time subscriptions
	nextSub    int
}

// startWebhooks builds the engine: its keys, its restored outbox and
// subscriptions, and the fault hook. records are what the state database
// holds (nil without one).
func (s *Server) startWebhooks(ctx context.Context, records map[crm.Kind]map[string]json.RawMessage) error {
	wc := s.cfg.Webhooks
	configured := s.fx.WebhookSubscriptions()
	retry := wc.Retry
	if retry == "" {
		retry = s.settings.Webhooks.Retry
	}
	for i, u := range wc.URLs {
		configured = append(configured, webhooks.Subscription{
			ID: "url-" + strconv.Itoa(i+1), App: s.fx.DefaultApp().ID, URL: u, Retry: retry, IncludeAppID: true,
		})
	}
	wantRSA := wc.RSA || slices.ContainsFunc(configured, func(sub webhooks.Subscription) bool { return sub.Signature == webhooks.SignEd25519RSA })
	keys, err := s.webhookKeys(ctx, records, wantRSA)
	if err != nil {
		return err
	}
	restore, err := decodeRecords[webhooks.Delivery](records[crm.KindDelivery])
	if err != nil {
		return fmt.Errorf("--state: webhook deliveries: %w", err)
	}
	paused, err := decodeRecords[pausedRecord](records[kindPausedApp])
	if err != nil {
		return fmt.Errorf("--state: paused apps: %w", err)
	}
	saved, err := decodeRecords[subscriptionRecord](records[kindSubscription])
	if err != nil {
		return fmt.Errorf("--state: webhook subscriptions: %w", err)
	}
	ecfg := webhooks.Config{
		Keys: keys, Now: s.clock.Now, Client: wc.Client, Workers: wc.Workers, Timeout: wc.Timeout, LogSize: wc.LogSize,
		Seed: uint64(s.cfg.Seed), Logger: s.log, Restore: restore, Faults: s.webhookFault,
		Busy: s.apiBusy, BusyShare: wc.BusyShare, MaxBacklog: wc.MaxBacklog,
		// What is still enqueued at a shutdown is in the outbox, which the
		// next start queues again, or, with no state database, lost with
		// everything else: building it would only delay the shutdown.
		DropOnClose: true,
	}
	if s.settings.Webhooks.TimestampClock == "mock" {
		ecfg.Stamp = s.clock.Now
	}
	for _, p := range paused {
		ecfg.Paused = append(ecfg.Paused, p.App)
	}
	pending, err := decodeRecords[pendingEvents](records[kindPendingEvents])
	if err != nil {
		return fmt.Errorf("--state: pending webhook events: %w", err)
	}
	if s.db != nil {
		// The outbox is durable: every change of a delivery goes to the
		// state database like any other record, and so do the events of
		// each write until their deliveries are made.
		ecfg.OnChange = func(c crm.Change) { s.feed.Publish(context.Background(), c) }
		ecfg.OnBuilt = s.eventsBuilt
	}
	ecfg.OnChange = s.observeWebhooks(ecfg.OnChange) // metrics.go
	var stage *changeStage
	if s.db == nil {
		stage = newChangeStage()
	}
	var h *hub
	ecfg.Staged = func() bool { return h.stage.busy() }
	engine, err := webhooks.New(ecfg)
	if err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	h = &hub{
		engine: engine,
		opts: webhooks.MapOptions{
			TagChangeAlsoUpdate: s.settings.Webhooks.TagChangeAlsoUpdate,
			DNDChangeAlsoUpdate: s.settings.Webhooks.DNDChangeAlsoUpdate,
			Zone:                s.locationZone,
		},
		configured: configured,
		runtime:    map[string]bool{},
		runID:      newRunID(),
		stage:      stage,
	}
	h.sink = webhooks.NewSink(webhooks.SinkConfig{
		Now:        s.clock.Now,
		PublicKeys: func() []ed25519.PublicKey { return []ed25519.PublicKey{keys.PublicEd25519()} },
		RSAKeys:    sinkRSAKeys(keys),
	})
	s.hooks = h
	h.stage.start(s.queueChange, engine.Unstaged)
	for _, sub := range configured {
		if _, err := engine.Subscribe(sub); err != nil {
			h.stage.stop()
			_ = engine.Close(ctx)
			return fmt.Errorf("webhook subscription %s: %w", sub.ID, err)
		}
	}
	slices.SortFunc(saved, func(a, b subscriptionRecord) int { return compareSubIDs(a.ID, b.ID) })
	for _, rec := range saved {
		if _, err := engine.Subscribe(rec.Subscription); err != nil {
			s.log.Warn("a saved webhook subscription was dropped", "id", rec.ID, "error", err.Error())
			continue
		}
		h.runtime[rec.ID] = true
		if n, ok := strings.CutPrefix(rec.ID, "sub_"); ok {
			if v, err := strconv.Atoi(n); err == nil {
				h.nextSub = max(h.nextSub, v)
			}
		}
	}
	s.syncWebhookFeed()
	// Events of writes committed before a crash whose deliveries were not
	// saved: queued again, their keys kept so their records are deleted.
	for _, p := range pending {
		engine.Enqueue(p.Events...)
	}
	return nil
}

// webhookKeys returns the signing keys: given, from the key file, from the
// state database (made and saved on its first start), or derived from the
// seed.
func (s *Server) webhookKeys(ctx context.Context, records map[crm.Kind]map[string]json.RawMessage, wantRSA bool) (*webhooks.Keys, error) {
	wc := s.cfg.Webhooks
	bits := wc.RSABits
	if bits == 0 {
		bits = webhooks.DefaultRSABits
	}
	switch {
	case wc.Keys != nil:
		if wantRSA && wc.Keys.RSA == nil {
			return wc.Keys.WithRSA(bits)
		}
		return wc.Keys, nil
	case wc.KeyFile != "":
		k, err := webhooks.LoadKeyFile(wc.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("--webhook-key: %w", err)
		}
		if wantRSA && k.RSA == nil {
			return nil, fmt.Errorf("--webhook-key %s: a subscription signs with ed25519+rsa, and the file has no RSA key", wc.KeyFile)
		}
		return k, nil
	case s.db != nil:
		var k *webhooks.Keys
		if raw, ok := records[kindWebhookKeys][webhookKeysRecord]; ok {
			k = &webhooks.Keys{}
			if err := json.Unmarshal(raw, k); err != nil {
				return nil, fmt.Errorf("--state: the webhook keys: %w", err)
			}
			if !wantRSA || k.RSA != nil {
				return k, nil
			}
		}
		var err error
		if k == nil {
			k, err = webhooks.GenerateKeys(0)
		}
		if err == nil && wantRSA {
			k, err = k.WithRSA(bits)
		}
		if err != nil {
			return nil, err
		}
		err = s.write(ctx, crm.Cause{OperationID: "webhooks:keys"}, false, func(ctx context.Context) error {
			s.feed.Publish(ctx, crm.Change{Time: crm.MillisOf(s.clock.Now()), Kind: kindWebhookKeys, ID: webhookKeysRecord, After: keysRecord{k}})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("--state: save the webhook keys: %w", err)
		}
		return k, nil
	}
	rsaBits := 0
	if wantRSA {
		rsaBits = bits
	}
	return deriveSeedKeys(s.cfg.Seed, rsaBits)
}

func deriveSeedKeys(seed int64, rsaBits int) (*webhooks.Keys, error) {
	if seed == 0 {
		seed = 1
	}
	return webhooks.DeriveKeys("ghlmock seed "+strconv.FormatInt(seed, 10), rsaBits)
}

// SeedWebhookKeys returns the keys a mock with this seed signs with when it
// has no state database and no key file (ghlmock webhooks keys --seed).
func SeedWebhookKeys(seed int64) (*webhooks.Keys, error) { return deriveSeedKeys(seed, 0) }

// WebhookKeysInState reads the keys kept in a state database, which a
// running mock may be using (ghlmock webhooks keys --state).
func WebhookKeysInState(ctx context.Context, path string) (*webhooks.Keys, error) {
	db, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st, err := db.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("--state %s: %w", path, err)
	}
	raw, ok := st.Records[kindWebhookKeys][webhookKeysRecord]
	if !ok {
		return nil, fmt.Errorf("--state %s holds no webhook keys yet: ghlmock serve --state makes them on its first start", path)
	}
	k := &webhooks.Keys{}
	if err := json.Unmarshal(raw, k); err != nil {
		return nil, fmt.Errorf("--state %s: the webhook keys: %w", path, err)
	}
	return k, nil
}

// decodeRecords reads saved records of one kind, in no particular order.
func decodeRecords[T any](m map[string]json.RawMessage) ([]T, error) {
	out := make([]T, 0, len(m))
	for id, raw := range m {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// locationZone is a location's time zone, for the appointment events.
func (s *Server) locationZone(loc string) *time.Location {
	if l, ok := s.fx.Location(loc); ok {
		return webhooks.ZoneByName(l.Timezone)
	}
	return time.UTC
}

// syncWebhookFeed subscribes the webhooks to the change feed while at least
// one subscription exists, and unsubscribes them when none is left: with no
// subscriber (and no state database) the store builds no change at all, so
// a mock nobody subscribed to pays nothing for webhooks.
func (s *Server) syncWebhookFeed() {
	h := s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.engine.Subscriptions())
	h.listening.Store(n > 0)
	switch {
	case n > 0 && h.unsub == nil:
		h.unsub = s.feed.Subscribe(s.webhookEvents)
	case n == 0 && h.unsub != nil:
		h.unsub()
		h.unsub = nil
	}
}

// webhookEvents turns a committed change into its events (webhooks.FromChange)
// and queues them; it runs inside the writer's lock or the committer, so it
// only queues.
func (s *Server) webhookEvents(c crm.Change) {
	if s.db != nil {
		// Mapped when appended to the database, and committed as a record
		// of their own (server_webhooks_outbox.go): queued once it is.
		if p, ok := c.After.(*pendingEvents); ok && len(p.Events) > 0 {
			s.hooks.engine.Enqueue(p.Events...)
		}
		return
	}
	if !mapsToEvents(c.Kind) {
		return
	}
	if st := s.hooks.stage; st != nil {
		st.put(c, s.hooks.engine.Mark())
		return
	}
	s.queueChange(c, s.hooks.engine.Mark())
}

// queueChange hands a change to the engine, which maps it to events later,
// with the rest of the deliveries' work: the change is a snapshot nobody
// changes. It waits frozen, as bytes (server_webhooks_backlog.go).
func (s *Server) queueChange(c crm.Change, m webhooks.Mark) {
	if f, ok := s.hooks.frozen.freeze(c); ok {
		s.hooks.engine.EnqueueFuncAt(m, func() []webhooks.Event {
			c, err := f.thaw()
			if err != nil {
				s.log.Error("webhooks: cannot read back a change", "kind", c.Kind, "id", c.ID, "err", err)
				return nil
			}
			return s.changeEvents(c)
		})
		return
	}
	s.hooks.engine.EnqueueFuncAt(m, func() []webhooks.Event { return s.changeEvents(c) })
}

// busyWindow is how long after an API request started the API still counts
// as busy: under load most of a request's time is spent outside its handler
// (reading, writing, waiting for a core), so "a handler is running now"
// alone would let deliveries take the CPU between handlers.
const busyWindow = 5 * time.Millisecond

// apiBusy is the webhook engine's Busy: an API request is being served or
// one started within busyWindow. A staging bot's occasional requests leave
// the engine at full speed; a load test leaves it BusyShare of the time.
func (s *Server) apiBusy() bool {
	return s.serving.Load() > 0 || time.Now().UnixNano()-s.lastRequest.Load() < int64(busyWindow)
}

// webhookFault is the engine's fault hook: the fault rules whose target is
// webhook.
func (s *Server) webhookFault(a webhooks.AttemptInfo) webhooks.Fault {
	d, ok := s.faults.DecideWebhook(faults.Webhook{Event: a.Event, App: a.App, LocationID: a.LocationID, Attempt: a.Attempt})
	if !ok {
		return webhooks.Fault{}
	}
	return webhooks.Fault{Action: webhooks.FaultAction(d.Action), Delay: d.Delay}
}

// webhooksAdvanced lets the engine fire every attempt that came due when
// the clock moved, and waits for them (at most a minute: a receiver that
// hangs has its own per-attempt timeout). It reports whether they settled.
func (s *Server) webhooksAdvanced(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return s.hooks.engine.Advanced(ctx) == nil && s.webhooksDurable(ctx) == nil
}

// resetWebhooks is the webhooks' part of a reset: the delivery log and the
// paused apps cleared, the run-time subscriptions removed, the configured
// ones back as they were.
func (s *Server) resetWebhooks(ctx context.Context) error {
	h := s.hooks
	paused := h.engine.Paused()
	h.engine.Clear() // with what the writes before it made that is still on its way (webhooks.Mark)
	var changes []crm.Change
	now := crm.MillisOf(s.clock.Now())
	h.mu.Lock()
	for _, sub := range h.engine.Subscriptions() {
		h.engine.Unsubscribe(sub.ID)
		if h.runtime[sub.ID] {
			changes = append(changes, crm.Change{Time: now, Kind: kindSubscription, ID: sub.ID, Before: &subscriptionRecord{sub}})
		}
	}
	for _, p := range paused {
		changes = append(changes, crm.Change{Time: now, Kind: kindPausedApp, ID: p, Before: &pausedRecord{App: p}})
	}
	clear(h.runtime)
	var errs []error
	for _, sub := range h.configured {
		if _, err := h.engine.Subscribe(sub); err != nil {
			errs = append(errs, err)
		}
	}
	h.mu.Unlock()
	s.syncWebhookFeed()
	if err := s.saveWebhookRecords(ctx, "admin:reset", changes...); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// saveWebhookRecords commits webhook records to the state database (and
// does nothing without one).
func (s *Server) saveWebhookRecords(ctx context.Context, op string, cs ...crm.Change) error {
	if s.db == nil || len(cs) == 0 {
		return nil
	}
	return s.write(ctx, crm.Cause{OperationID: op}, false, func(ctx context.Context) error {
		for _, c := range cs {
			s.feed.Publish(ctx, c)
		}
		return nil
	})
}

// closeWebhooks stops the engine: what is still queued becomes deliveries
// (saved, with a state database), attempts in flight get a few seconds.
func (s *Server) closeWebhooks() {
	if s.hooks == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.hooks.stage.stop() // what it still holds is dropped, as the engine drops its inbox (DropOnClose)
	_ = s.hooks.engine.Close(ctx)
}

// Webhooks returns the webhook engine: its delivery log (Deliveries,
// Delivery), Flush, Pause and Resume, Redeliver, Subscribe. Subscriptions
// made through it directly are not saved in the state database; the admin
// API's are.
func (s *Server) Webhooks() *webhooks.Engine { return s.hooks.engine }

// WebhookKeys returns the keys the deliveries are signed with; a receiver
// verifies with their public half (WebhookPublicKey).
func (s *Server) WebhookKeys() *webhooks.Keys { return s.hooks.engine.Keys() }

// WebhookPublicKey is the Ed25519 public key as raw base64: the value of
// WEBHOOK_SIGNATURE_PUBLIC_KEY (or the SDK's webhookPublicKey) for a
// receiver of the mock's webhooks.
func (s *Server) WebhookPublicKey() string {
	pub, err := s.WebhookKeys().PublicKeys()
	if err != nil {
		return ""
	}
	return pub.Ed25519.RawBase64
}

// Sink returns the receiver built into the mock at /_mock/sink/{name}.
func (s *Server) Sink() *webhooks.Sink { return s.hooks.sink }

// sinkRSAKeys is the sink's legacy key: the mock's RSA key, when it has one.
func sinkRSAKeys(k *webhooks.Keys) func() []*rsa.PublicKey {
	if k.RSA == nil {
		return nil
	}
	return func() []*rsa.PublicKey { return []*rsa.PublicKey{&k.RSA.PublicKey} }
}

// webhookRuleCanMatch refuses a webhook fault rule that no delivery could
// match: an unknown event type, an app that is neither the fixtures' nor
// subscribed, a location of no fixture.
func (s *Server) webhookRuleCanMatch(r faults.Rule) error {
	var errs []error
	if r.Event != "" && !webhooks.IsEventType(r.Event) && r.Event != webhooks.WorkflowWebhook {
		errs = append(errs, fmt.Errorf("event %q is not an event type the mock sends (%s)", r.Event, strings.Join(webhooks.EventTypes, ", ")))
	}
	if r.App != "" {
		_, known := s.fx.App(r.App)
		if s.hooks != nil {
			for _, sub := range s.hooks.engine.Subscriptions() {
				known = known || sub.App == r.App
			}
		}
		if !known {
			errs = append(errs, fmt.Errorf("app %q is neither an app of the fixtures nor subscribed", r.App))
		}
	}
	if r.LocationID != "" {
		if _, ok := s.fx.Location(r.LocationID); !ok {
			errs = append(errs, fmt.Errorf("locationId %q is not a location of the fixtures", r.LocationID))
		}
	}
	return errors.Join(errs...)
}

// compareSubIDs orders run-time subscription ids (sub_N) by N.
func compareSubIDs(a, b string) int {
	na, _ := strconv.Atoi(strings.TrimPrefix(a, "sub_"))
	nb, _ := strconv.Atoi(strings.TrimPrefix(b, "sub_"))
	if na != nb {
		return na - nb
	}
	return strings.Compare(a, b)
}
