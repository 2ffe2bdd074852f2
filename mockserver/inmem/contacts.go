package inmem

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Messages of EINVALID errors about contact input.
const (
	msgDateOfBirth = "dateOfBirth must be a valid date"
	msgAssignedTo  = "assignedTo must be a valid user id"
	msgBusinessID  = "businessId must be a valid business id"
	msgDuplicate   = "This location does not allow duplicated contacts."
)

// Contact returns a live contact of loc.
func (s *Store) Contact(ctx context.Context, loc, id string) (crm.Contact, error) {
	var c crm.Contact
	err := s.read(ctx, loc, id, func(l *location, i int32) error {
		c = l.recs[i].contact(loc)
		return nil
	})
	return c, err
}

// ViewContact calls fn with the contact under the location's read lock,
// without copying it: the cheapest read, for rendering an answer. fn must
// neither keep nor change anything it is given.
func (s *Store) ViewContact(ctx context.Context, loc, id string, known uint64, fn func(c *crm.Contact, version uint64)) (version uint64, err error) {
	err = s.read(ctx, loc, id, func(l *location, i int32) error {
		if version = l.mu.version.Load(); version != known {
			c := l.recs[i].view(loc)
			fn(&c, version)
		}
		return nil
	})
	return version, err
}

// CreateContact creates a contact: a new id, DateAdded = DateUpdated = now,
// Type "lead" unless given, tags normalized, the phone normalized per
// Options.NormalizePhones. When the location does not allow duplicates, an
// email (case-insensitively) or phone another live contact holds is EDUPLICATE,
// naming that contact and the first field of Location.Priority that matched.
func (s *Store) CreateContact(ctx context.Context, loc string, in crm.ContactInput) (crm.Contact, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return crm.Contact{}, err
	}
	id := s.newContactID()
	now := s.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	i, err := s.create(l, id, now, &in)
	if err != nil {
		return crm.Contact{}, err
	}
	c := l.recs[i].contact(loc)
	s.created(ctx, l, c)
	return c, nil
}

// create adds a contact to l, whose write lock the caller holds.
func (s *Store) create(l *location, id string, now crm.Millis, in *crm.ContactInput) (int32, error) {
	for {
		if _, taken := l.byID[id]; !taken {
			break
		}
		id = s.opts.IDs.ID()
	}
	c := crm.Contact{ID: id, LocationID: l.info.ID, DateAdded: now, DateUpdated: now}
	if err := s.apply(&l.info, &c, in); err != nil {
		return 0, err
	}
	if err := l.duplicate(&c, -1, true, true); err != nil {
		return 0, err
	}
	return l.add(packContact(&c)), nil
}

// UpdateContact applies the given fields (see crm.ContactInput) and sets
// DateUpdated. Changing the email or phone to one another live contact holds
// is EDUPLICATE when the location does not allow duplicates.
func (s *Store) UpdateContact(ctx context.Context, loc, id string, in crm.ContactInput) (crm.Contact, error) {
	now := s.now()
	var c crm.Contact
	err := s.write(ctx, loc, id, func(l *location, i int32) error {
		var err error
		c, err = s.update(l, i, now, &in)
		return err
	})
	return c, err
}

func (s *Store) update(l *location, i int32, now crm.Millis, in *crm.ContactInput) (crm.Contact, error) {
	r := &l.recs[i]
	c := r.contact(l.info.ID)
	oldEmail, oldPhone := emailKey(c.Email), c.Phone
	if err := s.apply(&l.info, &c, in); err != nil {
		return crm.Contact{}, err
	}
	c.DateUpdated = now
	if err := l.duplicate(&c, i, emailKey(c.Email) != oldEmail, c.Phone != oldPhone); err != nil {
		return crm.Contact{}, err
	}
	l.replace(i, packContact(&c))
	return l.recs[i].contact(l.info.ID), nil
}

// DeleteContact soft-deletes a contact (see the package doc); deleting it
// again is ENOTFOUND.
func (s *Store) DeleteContact(ctx context.Context, loc, id string) error {
	now := s.now()
	return s.write(ctx, loc, id, func(l *location, i int32) error {
		l.kill(i, now)
		return nil
	})
}

