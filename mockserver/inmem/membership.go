package inmem

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Messages of bulk tag results (GHL's, from the spec's example).
const (
	msgTagsUpdated     = "Tags updated"
	msgNotFirebaseID   = "contact id is not a valid firebase id"
	msgContactDeleted  = "contact is deleted"
	msgNotInLocation   = "contact does not belong to location"
	msgFollowers       = "followers must contain valid user ids"
	msgBusinessMissing = "businessId must be a valid business id"
)

// AddTags adds tags (normalized: trimmed, lower case, deduplicated) and
// returns the full resulting list and the tags that were not there before.
// DateUpdated changes only when a tag was added.
func (s *Store) AddTags(ctx context.Context, loc, id string, tags []string) (crm.Contact, []string, error) {
	now := s.now()
	var c crm.Contact
	added := []string{}
	err := s.write(ctx, loc, id, func(l *location, i int32) error {
		added = addTags(l, i, crm.NormalizeTags(tags), now)
		c = l.recs[i].contact(loc)
		return nil
	})
	return c, added, err
}

// RemoveTags removes tags (normalized) and returns the remaining list and the
// tags that were actually there. DateUpdated changes only when one was.
func (s *Store) RemoveTags(ctx context.Context, loc, id string, tags []string) (crm.Contact, []string, error) {
	now := s.now()
	var c crm.Contact
	removed := []string{}
	err := s.write(ctx, loc, id, func(l *location, i int32) error {
		removed = removeTags(l, i, crm.NormalizeTags(tags), now)
		c = l.recs[i].contact(loc)
		return nil
	})
	return c, removed, err
}

// addTags adds normalized tags to the contact at i and returns those that
// are new.
func addTags(l *location, i int32, tags []string, now crm.Millis) []string {
	r := &l.recs[i]
	added := []string{}
	for _, t := range tags {
		if !slices.Contains(r.tags, t) {
			added = append(added, t)
		}
	}
	if len(added) > 0 {
		now = l.changing(i, now)
		// A new slice: the old one may still be read as a result (OldTags).
		r.tags = append(slices.Clip(r.tags), added...)
		r.updated = now
	}
	return added
}

// removeTags removes normalized tags from the contact at i and returns
// those it had.
func removeTags(l *location, i int32, tags []string, now crm.Millis) []string {
	r := &l.recs[i]
	removed := []string{}
	var kept []string
	for _, t := range r.tags {
		if slices.Contains(tags, t) {
			removed = append(removed, t)
		} else {
			kept = append(kept, t)
		}
	}
	if len(removed) > 0 {
		now = l.changing(i, now)
		r.tags = kept
		r.updated = now
	}
	return removed
}

// BulkTags answers POST /contacts/bulk/tags/update/{add|remove} with one
// result per contact id, in order: a malformed id, a deleted contact and an
// id that is not a contact of loc (another location's, or nobody's) are
// reported, not errors. RemoveAll (with Remove) clears every tag; it is
// ignored when adding. More ids than Options.MaxBulkTagContacts is EINVALID.
func (s *Store) BulkTags(ctx context.Context, loc string, op crm.BulkTagOp) ([]crm.BulkTagResult, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return nil, err
	}
	if max := limitOf(s.opts.MaxBulkTagContacts, DefaultMaxBulkTagContacts); max >= 0 && len(op.ContactIDs) > max {
		return nil, crm.Invalid(fmt.Sprintf("contacts must contain no more than %d elements", max))
	}
	tags := crm.NormalizeTags(op.Tags)
	now := s.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]crm.BulkTagResult, len(op.ContactIDs))
	for n, id := range op.ContactIDs {
		res := crm.BulkTagResult{ContactID: id}
		i, known := l.byID[id]
		switch {
		case !crm.IsID(id):
			res.Message = msgNotFirebaseID
		case !known:
			res.Message = msgNotInLocation
		case l.recs[i].deleted:
			res.Message = msgContactDeleted
		default:
			r := &l.recs[i]
			res.OK, res.Message = true, msgTagsUpdated
			res.OldTags = append([]string{}, r.tags...)
			res.TagsAdded, res.TagsRemoved = []string{}, []string{}
			_ = s.tracked(ctx, l, i, func() error {
				switch {
				case !op.Remove:
					res.TagsAdded = addTags(l, i, tags, now)
				case op.RemoveAll:
					res.TagsRemoved = removeTags(l, i, slices.Clone(r.tags), now)
				default:
					res.TagsRemoved = removeTags(l, i, tags, now)
				}
				return nil
			})
		}
		out[n] = res
	}
	return out, nil
}

func limitOf(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// SetBusiness answers POST /contacts/bulk/business: it sets businessID (""
// clears it) on the live contacts of loc among ids and returns the ids whose
// business actually changed, in the order given. Ids that are malformed,
// unknown, deleted or another location's are skipped. A businessID that is
// not one of the location's businesses is EINVALID, as are more ids than
// Options.MaxBulkBusinessIDs.
func (s *Store) SetBusiness(ctx context.Context, loc string, ids []string, businessID string) ([]string, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return nil, err
	}
	if max := limitOf(s.opts.MaxBulkBusinessIDs, DefaultMaxBulkBusinessIDs); max >= 0 && len(ids) > max {
		return nil, crm.Invalid(fmt.Sprintf("ids must contain no more than %d elements", max))
	}
	businessID = strings.TrimSpace(businessID)
	if businessID != "" && !hasBusiness(&l.info, businessID) {
		return nil, crm.Invalid(msgBusinessMissing)
	}
	now := s.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	changed := []string{}
	for _, id := range ids {
		i, ok := l.liveIndex(id)
		if !ok || l.recs[i].get(fBusiness) == businessID {
			continue
		}
		_ = s.tracked(ctx, l, i, func() error {
			c := l.recs[i].contact(loc)
			c.BusinessID, c.DateUpdated = businessID, now
			l.replace(i, packContact(&c))
			return nil
		})
		changed = append(changed, id)
	}
	return changed, nil
}

