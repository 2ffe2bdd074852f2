package seed

import (
	"hash/fnv"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

// named adds a named contact exactly as the fixtures declare it. Dates the
// file leaves out are derived from the contact's id, not from the faker, so a
// named contact's dateAdded does not move when another one is added or removed.
func (g *generator) named(nc *fixture.NamedContact) {
	c := nc.Contact.Clone()
	if nc.AddedAt.IsZero() {
		c.DateAdded = g.ref - crm.Millis(stableHash(c.ID)%uint64(history))
	} else {
		c.DateAdded = nc.AddedAt.Resolve(g.refTime)
	}
	c.DateUpdated = c.DateAdded
	if !nc.UpdatedAt.IsZero() {
		c.DateUpdated = nc.UpdatedAt.Resolve(g.refTime)
	}
	c.LastActivity = nc.LastActivityAt.Resolve(g.refTime)
	for i := range c.Workflows {
		c.Workflows[i].AddedAt = c.DateAdded
	}
	if c.Email != "" {
		g.emails[strings.ToLower(c.Email)] = struct{}{}
	}
	if c.Phone != "" {
		g.phones[crm.NormalizePhone(c.Phone, g.loc.Country)] = struct{}{}
	}
	g.out.Contacts = append(g.out.Contacts, c)

	for _, nt := range nc.Tasks {
		t := nt.Task
		if t.ID == "" {
			t.ID = g.ids.ID()
		}
		t.DueDate = nt.DueAt.Resolve(g.refTime)
		if nt.DueAt.IsZero() {
			t.DueDate = g.ref + day
		}
		t.DateAdded = nt.AddedAt.Resolve(g.refTime)
		if nt.AddedAt.IsZero() {
			t.DateAdded = min(c.DateAdded+hour, max(g.ref, c.DateAdded))
		}
		g.out.Tasks = append(g.out.Tasks, t)
	}
	for _, nn := range nc.Notes {
		n := nn.Note
		if n.ID == "" {
			n.ID = g.ids.ID()
		}
		n.DateAdded = nn.AddedAt.Resolve(g.refTime)
		if nn.AddedAt.IsZero() {
			n.DateAdded = min(c.DateAdded+hour, max(g.ref, c.DateAdded))
		}
		n.DateUpdated = n.DateAdded
		g.out.Notes = append(g.out.Notes, n)
	}
	for _, na := range nc.Appointments {
		a := na.Appointment
		a.Users = append([]string(nil), a.Users...)
		if a.ID == "" {
			a.ID = g.ids.ID()
		}
		a.StartTime = na.StartAt.Resolve(g.refTime)
		a.EndTime = a.StartTime + 30*minute
		if !na.EndAt.IsZero() {
			a.EndTime = na.EndAt.Resolve(g.refTime)
		}
		a.DateAdded = na.AddedAt.Resolve(g.refTime)
		if na.AddedAt.IsZero() {
			a.DateAdded = max(c.DateAdded, min(a.StartTime-7*day, g.ref))
		}
		a.DateUpdated = a.DateAdded
		g.out.Appointments = append(g.out.Appointments, a)
	}
}

func stableHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return mix64(h.Sum64())
}
