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
// first Append.
func (d *DB) Load(ctx context.Context) (*State, error) {
	st := &State{Records: map[crm.Kind]map[string]json.RawMessage{}}
	var err error
	if st.IDs, err = d.meta(ctx, "ids"); err != nil {
		return nil, err
	}
	byLoc := map[string]*crm.LocationData{}
	var order []string
	err = each(ctx, d.db, `SELECT id, data FROM locations ORDER BY id`, func(rows *sql.Rows) error {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		ld := &crm.LocationData{}
		if err := json.Unmarshal([]byte(data), &ld.Location); err != nil {
			return fmt.Errorf("location %s: %w", id, err)
		}
		byLoc[id] = ld
		order = append(order, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	locOf := func(id string) (*crm.LocationData, error) {
		ld := byLoc[id]
		if ld == nil {
			return nil, fmt.Errorf("a row of location %s, which the database does not hold", id)
		}
		return ld, nil
	}
	err = each(ctx, d.db, `SELECT location, id, deleted, data FROM contacts`, func(rows *sql.Rows) error {
		var loc, id string
		var deleted bool
		var data sql.NullString
		if err := rows.Scan(&loc, &id, &deleted, &data); err != nil {
			return err
		}
		ld, err := locOf(loc)
		if err != nil {
			return err
		}
		if deleted {
			ld.Deleted = append(ld.Deleted, id)
			return nil
		}
		var c crm.Contact
		if err := json.Unmarshal([]byte(data.String), &c); err != nil {
			return fmt.Errorf("contact %s: %w", id, err)
		}
		ld.Contacts = append(ld.Contacts, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range []string{"tasks", "notes", "appointments"} {
		err = each(ctx, d.db, `SELECT location, id, data FROM `+t, func(rows *sql.Rows) error {
			var loc, id, data string
			if err := rows.Scan(&loc, &id, &data); err != nil {
				return err
			}
			ld, err := locOf(loc)
			if err != nil {
				return err
			}
			switch t {
			case "tasks":
				var x crm.Task
				err = json.Unmarshal([]byte(data), &x)
				ld.Tasks = append(ld.Tasks, x)
			case "notes":
				var x crm.Note
				err = json.Unmarshal([]byte(data), &x)
				ld.Notes = append(ld.Notes, x)
			default:
				var x crm.Appointment
				err = json.Unmarshal([]byte(data), &x)
				ld.Appointments = append(ld.Appointments, x)
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", t, id, err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, id := range order {
		st.Dataset.Locations = append(st.Dataset.Locations, *byLoc[id])
	}
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
	if err != nil {
		return nil, err
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
