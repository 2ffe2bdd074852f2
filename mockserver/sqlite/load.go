package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// State is what a database holds, as Load reads it back.
type State struct {
	// Dataset is every location with its contacts, tombstones, tasks,
	// notes and appointments.
	Dataset crm.Dataset
	// Records are the server's own records by kind, then id, as JSON: the
	// package that owns a kind decodes them.
	Records map[crm.Kind]map[string]json.RawMessage
	// IDs is the id generator's position saved with the last batch (nil
	// when none was saved).
	IDs []byte
}

// Load reads the whole state back. It is meant for start-up, before the
// first Append. Each table is scanned once, in one go: SQLite (modernc's,
// in one process) reads one table at a time however many connections ask,
// and a location of 100,000 contacts with their tasks and notes must load
// within the two seconds start-up takes from seeding. Contacts are JSON,
// decoded in place; tasks and notes are plain columns.
func (d *DB) Load(ctx context.Context) (*State, error) {
	st, err := d.load(ctx)
	if err != nil {
		d.mu.Lock()
		d.refused = true // Close leaves the file as it is
		d.mu.Unlock()
		return nil, &Refusal{d.path, "cannot read it, it may be damaged (" + err.Error() + ")", "restore it from a copy, or move it away to start from the seeded data"}
	}
	return st, nil
}

func (d *DB) load(ctx context.Context) (*State, error) {
	st := &State{Records: map[crm.Kind]map[string]json.RawMessage{}}
	var err error
	if st.IDs, err = d.meta(ctx, "ids"); err != nil {
		return nil, err
	}
	var order []string
	byLoc := map[string]*crm.LocationData{}
	err = each(ctx, d.db, `SELECT id, data FROM locations ORDER BY id`, func(rows *sql.Rows) error {
		var id string
		var data sql.RawBytes
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		ld := &crm.LocationData{}
		if err := fromJSON(data, &ld.Location); err != nil {
			return fmt.Errorf("location %s: %w", id, err)
		}
		byLoc[id] = ld
		order = append(order, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	locOf := func(table, loc, id string) (*crm.LocationData, error) {
		if ld := byLoc[loc]; ld != nil {
			return ld, nil
		}
		return nil, fmt.Errorf("%s %s belongs to location %s, which the database does not hold", table, id, loc)
	}
	// Each location's contacts go into a slice sized first: growing one of
	// 100,000 contacts copied them over and over.
	err = each(ctx, d.db, `SELECT location, count(*) FROM contacts WHERE deleted = 0 GROUP BY location`, func(rows *sql.Rows) error {
		var loc string
		var n int
		if err := rows.Scan(&loc, &n); err != nil {
			return err
		}
		if ld := byLoc[loc]; ld != nil {
			ld.Contacts = make([]crm.Contact, 0, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, d.db, `SELECT location, id, deleted, data FROM contacts`, func(rows *sql.Rows) error {
		var loc, id string
		var deleted bool
		var data sql.RawBytes // decoded in place: no copy of every row's text
		if err := rows.Scan(&loc, &id, &deleted, &data); err != nil {
			return err
		}
		ld, err := locOf("contact", loc, id)
		if err != nil {
			return err
		}
		if deleted {
			ld.Deleted = append(ld.Deleted, id)
			return nil
		}
		ld.Contacts = append(ld.Contacts, crm.Contact{})
		if err := fromJSON(data, &ld.Contacts[len(ld.Contacts)-1]); err != nil {
			return fmt.Errorf("contact %s: %w", id, err)
		}
		return nil
	})
	if err == nil {
		err = each(ctx, d.db, selectTasks, func(rows *sql.Rows) error {
			t, err := scanTask(rows)
			if err != nil {
				return err
			}
			ld, err := locOf("task", t.LocationID, t.ID)
			if err == nil {
				ld.Tasks = append(ld.Tasks, t)
			}
			return err
		})
	}
	if err == nil {
		err = each(ctx, d.db, selectNotes, func(rows *sql.Rows) error {
			n, err := scanNote(rows)
			if err != nil {
				return err
			}
			ld, err := locOf("note", n.LocationID, n.ID)
			if err == nil {
				ld.Notes = append(ld.Notes, n)
			}
			return err
		})
	}
	if err == nil {
		err = each(ctx, d.db, `SELECT location, id, data FROM appointments`, func(rows *sql.Rows) error {
			var loc, id string
			var data sql.RawBytes
			if err := rows.Scan(&loc, &id, &data); err != nil {
				return err
			}
			ld, err := locOf("appointment", loc, id)
			if err != nil {
				return err
			}
			ld.Appointments = append(ld.Appointments, crm.Appointment{})
			if err := fromJSON(data, &ld.Appointments[len(ld.Appointments)-1]); err != nil {
				return fmt.Errorf("appointment %s: %w", id, err)
			}
			return nil
		})
	}
	if err == nil {
		err = each(ctx, d.db, `SELECT kind, id, data FROM records`, func(rows *sql.Rows) error {
			var kind, id, data string
			if err := rows.Scan(&kind, &id, &data); err != nil {
				return err
			}
			k := crm.Kind(kind)
			if st.Records[k] == nil {
				st.Records[k] = map[string]json.RawMessage{}
			}
			st.Records[k][id] = json.RawMessage(data)
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	for _, id := range order {
		st.Dataset.Locations = append(st.Dataset.Locations, *byLoc[id])
	}
	return st, nil
}

func each(ctx context.Context, db *sql.DB, q string, fn func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Snapshot writes a whole state into an empty database (a new one, or a
// conversion), outside the change feed: the seeded data at first start, a
// dataset converted from JSON.
func (d *DB) Snapshot(ctx context.Context, ds *crm.Dataset) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := insertDataset(ctx, tx, ds); err != nil {
		return err
	}
	return tx.Commit()
}