// UpsertContact follows GHL's documented upsert. When the location allows
// duplicates and createNewIfDuplicateAllowed is set, it always creates.
// Otherwise it looks for an existing live contact by the fields of
// Location.Priority in order (email then phone when duplicates are allowed)
// and updates the first match; when duplicates are not allowed, an identifier
// of the input that belongs to another contact is ignored (not applied), so
// no duplicate arises. With no match, or with neither email nor phone in the
// input, it creates.
func (s *Store) UpsertContact(ctx context.Context, loc string, in crm.ContactInput, createNewIfDuplicateAllowed bool) (crm.Contact, bool, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return crm.Contact{}, false, err
	}
	id := s.newContactID()
	now := s.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	allow := l.info.AllowDuplicateContact
	if !(allow && createNewIfDuplicateAllowed) {
		keys := s.inputKeys(&l.info, &in)
		if i, field, ok := l.match(keys); ok {
			in := in // the fields to apply
			if !allow {
				for _, f := range l.info.Priority() {
					f = strings.ToLower(f)
					if f == field || keys[f] == "" {
						continue
					}
					idx := l.keyIndex(f)
					if idx == nil {
						continue
					}
					if _, taken := l.first(idx, keys[f], i); taken {
						switch f {
						case "email":
							in.Email = nil
						case "phone":
							in.Phone = nil
						}
					}
				}
			}
			var c crm.Contact
			err := s.tracked(ctx, l, i, func() (err error) { c, err = s.update(l, i, now, &in); return err })
			return c, false, err
		}
		if i, ok := s.additionalEmailMatch(l, keys["email"]); ok {
			// GHL #337: the contact that lists the email as an additional one
			// is updated; the email becomes its primary and leaves the
			// additional ones, and the old primary is dropped.
			in := in
			rest := slices.DeleteFunc(slices.Clone(l.recs[i].more.addEmails), func(e string) bool { return emailKey(e) == keys["email"] })
			in.AdditionalEmails = &rest
			var c crm.Contact
			err := s.tracked(ctx, l, i, func() (err error) { c, err = s.update(l, i, now, &in); return err })
			return c, false, err
		}
	}
	i, err := s.create(l, id, now, &in)
	if err != nil {
		return crm.Contact{}, false, err
	}
	c := l.recs[i].contact(loc)
	s.created(ctx, l, c)
	return c, true, nil
}

// additionalEmailMatch finds, when Options.UpsertMatchesAdditionalEmails is
// set and the location matches by email at all, the oldest live contact
// that lists email (lower case) among its additional emails.
func (s *Store) additionalEmailMatch(l *location, email string) (int32, bool) {
	if !s.opts.UpsertMatchesAdditionalEmails || email == "" ||
		!slices.ContainsFunc(l.matchOrder(), func(f string) bool { return strings.EqualFold(f, "email") }) {
		return 0, false
	}
	return l.first(&l.addEmail, email, -1)
}

// DuplicateContact finds the live contact GHL would call a duplicate: by the
// fields of Location.Priority in order (email then phone when the location
// allows duplicates), the oldest contact holding the first field that
// matches. A phone given with its country code ("+1 212-555-0101") is
// normalized as stored phones are; one without ("2125550101") is compared as
// given, so it misses an E.164 contact, as live GHL's lookup does (a bare
// 10-digit US number "silently fails to match").
func (s *Store) DuplicateContact(ctx context.Context, loc, email, phone string) (crm.Contact, bool, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return crm.Contact{}, false, err
	}
	email, phone = strings.TrimSpace(email), strings.TrimSpace(phone)
	if email == "" && phone == "" {
		return crm.Contact{}, false, crm.BadInput("Pass at least one of number, email query parameter")
	}
	phoneKey := phone
	if strings.HasPrefix(phone, "+") {
		phoneKey = s.normPhone(&l.info, phone)
	}
	keys := map[string]string{"email": emailKey(email), "phone": phoneKey}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if i, _, ok := l.match(keys); ok {
		return l.recs[i].contact(loc), true, nil
	}
	return crm.Contact{}, false, nil
}

// inputKeys returns the duplicate keys (email, phone) of an input.
func (s *Store) inputKeys(info *crm.Location, in *crm.ContactInput) map[string]string {
	keys := map[string]string{}
	if in.Email != nil {
		keys["email"] = emailKey(strings.TrimSpace(*in.Email))
	}
	if in.Phone != nil {
		keys["phone"] = s.normPhone(info, *in.Phone)
	}
	return keys
}

// matchOrder is the order in which email and phone identify a contact.
func (l *location) matchOrder() []string {
	if l.info.AllowDuplicateContact {
		return []string{"email", "phone"}
	}
	return l.info.Priority()
}

func (l *location) keyIndex(field string) *multiIndex {
	switch strings.ToLower(field) {
	case "email":
		return &l.email
	case "phone":
		return &l.phone
	}
	return nil
}

// match finds the contact the keys identify, and by which field.
func (l *location) match(keys map[string]string) (int32, string, bool) {
	for _, f := range l.matchOrder() {
		f = strings.ToLower(f)
		if idx := l.keyIndex(f); idx != nil {
			if i, ok := l.first(idx, keys[f], -1); ok {
				return i, f, true
			}
		}
	}
	return 0, "", false
}

