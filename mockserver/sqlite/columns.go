package sqlite

import (
	"database/sql"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Tasks and notes are rows of plain columns, not JSON: a user reads them
// with sqlite3 as they are, and start-up reads 100,000 of each without
// decoding any JSON.

const (
	insertTask = `INSERT OR REPLACE INTO tasks(location, contact, id, title, body, assigned_to, due_date, completed, date_added)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertNote = `INSERT OR REPLACE INTO notes(location, contact, id, body, user_id, title, color, pinned, date_added, date_updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	selectTasks = `SELECT location, contact, id, title, body, assigned_to, due_date, completed, date_added FROM tasks`
	selectNotes = `SELECT location, contact, id, body, user_id, title, color, pinned, date_added, date_updated FROM notes`
)

func taskArgs(loc string, t *crm.Task) []any {
	return []any{loc, t.ContactID, t.ID, t.Title, t.Body, t.AssignedTo, int64(t.DueDate), t.Completed, int64(t.DateAdded)}
}

func noteArgs(loc string, n *crm.Note) []any {
	return []any{loc, n.ContactID, n.ID, n.Body, n.UserID, n.Title, n.Color, n.Pinned, int64(n.DateAdded), int64(n.DateUpdated)}
}

func scanTask(rows *sql.Rows) (crm.Task, error) {
	var t crm.Task
	var due, added int64
	err := rows.Scan(&t.LocationID, &t.ContactID, &t.ID, &t.Title, &t.Body, &t.AssignedTo, &due, &t.Completed, &added)
	t.DueDate, t.DateAdded = crm.Millis(due), crm.Millis(added)
	return t, err
}

func scanNote(rows *sql.Rows) (crm.Note, error) {
	var n crm.Note
	var added, updated int64
	err := rows.Scan(&n.LocationID, &n.ContactID, &n.ID, &n.Body, &n.UserID, &n.Title, &n.Color, &n.Pinned, &added, &updated)
	n.DateAdded, n.DateUpdated = crm.Millis(added), crm.Millis(updated)
	return n, err
}
