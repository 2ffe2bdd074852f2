package mockserver

import (
	"context"
	"slices"

	"github.com/ghlmock/ghlmock/mockserver/crm"
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

// SubscribeForTest calls fn with every change the server's feed delivers.
func SubscribeForTest(s *Server, fn func(crm.Change)) (unsubscribe func()) {
	return s.feed.Subscribe(fn)
}
