package inmem

import (
	"context"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

var _ crm.AppointmentWriter = (*Store)(nil)

// Appointment statuses the calendar accepts.
var (
	appointmentStatuses = []string{"new", "confirmed", "cancelled", "showed", "noshow", "invalid"}
	eventStatuses       = []string{"booked", "confirmed", "cancelled", "showed", "noshow", "invalid"}
)

// CreateAppointment books an appointment (see crm.AppointmentWriter).
func (s *Store) CreateAppointment(ctx context.Context, loc, contactID string, in crm.AppointmentInput) (crm.Appointment, error) {
	now := s.now()
	var out crm.Appointment
	err := s.write(ctx, loc, contactID, func(l *location, i int32) error {
		a := crm.Appointment{
			ID: s.childID(func(id string) bool { _, _, ok := l.findAppointment(id); return ok }), LocationID: loc,
			ContactID: contactID, Status: "booked", AppointmentStatus: "confirmed", DateAdded: now, DateUpdated: now,
		}
		if len(l.info.Calendars) > 0 {
			a.CalendarID = l.info.Calendars[0].ID
		}
		if err := applyAppointment(&l.info, &a, &in); err != nil {
			return err
		}
		if a.StartTime == 0 || a.EndTime == 0 {
			return crm.Invalid("startTime should not be empty", "endTime should not be empty")
		}
		l.appts[contactID] = insertAppointment(l.appts[contactID], a)
		if s.publishing() {
			s.publish(ctx, l, crm.KindAppointment, a.ID, nil, appointmentObject(a))
		}
		out = a
		return nil
	})
	return out, err
}

// UpdateAppointment changes an appointment of loc.
func (s *Store) UpdateAppointment(ctx context.Context, loc, id string, in crm.AppointmentInput) (crm.Appointment, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return crm.Appointment{}, err
	}
	now := s.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	owner, n, ok := l.findAppointment(id)
	if !ok {
		return crm.Appointment{}, crm.NotFound(crm.ResourceAppointment, id)
	}
	before := l.appts[owner][n]
	a := before
	a.Users = slices.Clone(a.Users)
	if err := applyAppointment(&l.info, &a, &in); err != nil {
		return crm.Appointment{}, err
	}
	a.DateUpdated = now
	list := slices.Delete(slices.Clone(l.appts[owner]), n, n+1)
	l.appts[owner] = insertAppointment(list, a)
	if s.publishing() {
		s.publish(ctx, l, crm.KindAppointment, id, appointmentObject(before), appointmentObject(a))
	}
	return a, nil
}

// DeleteAppointment removes an appointment of loc.
func (s *Store) DeleteAppointment(ctx context.Context, loc, id string) error {
	l, err := s.location(ctx, loc)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	owner, n, ok := l.findAppointment(id)
	if !ok {
		return crm.NotFound(crm.ResourceAppointment, id)
	}
	before := l.appts[owner][n]
	list := slices.Delete(slices.Clone(l.appts[owner]), n, n+1)
	if len(list) == 0 {
		delete(l.appts, owner)
	} else {
		l.appts[owner] = list
	}
	if s.publishing() {
		s.publish(ctx, l, crm.KindAppointment, id, appointmentObject(before), nil)
	}
	return nil
}

func appointmentObject(a crm.Appointment) crm.Object { return &a }

// findAppointment finds an appointment of l by id: its contact and index.
func (l *location) findAppointment(id string) (string, int, bool) {
	for owner, list := range l.appts {
		for n := range list {
			if list[n].ID == id {
				return owner, n, true
			}
		}
	}
	return "", 0, false
}

func insertAppointment(list []crm.Appointment, a crm.Appointment) []crm.Appointment {
	list = append(slices.Clip(list), a)
	slices.SortFunc(list, cmpAppointments)
	return list
}

// applyAppointment sets the given fields and checks them all.
func applyAppointment(info *crm.Location, a *crm.Appointment, in *crm.AppointmentInput) error {
	var msgs []string
	str := func(dst *string, p *string) {
		if p != nil {
			*dst = strings.TrimSpace(*p)
		}
	}
	str(&a.CalendarID, in.CalendarID)
	str(&a.Title, in.Title)
	str(&a.Status, in.Status)
	str(&a.AppointmentStatus, in.AppointmentStatus)
	str(&a.AssignedUserID, in.AssignedUserID)
	str(&a.Notes, in.Notes)
	str(&a.Address, in.Address)
	if in.StartTime != nil {
		a.StartTime = *in.StartTime
	}
	if in.EndTime != nil {
		a.EndTime = *in.EndTime
	}
	if !slices.ContainsFunc(info.Calendars, func(c crm.Calendar) bool { return c.ID == a.CalendarID }) {
		msgs = append(msgs, "calendarId must be a calendar of the location")
	}
	if a.AssignedUserID != "" && !info.HasUser(a.AssignedUserID) {
		msgs = append(msgs, msgAssignedTo)
	}
	if !slices.Contains(eventStatuses, a.Status) {
		msgs = append(msgs, "status must be one of the following values: "+strings.Join(eventStatuses, ", "))
	}
	if !slices.Contains(appointmentStatuses, a.AppointmentStatus) {
		msgs = append(msgs, "appointmentStatus must be one of the following values: "+strings.Join(appointmentStatuses, ", "))
	}
	if a.StartTime != 0 && a.EndTime != 0 && !(a.StartTime < a.EndTime) {
		msgs = append(msgs, "endTime must be after startTime")
	}
	if len(msgs) > 0 {
		return crm.Invalid(msgs...)
	}
	if a.AssignedUserID != "" && !slices.Contains(a.Users, a.AssignedUserID) {
		a.Users = append(a.Users, a.AssignedUserID)
	}
	return nil
}