// AddFollowers adds users as followers and returns all followers and the ones
// that are new. A user id that is not a user of the location is EINVALID and
// nothing changes. DateUpdated changes only when a follower was added.
func (s *Store) AddFollowers(ctx context.Context, loc, id string, users []string) ([]string, []string, error) {
	now := s.now()
	var followers []string
	added := []string{}
	err := s.write(ctx, loc, id, func(l *location, i int32) error {
		users := trimAll(users, strings.TrimSpace)
		for _, u := range users {
			if !l.info.HasUser(u) {
				return crm.Invalid(msgFollowers)
			}
		}
		r := &l.recs[i]
		cur := r.followers()
		for _, u := range users {
			if !slices.Contains(cur, u) && !slices.Contains(added, u) {
				added = append(added, u)
			}
		}
		if len(added) > 0 {
			at := l.changing(i, now)
			r.extra().followers = append(slices.Clip(cur), added...)
			r.updated = at
		}
		followers = append([]string{}, r.followers()...)
		return nil
	})
	return followers, added, err
}

// RemoveFollowers removes users from the followers and returns the remaining
// followers and the ones actually removed. Unknown user ids are not errors:
// they are simply not followers.
func (s *Store) RemoveFollowers(ctx context.Context, loc, id string, users []string) ([]string, []string, error) {
	now := s.now()
	var followers []string
	removed := []string{}
	err := s.write(ctx, loc, id, func(l *location, i int32) error {
		r := &l.recs[i]
		var kept []string
		for _, f := range r.followers() {
			if slices.Contains(users, f) {
				removed = append(removed, f)
			} else {
				kept = append(kept, f)
			}
		}
		if len(removed) > 0 {
			at := l.changing(i, now)
			r.extra().followers = kept
			r.updated = at
		}
		followers = append([]string{}, r.followers()...)
		return nil
	})
	return followers, removed, err
}

// extra returns r.more, allocating it on first use.
func (r *rec) extra() *extra {
	if r.more == nil {
		r.more = &extra{}
	}
	return r.more
}

// AddToCampaign enrolls a contact in a campaign of its location (ENOTFOUND
// with Resource campaign otherwise); enrolling again changes nothing.
// Campaign and workflow membership does not change DateUpdated.
func (s *Store) AddToCampaign(ctx context.Context, loc, id, campaignID string) error {
	return s.write(ctx, loc, id, func(l *location, i int32) error {
		if !hasCampaign(&l.info, campaignID) {
			return crm.NotFound(crm.ResourceCampaign, campaignID)
		}
		r := &l.recs[i]
		if r.more == nil || !slices.Contains(r.more.campaigns, campaignID) {
			x := r.extra()
			x.campaigns = append(slices.Clip(x.campaigns), campaignID)
		}
		return nil
	})
}

// RemoveFromCampaign removes a contact from a campaign of its location; a
// contact that was not in it is fine (GHL answers succeded:true).
func (s *Store) RemoveFromCampaign(ctx context.Context, loc, id, campaignID string) error {
	return s.write(ctx, loc, id, func(l *location, i int32) error {
		if !hasCampaign(&l.info, campaignID) {
			return crm.NotFound(crm.ResourceCampaign, campaignID)
		}
		if x := l.recs[i].more; x != nil {
			x.campaigns = nilIfEmpty(slices.DeleteFunc(slices.Clone(x.campaigns), func(c string) bool { return c == campaignID }))
		}
		return nil
	})
}

// RemoveFromAllCampaigns removes a contact from every campaign.
func (s *Store) RemoveFromAllCampaigns(ctx context.Context, loc, id string) error {
	return s.write(ctx, loc, id, func(l *location, i int32) error {
		if x := l.recs[i].more; x != nil {
			x.campaigns = nil
		}
		return nil
	})
}

// AddToWorkflow enrolls a contact in a workflow of its location (ENOTFOUND
// with Resource workflow otherwise), recording eventStartTime as given and
// the time it was added. Enrolling again keeps the first enrollment.
func (s *Store) AddToWorkflow(ctx context.Context, loc, id, workflowID, eventStartTime string) error {
	now := s.now()
	return s.write(ctx, loc, id, func(l *location, i int32) error {
		if !hasWorkflow(&l.info, workflowID) {
			return crm.NotFound(crm.ResourceWorkflow, workflowID)
		}
		r := &l.recs[i]
		if r.more != nil && slices.ContainsFunc(r.more.workflows, func(w crm.WorkflowEnrollment) bool { return w.WorkflowID == workflowID }) {
			return nil
		}
		x := r.extra()
		x.workflows = append(slices.Clip(x.workflows), crm.WorkflowEnrollment{
			WorkflowID: workflowID, EventStartTime: eventStartTime, AddedAt: now,
		})
		return nil
	})
}

// RemoveFromWorkflow removes a contact from a workflow of its location; a
// contact that was not in it is fine.
func (s *Store) RemoveFromWorkflow(ctx context.Context, loc, id, workflowID string) error {
	return s.write(ctx, loc, id, func(l *location, i int32) error {
		if !hasWorkflow(&l.info, workflowID) {
			return crm.NotFound(crm.ResourceWorkflow, workflowID)
		}
		if x := l.recs[i].more; x != nil {
			w := slices.DeleteFunc(slices.Clone(x.workflows), func(w crm.WorkflowEnrollment) bool { return w.WorkflowID == workflowID })
			if len(w) == 0 {
				w = nil
			}
			x.workflows = w
		}
		return nil
	})
}
