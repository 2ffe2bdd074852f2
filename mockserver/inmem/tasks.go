package inmem

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Tasks, notes and appointments belong to a contact: reaching them through a
// deleted or unknown contact is ENOTFOUND for the contact, through another
// location's contact EFORBIDDEN. A task or note id that is not the contact's
// is ENOTFOUND for the task or note. They do not change the contact's
// DateUpdated.

// Messages of EINVALID errors about tasks and notes.
const (
	msgTitle  = "title should not be empty"
	msgBody   = "body should not be empty"
	msgUserID = "userId must be a valid user id"
)

// Tasks returns a contact's tasks by DateAdded, then id.
func (s *Store) Tasks(ctx context.Context, loc, contactID string) ([]crm.Task, error) {
	var out []crm.Task
	err := s.read(ctx, loc, contactID, func(l *location, i int32) error {
		r := &l.recs[i]
		out = make([]crm.Task, len(r.tasks))
		for n := range r.tasks {
			out[n] = r.tasks[n].export(loc, contactID)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b crm.Task) int {
		return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID))
	})
	return out, err
}

// Task returns one task of a contact.
func (s *Store) Task(ctx context.Context, loc, contactID, taskID string) (crm.Task, error) {
	var t crm.Task
	err := s.read(ctx, loc, contactID, func(l *location, i int32) error {
		r := &l.recs[i]
		n := findTask(r, taskID)
		if n < 0 {
			return crm.NotFound(crm.ResourceTask, taskID)
		}
		t = r.tasks[n].export(loc, contactID)
		return nil
	})
	return t, err
}

func findTask(r *rec, id string) int {
	for n := range r.tasks {
		if r.tasks[n].id() == id {
			return n
		}
	}
	return -1
}

func findNote(r *rec, id string) int {
	for n := range r.notes {
		if r.notes[n].id() == id {
			return n
		}
	}
	return -1
}

// CreateTask adds a task to a contact. Title, DueDate and Completed are
// required (the HTTP layer checks them too); AssignedTo, when given, must be
// a user of the location.
func (s *Store) CreateTask(ctx context.Context, loc, contactID string, in crm.TaskInput) (crm.Task, error) {
	now := s.now()
	var t crm.Task
	err := s.write(ctx, loc, contactID, func(l *location, i int32) error {
		var msgs []string
		if in.Title == nil || strings.TrimSpace(*in.Title) == "" {
			msgs = append(msgs, msgTitle)
		}
		if in.DueDate == nil {
			msgs = append(msgs, "dueDate should not be empty")
		}
		if in.Completed == nil {
			msgs = append(msgs, "completed should not be empty")
		}
		msgs = append(msgs, userMessages(&l.info, in.AssignedTo, msgAssignedTo)...)
		if len(msgs) > 0 {
			return crm.Invalid(msgs...)
		}
		r := &l.recs[i]
		t = crm.Task{
			ID:         s.childID(func(id string) bool { return findTask(r, id) >= 0 }),
			LocationID: loc, ContactID: contactID, DateAdded: now,
		}
		applyTask(&t, &in)
		r.tasks = append(r.tasks, packTask(&t))
		if s.publishing() {
			s.publish(ctx, l, crm.KindTask, t.ID, nil, taskObject(t))
		}
		return nil
	})
	return t, err
}

// UpdateTask applies the given fields to a task; AssignedTo "" unassigns it.
func (s *Store) UpdateTask(ctx context.Context, loc, contactID, taskID string, in crm.TaskInput) (crm.Task, error) {
	var t crm.Task
	err := s.write(ctx, loc, contactID, func(l *location, i int32) error {
		r := &l.recs[i]
		n := findTask(r, taskID)
		if n < 0 {
			return crm.NotFound(crm.ResourceTask, taskID)
		}
		var msgs []string
		if in.Title != nil && strings.TrimSpace(*in.Title) == "" {
			msgs = append(msgs, msgTitle)
		}
		msgs = append(msgs, userMessages(&l.info, in.AssignedTo, msgAssignedTo)...)
		if len(msgs) > 0 {
			return crm.Invalid(msgs...)
		}
		t = r.tasks[n].export(loc, contactID)
		before := t
		applyTask(&t, &in)
		r.tasks[n] = packTask(&t)
		if s.publishing() {
			s.publish(ctx, l, crm.KindTask, t.ID, taskObject(before), taskObject(t))
		}
		return nil
	})
	return t, err
}

// DeleteTask removes a task for good.
func (s *Store) DeleteTask(ctx context.Context, loc, contactID, taskID string) error {
	return s.write(ctx, loc, contactID, func(l *location, i int32) error {
		r := &l.recs[i]
		n := findTask(r, taskID)
		if n < 0 {
			return crm.NotFound(crm.ResourceTask, taskID)
		}
		if s.publishing() {
			s.publish(ctx, l, crm.KindTask, taskID, taskObject(r.tasks[n].export(loc, contactID)), nil)
		}
		r.tasks = slices.Delete(r.tasks, n, n+1)
		if len(r.tasks) == 0 {
			r.tasks = nil
		}
		return nil
	})
}

func applyTask(t *crm.Task, in *crm.TaskInput) {
	if in.Title != nil {
		t.Title = strings.TrimSpace(*in.Title)
	}
	if in.Body != nil {
		t.Body = *in.Body
	}
	if in.AssignedTo != nil {
		t.AssignedTo = strings.TrimSpace(*in.AssignedTo)
	}
	if in.DueDate != nil {
		t.DueDate = *in.DueDate
	}
	if in.Completed != nil {
		t.Completed = *in.Completed
	}
}

