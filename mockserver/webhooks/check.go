package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// CheckOptions configure Check.
type CheckOptions struct {
	// Keys are the keys the receiver is configured with (the mock's).
	// Required.
	Keys *Keys
	// AppID goes into every body as appId: the official SDK's subscribe()
	// ignores an event whose appId is not its client id's prefix, before it
	// verifies anything, so without it every case is "accepted".
	AppID      string
	LocationID string // default "ghlmockCheckLocation0"
	// Event is the event sent (its fields get a fresh envelope per case);
	// default a ContactCreate for a contact named "Smith & Sons <b>", whose
	// body only a JavaScript-exact serialiser re-serialises to the same bytes.
	Event   *Event
	Client  *http.Client // default: 10 s timeout, no redirects
	Stamp   func() time.Time
	Headers map[string]string // extra headers on every request
	StaleBy time.Duration     // how old the stale timestamp is; default DefaultStaleBy
}

// Verdicts of a check case.
const (
	VerdictOK              = "ok"
	VerdictWronglyAccepted = "WRONGLY ACCEPTED"
	VerdictWronglyRejected = "WRONGLY REJECTED"
	VerdictNotJudged       = "not judged"
	VerdictError           = "ERROR"
)

// CheckResult is one case of Check.
type CheckResult struct {
	Case        string `json:"case"`
	Description string `json:"description"`
	Expect      string `json:"expect"`           // what a correct receiver answers
	Status      int    `json:"status,omitempty"` // what it answered; 0 when it did not
	Error       string `json:"error,omitempty"`
	Accepted    bool   `json:"accepted"` // it answered 2xx
	Verdict     string `json:"verdict"`
	// WronglyAccepted: it took a request that a receiver must refuse.
	WronglyAccepted bool   `json:"wronglyAccepted"`
	Note            string `json:"note,omitempty"`
}

// checkCase is one request of the battery.
type checkCase struct {
	name, description string
	mustAccept        bool // the valid event; otherwise it must be refused
	judged            bool
	note              string
	build             func(c *checker) ([]byte, map[string]string, error)
}

var checkCases = []checkCase{
	{name: "valid", description: "a genuine event, signed with the mock's key", mustAccept: true, judged: true,
		build: func(c *checker) ([]byte, map[string]string, error) { return c.valid() }},
	{name: "duplicate-webhookid", description: "the genuine event again, byte for byte (same webhookId)", judged: false,
		note:  "must not take effect twice; a status cannot show that, so check that it was processed once (a 2xx or a 409 are both fine)",
		build: func(c *checker) ([]byte, map[string]string, error) { return c.first, c.firstHeaders, nil }},
	{name: "tampered-body", description: "a field added to the body after signing", judged: true,
		build: func(c *checker) ([]byte, map[string]string, error) {
			body, h, err := c.fresh(c.stamp())
			if err != nil {
				return nil, nil, err
			}
			tampered := bytes.Replace(body, []byte(`"type":"`), []byte(`"tampered":true,"type":"`), 1)
			return tampered, h, nil
		}},
	{name: "missing-signature", description: "no x-ghl-signature header", judged: true,
		note: "the SDK then sets skippedSignatureVerification and calls next(): your handler must refuse it",
		build: func(c *checker) ([]byte, map[string]string, error) {
			body, h, err := c.fresh(c.stamp())
			delete(h, HeaderSignature)
			return body, h, err
		}},
	{name: "wrong-key", description: "signed with a key that is not the mock's", judged: true,
		build: func(c *checker) ([]byte, map[string]string, error) {
			body, h, err := c.fresh(c.stamp())
			if err != nil {
				return nil, nil, err
			}
			h[HeaderSignature] = c.wrong.Sign(body)
			return body, h, nil
		}},
	{name: "stale-timestamp", description: "validly signed, timestamp older than the 5-minute replay window", judged: true,
		note: "HighLevel's docs ask receivers to reject a timestamp older than about 5 minutes; mind that a GHL retry 10 minutes later may keep its timestamp",
		build: func(c *checker) ([]byte, map[string]string, error) {
			return c.fresh(c.stamp().Add(-c.staleBy))
		}},
	{name: "legacy-rsa-only", description: "only the legacy x-wh-signature, validly signed with the mock's RSA key", judged: true,
		note: "HighLevel no longer sends x-wh-signature alone; accepting it is right only for a receiver still on SDK 3.0.0",
		build: func(c *checker) ([]byte, map[string]string, error) {
			body, h, err := c.fresh(c.stamp())
			if err != nil {
				return nil, nil, err
			}
			delete(h, HeaderSignature)
			sig, err := c.opts.Keys.SignRSA(body)
			h[HeaderLegacySignature] = sig
			return body, h, err
		}},
}

// checker holds what the cases share.
type checker struct {
	opts         CheckOptions
	ev           Event
	wrong        *Keys
	staleBy      time.Duration
	first        []byte
	firstHeaders map[string]string
}

func (c *checker) stamp() time.Time { return c.opts.Stamp() }

