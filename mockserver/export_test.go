package mockserver

import (
	"context"
	"slices"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// PanicOnForTest makes an operation's handler panic, to test the recover
// middleware. Call it before any request.
func PanicOnForTest(s *Server, operationID string) {
	s.ops[operationID].handle = func(context.Context, *request) (int, any, error) {
		panic("deliberate test panic")
	}
}

// Unimplemented lists the operations of the document that have no handler.
func Unimplemented(s *Server) []string {
	var out []string
	for id, op := range s.ops {
		if !op.implemented {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// FailCommitsForTest makes the state database's commits fail while fail
// returns an error (see sqlite.Options.BeforeCommit).
func FailCommitsForTest(c *Config, fail func() error) { c.beforeCommit = fail }

// FeedActiveForTest reports whether anything listens to the change feed.
func FeedActiveForTest(s *Server) bool { return s.feed.Active() }

// DeliveriesInStateForTest reads the deliveries a state database holds,
// while a mock may be using it.
func DeliveriesInStateForTest(ctx context.Context, path string) ([]webhooks.Delivery, error) {
	db, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st, err := db.Load(ctx)
	if err != nil {
		return nil, err
	}
	return decodeRecords[webhooks.Delivery](st.Records[crm.KindDelivery])
}

// PublishForTest publishes a change on the server's change feed, as a
// write of another part of the server (an OAuth install) would.
func PublishForTest(s *Server, c crm.Change) { s.feed.Publish(context.Background(), c) }

// SubscribeForTest calls fn with every change the server's feed delivers.
func SubscribeForTest(s *Server, fn func(crm.Change)) (unsubscribe func()) {
	return s.feed.Subscribe(fn)
}

// RenderContactForTest renders GET contact's answer (without traceId) from
// the store's own copy of the contact, past the answer cache.
func RenderContactForTest(s *Server, loc, id string) ([]byte, error) {
	c, err := s.Store().Contact(context.Background(), loc, id)
	if err != nil {
		return nil, err
	}
	return contactAnswer{c: &c}.appendJSON(nil), nil
}

// CachedAnswers counts the answers the GET contact cache keeps.
func CachedAnswers(s *Server) int {
	n := 0
	for i := range s.answers.slots {
		if s.answers.slots[i].answer.Load() != nil {
			n++
		}
	}
	return n
}
