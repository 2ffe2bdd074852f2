package mockserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"

	"github.com/ghlmock/ghlmock/mockserver/changefeed"
	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// With a state database a write's webhook events are durable from the
// moment the write is: the change feed's log is the database wrapped by
// stateLog, which maps each change to its events as it is appended (in the
// writer's lock, in commit order) and appends them, as one record, right
// behind it. The write's answer waits for both commits; the events are
// queued for delivery once the record is committed. Once the engine has
// made the events' deliveries (and reported them, so they are queued for
// the database behind the record), the record is deleted. A restart finds
// the records of events whose deliveries were not saved and queues them
// again: a kill -9 between a write and its deliveries loses none (it may
// send one twice, at least once as GHL does).

// kindPendingEvents are the events of committed writes whose deliveries
// are not made yet.
const kindPendingEvents crm.Kind = "webhook-events"

// pendingEvents is one change's events as the state database keeps them.
type pendingEvents struct {
	Events []webhooks.Event `json:"events"`
}

// ChangeKind implements crm.Object.
func (*pendingEvents) ChangeKind() crm.Kind { return kindPendingEvents }

// stateLog is the change feed's log: the state database, with each change's
// webhook events appended behind it while anything is subscribed.
type stateLog struct {
	db *sqlite.DB
	s  *Server
}

var _ changefeed.Log = (*stateLog)(nil)

func (s *Server) stateLog(db *sqlite.DB) changefeed.Log { return &stateLog{db: db, s: s} }

// Append implements changefeed.Log.
func (l *stateLog) Append(c crm.Change, done func(error)) {
	h := l.s.hooks
	if h == nil || !h.listening.Load() {
		l.db.Append(c, done)
		return
	}
	evs := l.s.changeEvents(c)
	if len(evs) == 0 {
		l.db.Append(c, done)
		return
	}
	key := h.runID + "-" + strconv.FormatUint(c.Seq, 10)
	for i := range evs {
		evs[i].Key = key
	}
	// The database commits in order: the record's outcome comes after the
	// change's, and the write is answered once both are known. The events
	// are queued for delivery when the record is committed (webhookEvents
	// sees it on the feed), so its deletion always comes after it. The
	// record has the change's Seq, so it keeps its place among the changes
	// committed with it.
	var mu sync.Mutex
	var first error
	l.db.Append(c, func(err error) {
		mu.Lock()
		first = err
		mu.Unlock()
	})
	l.db.Append(crm.Change{Seq: c.Seq, Time: c.Time, Kind: kindPendingEvents, ID: key, After: &pendingEvents{Events: evs}, Cause: c.Cause},
		func(err error) {
			mu.Lock()
			err = errors.Join(first, err)
			mu.Unlock()
			done(err)
		})
}

// changeEvents maps a change to its webhook events: FromChange's table, and
// the OAuth installs' INSTALL and UNINSTALL.
func (s *Server) changeEvents(c crm.Change) []webhooks.Event {
	switch {
	case c.Kind == crm.KindGrant:
		return installEvents(c) // server_webhooks_install.go
	case !mapsToEvents(c.Kind):
		return nil
	}
	return webhooks.FromChange(c, s.hooks.opts)
}

// mapsToEvents reports whether changes of kind k may send webhooks: not the
// webhooks' own records, the tokens or a whole dataset.
func mapsToEvents(k crm.Kind) bool {
	return !isWebhookKind(k) && k != kindPendingEvents && k != crm.KindToken && k != crm.KindDataset
}

// eventsBuilt deletes the records of events whose deliveries were made:
// the engine calls it (OnBuilt) after reporting those deliveries, so the
// deletions are queued behind them.
func (s *Server) eventsBuilt(keys []string) {
	now := crm.MillisOf(s.clock.Now())
	for _, k := range keys {
		s.feed.Publish(context.Background(), crm.Change{Time: now, Kind: kindPendingEvents, ID: k, Before: &pendingEvents{}})
	}
}

// newRunID names this process's event records apart from those of earlier
// runs of the same database.
func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "ev" + hex.EncodeToString(b[:])
}
