package crm

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to GHL's status and message in one table.
const (
	ENOTFOUND  = "not_found"        // the contact, task or note does not exist (GHL answers 400)
	EFORBIDDEN = "forbidden"        // the resource belongs to another location (GHL answers 403)
	EDUPLICATE = "duplicate"        // the location does not allow duplicated contacts (400 with meta)
	EINVALID   = "invalid"          // the request is well-formed JSON but semantically wrong (422)
	EBADINPUT  = "bad_request"      // a request GHL answers with a plain 400 (e.g. no email or number)
	ELOCATION  = "unknown_location" // the location id is not one the store holds
)

// Resources named in errors.
const (
	ResourceContact     = "contact"
	ResourceTask        = "task"
	ResourceNote        = "note"
	ResourceLocation    = "location"
	ResourceCampaign    = "campaign"
	ResourceAppointment = "appointment"
	ResourceWorkflow    = "workflow"
)

// Error is the one error type the store returns for anything a client caused.
// Any other error is an internal failure.
type Error struct {
	Code     string // one of the E* codes
	Resource string // for ENOTFOUND and EFORBIDDEN: which kind of thing
	ID       string // for ENOTFOUND and EFORBIDDEN: the id that was asked for
	// Messages are class-validator style lines for EINVALID ("pageLimit must
	// not be greater than 500") or the single message of EBADINPUT.
	Messages []string
	// Duplicate is set with EDUPLICATE: the contact that already holds the value.
	Duplicate *DuplicateMatch
}

// DuplicateMatch names the existing contact a create or update collided with.
type DuplicateMatch struct {
	ContactID     string
	ContactName   string
	MatchingField string // email or phone
}

func (e *Error) Error() string {
	switch {
	case e.Resource != "":
		return fmt.Sprintf("crm: %s %s %s", e.Resource, e.ID, e.Code)
	case len(e.Messages) > 0:
		return fmt.Sprintf("crm: %s: %v", e.Code, e.Messages)
	}
	return "crm: " + e.Code
}

// NotFound returns an ENOTFOUND error for a resource id.
func NotFound(resource, id string) *Error {
	return &Error{Code: ENOTFOUND, Resource: resource, ID: id}
}

// Forbidden returns an EFORBIDDEN error for a resource of another location.
func Forbidden(resource, id string) *Error {
	return &Error{Code: EFORBIDDEN, Resource: resource, ID: id}
}

// UnknownLocation returns an ELOCATION error for a location the store does not hold.
func UnknownLocation(id string) *Error {
	return &Error{Code: ELOCATION, Resource: ResourceLocation, ID: id}
}

// Invalid returns an EINVALID error with class-validator style messages.
func Invalid(messages ...string) *Error {
	return &Error{Code: EINVALID, Messages: messages}
}

// BadInput returns an EBADINPUT error with one message.
func BadInput(message string) *Error {
	return &Error{Code: EBADINPUT, Messages: []string{message}}
}

// ErrorCode returns the code of a *Error anywhere in err's chain, or "" for
// any other error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
