package seed

import (
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// count draws 0 to 3: 40% none, 30% one, 20% two, 10% three (mean 1.0).
func (g *generator) count() int {
	switch r := g.intn(100); {
	case r < 40:
		return 0
	case r < 70:
		return 1
	case r < 90:
		return 2
	}
	return 3
}

// tasks gives a contact 0 to 3 tasks, due from two months before the
// reference time to one month after it; most past ones are done.
func (g *generator) tasks(c *crm.Contact) {
	for range g.count() {
		due := g.ref - 60*day + crm.Millis(g.int64n(int64(90*day)))
		if due < c.DateAdded {
			due = c.DateAdded + g.between(hour, 14*day)
		}
		due += 15*minute - due%(15*minute) // due on a quarter hour
		t := crm.Task{
			ID:         g.ids.ID(),
			LocationID: c.LocationID,
			ContactID:  c.ID,
			Title:      g.pick(taskTitles),
			Body:       g.pick(taskBodies),
			DueDate:    due,
			DateAdded:  g.between(c.DateAdded, min(due, g.ref)),
		}
		if g.chance(85) {
			t.AssignedTo = g.user()
		}
		if due < g.ref {
			t.Completed = g.chance(65)
		} else {
			t.Completed = g.chance(5)
		}
		g.out.Tasks = append(g.out.Tasks, t)
	}
}

// notes gives a contact 0 to 3 notes written after it was added.
func (g *generator) notes(c *crm.Contact) {
	for range g.count() {
		n := crm.Note{
			ID:         g.ids.ID(),
			LocationID: c.LocationID,
			ContactID:  c.ID,
			Body:       g.pick(g.noteBodies),
			DateAdded:  g.between(c.DateAdded, g.ref),
		}
		if g.chance(90) {
			n.UserID = g.user()
		}
		if g.chance(15) {
			n.Title = g.pick(noteTitles)
		}
		if g.chance(10) {
			n.Color = g.pick(noteColors)
		}
		n.Pinned = g.chance(5)
		n.DateUpdated = n.DateAdded
		if g.chance(10) {
			n.DateUpdated = g.between(n.DateAdded, g.ref)
		}
		g.out.Notes = append(g.out.Notes, n)
	}
}

// appointments gives a contact 0 to 2 appointments on the location's
// calendars, in business hours of the location's timezone, from four months
// before the reference time to six weeks after it.
func (g *generator) appointments(c *crm.Contact) {
	cals := g.loc.Calendars
	if len(cals) == 0 {
		return
	}
	var n int
	switch r := g.intn(100); {
	case r < 65:
		return
	case r < 90:
		n = 1
	default:
		n = 2
	}
	y, m, d := g.refTime.In(g.tz).Date()
	for range n {
		cal := cals[g.intn(len(cals))]
		offset := g.intn(166) - 120
		startAt := func(offset int) crm.Millis {
			return crm.MillisOf(time.Date(y, m, d+offset, 9+g.intn(9), 30*g.intn(2), 0, 0, g.tz))
		}
		start := startAt(offset)
		if start < c.DateAdded {
			start = startAt(1 + g.intn(45)) // booked since: it is still to come
		}
		length := 30 * minute
		if g.chance(40) {
			length = 60 * minute
		}
		a := crm.Appointment{
			ID:         g.ids.ID(),
			LocationID: c.LocationID,
			ContactID:  c.ID,
			CalendarID: cal.ID,
			Title:      cal.Name,
			Status:     "booked",
			StartTime:  start,
			EndTime:    start + length,
			DateAdded:  g.between(c.DateAdded, min(start, g.ref)),
		}
		if u := g.user(); u != "" {
			a.AssignedUserID = u
			a.Users = []string{u}
		}
		r := g.intn(100)
		switch {
		case r < 12:
			a.Status, a.AppointmentStatus = "cancelled", "cancelled"
		case start >= g.ref && r < 30:
			a.AppointmentStatus = "new"
		case start >= g.ref:
			a.AppointmentStatus = "confirmed"
		case r < 75:
			a.AppointmentStatus = "showed"
		case r < 92:
			a.AppointmentStatus = "noshow"
		default:
			a.AppointmentStatus = "confirmed"
		}
		a.DateUpdated = a.DateAdded
		if a.AppointmentStatus != "new" {
			a.DateUpdated = g.between(a.DateAdded, min(max(start, a.DateAdded), g.ref))
		}
		g.out.Appointments = append(g.out.Appointments, a)
	}
}
