package mockserver

import "context"

// PanicOnForTest makes an operation's handler panic, to test the recover
// middleware. Call it before any request.
func PanicOnForTest(s *Server, operationID string) {
	s.ops[operationID].handle = func(context.Context, *request) (int, any, error) {
		panic("deliberate test panic")
	}
}
