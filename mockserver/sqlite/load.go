package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

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
// first Append. The tables are read in parallel, each on a connection of its
// own: a location of 100,000 contacts, with their tasks and notes, must load
// within the two seconds start-up takes from seeding.
func (d *DB) Load(ctx context.Context) (*State, error) {
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
		if err := json.Unmarshal(data, &ld.Location); err != nil {
			return fmt.Errorf("location %s: %w", id, err)
		}
		byLoc[id] = ld
		order = append(order, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range []string{"contacts", "tasks", "notes", "appointments"} {
		var stray string
		q := `SELECT location FROM ` + t + ` WHERE location NOT IN (SELECT id FROM locations) LIMIT 1`
		if err := d.db.QueryRowContext(ctx, q).Scan(&stray); err == nil {
			return nil, fmt.Errorf("a row of %s belongs to location %s, which the database does not hold", t, stray)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}

	d.db.SetMaxOpenConns(8)
	defer d.db.SetMaxOpenConns(1)
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(order)+1)
	load := func(fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				errs <- err
			}
		}()
	}
	// Contacts are most of the work (their JSON is the largest): each
	// location's are read in ranges of ids, in parallel.
	parts := map[string][]crm.LocationData{}
	for _, id := range order {
		ld := byLoc[id]
		ps := make([]crm.LocationData, len(contactRanges))
		parts[id] = ps
		for i, r := range contactRanges {
			load(func() error { return d.loadContacts(ctx, id, r, &ps[i]) })
		}
		load(func() error { return loadChildren(ctx, d.db, "tasks", id, &ld.Tasks) })
		load(func() error { return loadChildren(ctx, d.db, "notes", id, &ld.Notes) })
		load(func() error { return loadChildren(ctx, d.db, "appointments", id, &ld.Appointments) })
	}
	load(func() error {
		return each(ctx, d.db, `SELECT kind, id, data FROM records`, func(rows *sql.Rows) error {
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
	})
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	for _, id := range order {
		ld := byLoc[id]
		for _, p := range parts[id] {
			ld.Contacts = append(ld.Contacts, p.Contacts...)
			ld.Deleted = append(ld.Deleted, p.Deleted...)
		}
		st.Dataset.Locations = append(st.Dataset.Locations, *ld)
	}
	return st, nil
}

// contactRanges split contact ids (20 random characters of [0-9A-Za-z], in
// ASCII order) into ranges of about the same size, by their first character.
var contactRanges = [][2]string{{"", "K"}, {"K", "f"}, {"f", ""}}

// loadContacts reads the contacts (and tombstones) of a location whose id is
// in r: from r[0] (inclusive), up to r[1] (exclusive); "" is no bound.
func (d *DB) loadContacts(ctx context.Context, loc string, r [2]string, ld *crm.LocationData) error {
	q := `SELECT id, deleted, data FROM contacts WHERE location = ?1 AND (?2 = '' OR id >= ?2) AND (?3 = '' OR id < ?3)`
	return eachArgs(ctx, d.db, q, []any{loc, r[0], r[1]}, func(rows *sql.Rows) error {
		var id string
		var deleted bool
		var data sql.RawBytes // decoded in place: no copy of every row's text
		if err := rows.Scan(&id, &deleted, &data); err != nil {
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
}

// loadChildren reads the tasks, notes or appointments of a location.
func loadChildren[T any](ctx context.Context, db *sql.DB, table, loc string, out *[]T) error {
	return eachArgs(ctx, db, `SELECT id, data FROM `+table+` WHERE location = ?`, []any{loc}, func(rows *sql.Rows) error {
		var id string
		var data sql.RawBytes
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		var x T
		if err := fromJSON(data, &x); err != nil {
			return fmt.Errorf("%s %s: %w", table, id, err)
		}
		*out = append(*out, x)
		return nil
	})
}

func eachArgs(ctx context.Context, db *sql.DB, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
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
