package webhooks

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// The persistence hook: every change of a delivery goes to Config.OnChange
// as a change-feed record, and Config.Restore starts an engine from what
// was stored, so that a kill -9 with retries pending loses none once the
// records are kept durably.

// restore loads saved deliveries, in the order of their ids.
func (e *Engine) restore(saved []Delivery) error {
	recs := make([]*record, 0, len(saved))
	for _, d := range saved {
		policy, err := ParseRetry(d.Retry)
		if err != nil {
			return fmt.Errorf("webhooks: restore %s: %w", d.ID, err)
		}
		if _, dup := e.recs[d.ID]; dup || d.ID == "" {
			return fmt.Errorf("webhooks: restore: duplicate or empty delivery id %q", d.ID)
		}
		r := &record{d: d.Clone(), policy: policy, idx: -1}
		r.seq, _ = deliverySeq(d.ID)
		e.recs[d.ID] = r
		recs = append(recs, r)
		e.seq = max(e.seq, r.seq)
	}
	slices.SortStableFunc(recs, func(a, b *record) int { return cmp.Compare(a.seq, b.seq) })
	e.log = recs
	for _, r := range recs {
		if r.d.Status == StatusPending {
			if r.d.NextAttemptAt.IsZero() {
				r.d.NextAttemptAt = e.cfg.Now()
			}
			e.queue(r)
		}
	}
	return nil
}

const idPrefix = "whd_"

func deliverySeq(id string) (uint64, bool) {
	s, ok := strings.CutPrefix(id, idPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// report tells OnChange about a delivery: before is its state before the
// change (nil for a new one), after its state now (nil when it left the
// log). e.mu is held.
func (e *Engine) report(op string, before, after *Delivery) {
	if e.cfg.OnChange == nil {
		return
	}
	id := ""
	ch := crm.Change{Time: crm.MillisOf(e.cfg.Now()), Kind: crm.KindDelivery, Cause: crm.Cause{OperationID: "webhooks:" + op}}
	if before != nil {
		id = before.ID
		ch.Before = before
	}
	if after != nil {
		id = after.ID
		ch.After = after
	}
	ch.ID = id
	e.cfg.OnChange(ch)
}

// snapshot returns a copy of r's delivery for report, or nil when nobody
// listens (so that a change costs no copy then). e.mu is held.
func (e *Engine) snapshot(r *record) *Delivery {
	if e.cfg.OnChange == nil {
		return nil
	}
	d := r.d.Clone()
	return &d
}

// reportChange reports r's new state after op; before is from snapshot.
// e.mu is held.
func (e *Engine) reportChange(op string, before *Delivery, r *record) {
	if e.cfg.OnChange == nil {
		return
	}
	after := r.d.Clone()
	e.report(op, before, &after)
}