// duplicate returns the EDUPLICATE error that storing c would cause, looking
// only at the fields that changed; self is c's own index, or -1.
func (l *location) duplicate(c *crm.Contact, self int32, emailChanged, phoneChanged bool) error {
	if l.info.AllowDuplicateContact {
		return nil
	}
	for _, f := range l.info.Priority() {
		f = strings.ToLower(f)
		var key string
		switch {
		case f == "email" && emailChanged:
			key = emailKey(c.Email)
		case f == "phone" && phoneChanged:
			key = c.Phone
		default:
			continue
		}
		if i, ok := l.first(l.keyIndex(f), key, self); ok {
			r := &l.recs[i]
			return &crm.Error{
				Code:     crm.EDUPLICATE,
				Messages: []string{msgDuplicate},
				Duplicate: &crm.DuplicateMatch{
					ContactID:     r.id(),
					ContactName:   displayName(r),
					MatchingField: f,
				},
			}
		}
	}
	return nil
}

func displayName(r *rec) string {
	if n := r.get(fName); n != "" {
		return n
	}
	first, last := r.get(fFirst), r.get(fLast)
	if first == "" || last == "" {
		return first + last
	}
	return first + " " + last
}

func (s *Store) normPhone(info *crm.Location, raw string) string {
	switch {
	case !s.opts.NormalizePhones:
		return strings.TrimSpace(raw)
	case isE164(raw):
		return raw // what NormalizePhone would return, without its allocations
	}
	return crm.NormalizePhone(raw, info.Country)
}

func isE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// apply sets the given fields of in on c, a copy the caller owns. It checks
// everything before it returns, and reports every problem at once.
func (s *Store) apply(info *crm.Location, c *crm.Contact, in *crm.ContactInput) error {
	var msgs []string
	set := func(dst *string, p *string) {
		if p != nil {
			*dst = strings.TrimSpace(*p)
		}
	}
	set(&c.FirstName, in.FirstName)
	set(&c.LastName, in.LastName)
	set(&c.Name, in.Name)
	set(&c.Email, in.Email)
	set(&c.CompanyName, in.CompanyName)
	set(&c.Gender, in.Gender)
	set(&c.Timezone, in.Timezone)
	set(&c.Type, in.Type)
	set(&c.Source, in.Source)
	set(&c.Address1, in.Address1)
	set(&c.City, in.City)
	set(&c.State, in.State)
	set(&c.Country, in.Country)
	set(&c.PostalCode, in.PostalCode)
	set(&c.Website, in.Website)
	if c.Type == "" {
		c.Type = "lead" // a contact always has a type; clearing it restores the default
	}
	if in.Phone != nil {
		c.Phone = s.normPhone(info, *in.Phone)
	}
	if in.AssignedTo != nil {
		c.AssignedTo = strings.TrimSpace(*in.AssignedTo)
		if c.AssignedTo != "" && !info.HasUser(c.AssignedTo) {
			msgs = append(msgs, msgAssignedTo)
		}
	}
	if in.BusinessID != nil {
		c.BusinessID = strings.TrimSpace(*in.BusinessID)
		if c.BusinessID != "" && !hasBusiness(info, c.BusinessID) {
			msgs = append(msgs, msgBusinessID)
		}
	}
	if in.DateOfBirth != nil {
		if v := strings.TrimSpace(*in.DateOfBirth); v == "" {
			c.DateOfBirth = ""
		} else if d, ok := crm.ParseDateOfBirth(v); ok {
			c.DateOfBirth = d
		} else {
			msgs = append(msgs, msgDateOfBirth)
		}
	}
	if in.DND != nil {
		c.DND = *in.DND
	}
	if in.DNDSettings != nil {
		msgs = append(msgs, mergeDND(c, in.DNDSettings)...)
	}
	if in.InboundDNDSettings != nil {
		if d, ok := inboundDND(in.InboundDNDSettings); ok {
			c.InboundDNDSettings = d
		} else {
			msgs = append(msgs, msgInboundDND)
		}
	}

	if in.Tags != nil {
		c.Tags = crm.NormalizeTags(*in.Tags)
	}
	if in.CustomFields != nil {
		msgs = append(msgs, mergeCustomFields(info, c, in.CustomFields)...)
	}
	if in.AdditionalEmails != nil {
		c.AdditionalEmails = trimAll(*in.AdditionalEmails, strings.TrimSpace)
	}
	if in.AdditionalPhones != nil {
		c.AdditionalPhones = trimAll(*in.AdditionalPhones, func(p string) string { return s.normPhone(info, p) })
	}
	if in.Attribution != nil {
		a := *in.Attribution
		c.Attribution = &a
	}
	if in.CreatedBy != nil {
		cb := *in.CreatedBy
		c.CreatedBy = &cb
	}
	if len(msgs) > 0 {
		return crm.Invalid(msgs...)
	}
	return nil
}