// fresh builds the event with a new webhookId and the given timestamp,
// signed with the mock's Ed25519 key.
func (c *checker) fresh(ts time.Time) ([]byte, map[string]string, error) {
	body, err := MarshalJS(Envelope(c.ev, NewUUID(), ts, c.opts.AppID))
	if err != nil {
		return nil, nil, err
	}
	h := map[string]string{"Content-Type": "application/json", "User-Agent": "ghlmock-webhooks-check"}
	for k, v := range c.opts.Headers {
		h[http.CanonicalHeaderKey(k)] = v
	}
	h[HeaderSignature] = c.opts.Keys.Sign(body)
	return body, h, nil
}

func (c *checker) valid() ([]byte, map[string]string, error) {
	body, h, err := c.fresh(c.stamp())
	c.first, c.firstHeaders = body, h
	return body, h, err
}

// Check sends a receiver a genuine event and a battery of bad ones, the ways
// a sender can be forged or replayed, and reports for each what the
// receiver answered and whether it accepted what it must refuse. The cases
// are sent in order, one at a time; legacy-rsa-only only when Keys has an
// RSA key.
func Check(ctx context.Context, url string, opts CheckOptions) ([]CheckResult, error) {
	if opts.Keys == nil {
		return nil, errors.New("webhooks: check: the mock's keys are needed")
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if opts.Stamp == nil {
		opts.Stamp = time.Now
	}
	if opts.LocationID == "" {
		opts.LocationID = "ghlmockCheckLocation0"
	}
	c := &checker{opts: opts, staleBy: opts.StaleBy}
	if c.staleBy <= 0 {
		c.staleBy = DefaultStaleBy
	}
	if opts.Event != nil {
		c.ev = *opts.Event
	} else {
		now := crm.MillisOf(opts.Stamp())
		c.ev = ContactEvent(ContactCreate, &crm.Contact{ID: "ghlmockCheckContact0", LocationID: opts.LocationID,
			FirstName: "Smith & Sons <b>", Email: "check@ghlmock.invalid", DateAdded: now})
	}
	wrong, err := GenerateKeys(0)
	if err != nil {
		return nil, err
	}
	c.wrong = wrong

	var out []CheckResult
	for _, cc := range checkCases {
		if cc.name == "legacy-rsa-only" && opts.Keys.RSA == nil {
			continue
		}
		res := CheckResult{Case: cc.name, Description: cc.description, Note: cc.note, Expect: "refused (4xx)"}
		if cc.mustAccept {
			res.Expect = "accepted (2xx)"
		}
		if !cc.judged {
			res.Expect = "processed once"
		}
		body, headers, err := cc.build(c)
		if err == nil {
			res.Status, err = post(ctx, opts.Client, url, body, headers)
		}
		res.Accepted = res.Status >= 200 && res.Status < 300
		switch {
		case err != nil:
			res.Error, res.Verdict = err.Error(), VerdictError
		case !cc.judged:
			res.Verdict = VerdictNotJudged
		case cc.mustAccept && !res.Accepted:
			res.Verdict = VerdictWronglyRejected
			res.Note = "a genuine event was refused: is the receiver configured with the mock's public key (WEBHOOK_SIGNATURE_PUBLIC_KEY) and the app's client id?"
		case !cc.mustAccept && res.Accepted:
			res.Verdict, res.WronglyAccepted = VerdictWronglyAccepted, true
		default:
			res.Verdict = VerdictOK
			if !cc.mustAccept && res.Status >= 500 {
				res.Note = "refused with a 5xx: HighLevel retries non-2xx answers, so a forged request comes back; answer 401 or 403"
			}
		}
		out = append(out, res)
		if ctx.Err() != nil {
			break
		}
	}
	return out, nil
}

func post(ctx context.Context, client *http.Client, url string, body []byte, headers map[string]string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// CheckFailed reports whether the check found a fault: a bad request
// accepted, the genuine event refused, or a case that could not be sent.
// It is what `ghlmock webhooks check` turns into its exit code.
func CheckFailed(results []CheckResult) bool {
	for _, r := range results {
		switch r.Verdict {
		case VerdictWronglyAccepted, VerdictWronglyRejected, VerdictError:
			return true
		}
	}
	return len(results) == 0
}

// FormatCheck writes results as a table, then the notes of the cases that
// have one, and a last line that says whether the receiver passed.
func FormatCheck(w io.Writer, results []CheckResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tEXPECT\tANSWER\tVERDICT")
	for _, r := range results {
		answer := fmt.Sprint(r.Status)
		if r.Error != "" {
			answer = "error: " + r.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Case, r.Expect, answer, r.Verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var notes []string
	for _, r := range results {
		// An ok case's note is background, except the advice on 5xx refusals.
		if r.Note != "" && (r.Verdict != VerdictOK || r.Status >= 500) {
			notes = append(notes, fmt.Sprintf("  %s: %s", r.Case, r.Note))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nnotes:")
		fmt.Fprintln(w, strings.Join(notes, "\n"))
	}
	verdict := "\nthe receiver passed every judged case"
	if CheckFailed(results) {
		verdict = "\nthe receiver FAILED: see the cases marked in capitals"
	}
	_, err := fmt.Fprintln(w, verdict)
	return err
}