// userMessages checks an optional user id.
func userMessages(info *crm.Location, user *string, msg string) []string {
	if user == nil {
		return nil
	}
	if u := strings.TrimSpace(*user); u != "" && !info.HasUser(u) {
		return []string{msg}
	}
	return nil
}

// childID returns a new task or note id that taken does not reject.
func (s *Store) childID(taken func(string) bool) string {
	for {
		if id := s.opts.IDs.ID(); !taken(id) {
			return id
		}
	}
}

// Notes returns a contact's notes, newest first (by DateAdded, then id, both
// descending). GHL's order is not documented; newest first is what its UI
// shows.
func (s *Store) Notes(ctx context.Context, loc, contactID string) ([]crm.Note, error) {
	var out []crm.Note
	err := s.read(ctx, loc, contactID, func(l *location, i int32) error {
		r := &l.recs[i]
		out = make([]crm.Note, len(r.notes))
		for n := range r.notes {
			out[n] = r.notes[n].export(loc, contactID)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b crm.Note) int {
		return cmp.Or(cmp.Compare(b.DateAdded, a.DateAdded), strings.Compare(b.ID, a.ID))
	})
	return out, err
}

// Note returns one note of a contact.
func (s *Store) Note(ctx context.Context, loc, contactID, noteID string) (crm.Note, error) {
	var out crm.Note
	err := s.read(ctx, loc, contactID, func(l *location, i int32) error {
		r := &l.recs[i]
		n := findNote(r, noteID)
		if n < 0 {
			return crm.NotFound(crm.ResourceNote, noteID)
		}
		out = r.notes[n].export(loc, contactID)
		return nil
	})
	return out, err
}

// CreateNote adds a note to a contact. Body is required; UserID, when given,
// must be a user of the location.
func (s *Store) CreateNote(ctx context.Context, loc, contactID string, in crm.NoteInput) (crm.Note, error) {
	now := s.now()
	var out crm.Note
	err := s.write(ctx, loc, contactID, func(l *location, i int32) error {
		var msgs []string
		if in.Body == nil || strings.TrimSpace(*in.Body) == "" {
			msgs = append(msgs, msgBody)
		}
		msgs = append(msgs, userMessages(&l.info, in.UserID, msgUserID)...)
		if len(msgs) > 0 {
			return crm.Invalid(msgs...)
		}
		r := &l.recs[i]
		out = crm.Note{
			ID:         s.childID(func(id string) bool { return findNote(r, id) >= 0 }),
			LocationID: loc, ContactID: contactID, DateAdded: now, DateUpdated: now,
		}
		applyNote(&out, &in)
		r.notes = append(r.notes, packNote(&out))
		if s.publishing() {
			s.publish(ctx, l, crm.KindNote, out.ID, nil, noteObject(out))
		}
		return nil
	})
	return out, err
}

// UpdateNote applies the given fields to a note and sets its DateUpdated.
func (s *Store) UpdateNote(ctx context.Context, loc, contactID, noteID string, in crm.NoteInput) (crm.Note, error) {
	now := s.now()
	var out crm.Note
	err := s.write(ctx, loc, contactID, func(l *location, i int32) error {
		r := &l.recs[i]
		n := findNote(r, noteID)
		if n < 0 {
			return crm.NotFound(crm.ResourceNote, noteID)
		}
		var msgs []string
		if in.Body != nil && strings.TrimSpace(*in.Body) == "" {
			msgs = append(msgs, msgBody)
		}
		msgs = append(msgs, userMessages(&l.info, in.UserID, msgUserID)...)
		if len(msgs) > 0 {
			return crm.Invalid(msgs...)
		}
		out = r.notes[n].export(loc, contactID)
		before := out
		applyNote(&out, &in)
		out.DateUpdated = now
		r.notes[n] = packNote(&out)
		if s.publishing() {
			s.publish(ctx, l, crm.KindNote, out.ID, noteObject(before), noteObject(out))
		}
		return nil
	})
	return out, err
}

// DeleteNote removes a note for good.
func (s *Store) DeleteNote(ctx context.Context, loc, contactID, noteID string) error {
	return s.write(ctx, loc, contactID, func(l *location, i int32) error {
		r := &l.recs[i]
		n := findNote(r, noteID)
		if n < 0 {
			return crm.NotFound(crm.ResourceNote, noteID)
		}
		if s.publishing() {
			s.publish(ctx, l, crm.KindNote, noteID, noteObject(r.notes[n].export(loc, contactID)), nil)
		}
		r.notes = slices.Delete(r.notes, n, n+1)
		if len(r.notes) == 0 {
			r.notes = nil
		}
		return nil
	})
}

func applyNote(n *crm.Note, in *crm.NoteInput) {
	if in.Body != nil {
		n.Body = *in.Body
	}
	if in.UserID != nil {
		n.UserID = strings.TrimSpace(*in.UserID)
	}
	if in.Title != nil {
		n.Title = strings.TrimSpace(*in.Title)
	}
	if in.Color != nil {
		n.Color = strings.TrimSpace(*in.Color)
	}
	if in.Pinned != nil {
		n.Pinned = *in.Pinned
	}
}

// Appointments returns a contact's appointments by StartTime, then id.
func (s *Store) Appointments(ctx context.Context, loc, contactID string) ([]crm.Appointment, error) {
	var out []crm.Appointment
	err := s.read(ctx, loc, contactID, func(l *location, i int32) error {
		src := l.appts[contactID]
		out = make([]crm.Appointment, len(src))
		for n, a := range src {
			a.Users = slices.Clone(a.Users)
			out[n] = a
		}
		return nil
	})
	return out, err
}

func cmpAppointments(a, b crm.Appointment) int {
	return cmp.Or(cmp.Compare(a.StartTime, b.StartTime), strings.Compare(a.ID, b.ID))
}