func trimAll(in []string, norm func(string) string) []string {
	var out []string
	for _, v := range in {
		if v = norm(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

var dndStatuses = []string{"active", "inactive", "permanent"}

// inboundDNDStatuses are those of inboundDndSettings.all: no "permanent".
var inboundDNDStatuses = []string{"active", "inactive"}

var msgInboundDND = "inboundDndSettings.all.status must be one of the following values: " + strings.Join(inboundDNDStatuses, ", ")

// inboundDND returns a copy of in as the store keeps it (no code: inbound
// settings have none), or false when its status is not one of
// inboundDNDStatuses.
func inboundDND(in *crm.InboundDNDSettings) (*crm.InboundDNDSettings, bool) {
	if !slices.Contains(inboundDNDStatuses, in.All.Status) {
		return nil, false
	}
	d := *in
	d.All.Code = ""
	return &d, true
}

// mergeDND merges per-channel settings into c's (a copy the caller owns).
func mergeDND(c *crm.Contact, in map[string]crm.DNDSetting) []string {
	var msgs []string
	channels := make([]string, 0, len(in))
	for ch := range in {
		channels = append(channels, ch)
	}
	slices.Sort(channels) // messages in a stable order
	for _, ch := range channels {
		v := in[ch]
		switch {
		case !slices.Contains(crm.DNDChannels, ch):
			msgs = append(msgs, fmt.Sprintf("dndSettings.%s should not exist", ch))
		case !slices.Contains(dndStatuses, v.Status):
			msgs = append(msgs, fmt.Sprintf("dndSettings.%s.status must be one of the following values: %s", ch, strings.Join(dndStatuses, ", ")))
		}
	}
	if len(msgs) > 0 {
		return msgs
	}
	if c.DNDSettings == nil {
		c.DNDSettings = make(map[string]crm.DNDSetting, len(in))
	}
	for ch, v := range in {
		c.DNDSettings[ch] = v
	}
	return nil
}

// mergeCustomFields sets the given custom fields on c (a copy the caller
// owns), by field id; a nil value removes the field's value.
func mergeCustomFields(info *crm.Location, c *crm.Contact, in []crm.CustomFieldInput) []string {
	var msgs []string
	for n, f := range in {
		def, ok := customField(info, f.ID, f.Key)
		if !ok {
			if f.ID == "" && f.Key == "" {
				msgs = append(msgs, fmt.Sprintf("customFields.%d.id should not be empty", n))
			} else {
				msgs = append(msgs, fmt.Sprintf("customField %s does not exist", firstNonEmpty(f.ID, f.Key)))
			}
			continue
		}
		v, ok := normValue(f.Value)
		if !ok {
			msgs = append(msgs, fmt.Sprintf("customFields.%d.field_value must be a string, a number, a boolean or an array of strings", n))
			continue
		}
		c.CustomFields = setCustomField(c.CustomFields, def.ID, v)
	}
	return msgs
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func customField(info *crm.Location, id, key string) (crm.CustomField, bool) {
	for _, s := range []string{id, key} {
		if s == "" {
			continue
		}
		if f, ok := info.CustomFieldByIDOrKey(s); ok {
			return f, true
		}
	}
	return crm.CustomField{}, false
}

func setCustomField(fields []crm.CustomFieldValue, id string, v any) []crm.CustomFieldValue {
	p := slices.IndexFunc(fields, func(f crm.CustomFieldValue) bool { return f.ID == id })
	switch {
	case v == nil && p >= 0:
		return slices.Delete(fields, p, p+1)
	case v == nil:
		return fields
	case p >= 0:
		fields[p].Value = v
		return fields
	}
	return append(fields, crm.CustomFieldValue{ID: id, Value: v})
}

// normValue turns a custom field value as decoded from JSON (or given by Go
// code) into one of the types crm.CustomFieldValue allows: string, float64,
// bool or []string. nil stays nil (remove the value).
func normValue(v any) (any, bool) {
	switch x := v.(type) {
	case nil, string, bool, float64:
		return x, true
	case []string:
		return slices.Clone(x), true
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	if f, ok := toFloat(v); ok {
		return f, true
	}
	return nil, false
}

// toFloat converts Go's numeric types to float64.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
