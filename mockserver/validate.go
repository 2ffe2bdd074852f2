package mockserver

import "github.com/ghlmock/ghlmock/mockserver/validation"

// validate checks the request against the document (see package
// validation): failures are GHL's 422 with class-validator style messages,
// one per problem. The body was decoded once by readBody.
func (s *Server) validate(rq *request) *apiError {
	if msgs := rq.op.validation.Check(validationInput(rq)); msgs != nil {
		return unprocessable(msgs...)
	}
	return nil
}

func validationInput(rq *request) validation.Input {
	in := validation.Input{Request: rq.r, Path: rq.vars, Body: rq.value}
	if rq.op.validation.NeedsQuery() {
		in.Query = rq.values()
	}
	return in
}
