package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Append implements changefeed.Log: it queues the change for the next
// batch; done is called once the batch committed (nil) or failed.
func (d *DB) Append(c crm.Change, done func(error)) {
	d.mu.Lock()
	if d.closing {
		d.mu.Unlock()
		done(fmt.Errorf("%w: it is closed", ErrDegraded))
		return
	}
	d.queue = append(d.queue, entry{c, done})
	d.mu.Unlock()
	d.cond.Broadcast()
}

// probeEvery is how often a degraded database tries to commit again.
const probeEvery = time.Second

// writer commits the queue in batches until the database closes.
func (d *DB) writer() {
	defer close(d.done)
	for {
		d.mu.Lock()
		for len(d.queue) == 0 && !d.closing && d.degraded == nil {
			d.cond.Wait()
		}
		if d.degraded != nil && len(d.queue) == 0 && !d.closing {
			d.mu.Unlock()
			time.Sleep(probeEvery)
			d.probe()
			continue
		}
		batch := d.queue
		d.queue = nil
		closing := d.closing
		d.mu.Unlock()
		d.cond.Broadcast() // Admit waiters: the queue has room again

		if len(batch) > 0 {
			if err := d.commit(batch); err != nil {
				d.fail(batch, err)
			} else {
				d.succeeded(batch)
			}
		}
		if closing {
			d.mu.Lock()
			empty := len(d.queue) == 0
			d.mu.Unlock()
			if empty {
				return
			}
		}
	}
}

// succeeded hands a committed batch to Committed first and tells its
// waiters after: a write answers only once its changes have reached the
// subscribers, so whatever the answer makes a client do next (flush the
// webhooks, read the live view) already sees them.
func (d *DB) succeeded(batch []entry) {
	if d.opts.Committed != nil {
		cs := make([]crm.Change, len(batch))
		for i, e := range batch {
			cs[i] = e.c
		}
		slices.SortFunc(cs, func(a, b crm.Change) int { return compareSeq(a.Seq, b.Seq) })
		d.opts.Committed(cs)
	}
	for _, e := range batch {
		e.done(nil)
	}
}

func compareSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// fail fails a batch and everything queued after it: none of it is in the
// database, and a later change of the same object must not be committed on
// top of one that is not. The server undoes them in memory (Failed), newest
// first, holding the write gate so that nothing is applied meanwhile.
func (d *DB) fail(batch []entry, err error) {
	d.log.Error("state not committed: the writes are refused until the database commits again",
		"file", d.path, "changes", len(batch), "error", err.Error())
	if d.opts.Gate != nil {
		d.opts.Gate.Lock()
		defer d.opts.Gate.Unlock()
	}
	d.mu.Lock()
	if d.degraded == nil {
		d.since = time.Now()
	}
	d.degraded = err
	batch = append(batch, d.queue...)
	d.queue = nil
	d.mu.Unlock()
	d.cond.Broadcast()
	cs := make([]crm.Change, len(batch))
	for i, e := range batch {
		cs[i] = e.c
	}
	slices.SortFunc(cs, func(a, b crm.Change) int { return compareSeq(b.Seq, a.Seq) })
	// Undo before telling the waiters: a client that sees its write refused
	// must not then read that write back from memory.
	if d.opts.Failed != nil {
		d.opts.Failed(cs)
	}
	failed := fmt.Errorf("%w: %v", ErrDegraded, err)
	for _, e := range batch {
		e.done(failed)
	}
}

// probe tries a commit of nothing but the meta table; when it succeeds the
// database is healthy again.
func (d *DB) probe() {
	_, err := d.db.ExecContext(context.Background(), `INSERT OR REPLACE INTO meta(key, value) VALUES ('probe', ?)`, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		d.mu.Lock()
		d.degraded = err
		d.mu.Unlock()
		return
	}
	d.mu.Lock()
	was := d.degraded
	d.degraded = nil
	d.mu.Unlock()
	d.cond.Broadcast()
	if was != nil {
		d.log.Warn("state database commits again: writes are accepted", "file", d.path)
	}
}

// commit writes a batch in one transaction.
func (d *DB) commit(batch []entry) (err error) {
	ctx := context.Background()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, e := range batch {
		if err := apply(ctx, tx, e.c); err != nil {
			return fmt.Errorf("%s %s: %w", e.c.Kind, e.c.ID, err)
		}
	}
	if d.opts.IDState != nil {
		pos, err := d.opts.IDState()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES ('ids', ?)`, pos); err != nil {
			return err
		}
	}
	if d.opts.BeforeCommit != nil {
		if err := d.opts.BeforeCommit(); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Close commits what is queued, marks the database as closed cleanly, and
// closes it. Writes after Close are refused.
func (d *DB) Close() error {
	if d.opts.ReadOnly {
		return d.db.Close()
	}
	d.mu.Lock()
	if d.closing {
		d.mu.Unlock()
		<-d.done
		return nil
	}
	d.closing = true
	d.mu.Unlock()
	d.cond.Broadcast()
	<-d.done
	ctx := context.Background()
	var errs []error
	d.mu.Lock()
	healthy := d.degraded == nil && !d.refused
	d.mu.Unlock()
	if healthy {
		if _, err := d.db.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES ('clean', '1')`); err != nil {
			errs = append(errs, err)
		}
		if _, err := d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, d.db.Close())
	if d.lock != nil {
		errs = append(errs, d.lock.Close())
	}
	return errors.Join(errs...)
}

// apply writes one change.
func apply(ctx context.Context, tx *sql.Tx, c crm.Change) error {
	switch c.Kind {
	case crm.KindDataset:
		return applyDataset(ctx, tx, c)
	case crm.KindContact:
		if c.After == nil {
			_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO contacts(location, id, deleted, data) VALUES (?, ?, 1, NULL)`, c.Location, c.ID)
			return err
		}
		data, err := jsonOf(c.After)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO contacts(location, id, deleted, data) VALUES (?, ?, 0, ?)`, c.Location, c.ID, data)
		return err
	case crm.KindTask, crm.KindNote, crm.KindAppointment:
		table := map[crm.Kind]string{crm.KindTask: "tasks", crm.KindNote: "notes", crm.KindAppointment: "appointments"}[c.Kind]
		contact := ownerOf(c)
		if c.After == nil {
			_, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE location = ? AND contact = ? AND id = ?`, c.Location, contact, c.ID)
			return err
		}
		switch x := c.After.(type) {
		case *crm.Task:
			_, err := tx.ExecContext(ctx, insertTask, taskArgs(c.Location, x)...)
			return err
		case *crm.Note:
			_, err := tx.ExecContext(ctx, insertNote, noteArgs(c.Location, x)...)
			return err
		}
		data, err := jsonOf(c.After)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO `+table+`(location, contact, id, data) VALUES (?, ?, ?, ?)`, c.Location, contact, c.ID, data)
		return err
	}
	// A record of the server's own (a token, a grant, a delivery).
	if c.After == nil && c.ID == crm.AllRecords {
		_, err := tx.ExecContext(ctx, `DELETE FROM records WHERE kind = ?`, string(c.Kind))
		return err
	}
	if c.After == nil {
		_, err := tx.ExecContext(ctx, `DELETE FROM records WHERE kind = ? AND id = ?`, string(c.Kind), c.ID)
		return err
	}
	data, err := jsonOf(c.After)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO records(kind, id, data) VALUES (?, ?, ?)`, string(c.Kind), c.ID, data)
	return err
}

// ownerOf is the contact a task, note or appointment belongs to.
func ownerOf(c crm.Change) string {
	for _, o := range []crm.Object{c.After, c.Before} {
		switch x := o.(type) {
		case *crm.Task:
			return x.ContactID
		case *crm.Note:
			return x.ContactID
		case *crm.Appointment:
			return x.ContactID
		}
	}
	return ""
}

// applyDataset replaces the locations a dataset change names (every
// location, for crm.AllLocations).
func applyDataset(ctx context.Context, tx *sql.Tx, c crm.Change) error {
	d, ok := c.After.(*crm.Dataset)
	if !ok || d == nil {
		return errors.New("a dataset change without a dataset")
	}
	tables := []string{"locations", "contacts", "tasks", "notes", "appointments"}
	if c.ID == crm.AllLocations {
		for _, t := range tables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return err
			}
		}
	} else {
		for _, ld := range d.Locations {
			for _, t := range tables {
				col := "location"
				if t == "locations" {
					col = "id"
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE `+col+` = ?`, ld.Location.ID); err != nil {
					return err
				}
			}
		}
	}
	return insertDataset(ctx, tx, d)
}

// insertDataset writes every location of d, with prepared statements: a
// reset or an import may hold 100,000 contacts.
func insertDataset(ctx context.Context, tx *sql.Tx, d *crm.Dataset) error {
	stmt := func(q string) (*sql.Stmt, error) { return tx.PrepareContext(ctx, q) }
	locs, err := stmt(`INSERT OR REPLACE INTO locations(id, data) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer locs.Close()
	contacts, err := stmt(`INSERT OR REPLACE INTO contacts(location, id, deleted, data) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer contacts.Close()
	tasks, err := stmt(insertTask)
	if err != nil {
		return err
	}
	defer tasks.Close()
	notes, err := stmt(insertNote)
	if err != nil {
		return err
	}
	defer notes.Close()
	appts, err := stmt(`INSERT OR REPLACE INTO appointments(location, contact, id, data) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer appts.Close()
	for i := range d.Locations {
		ld := &d.Locations[i]
		loc := ld.Location.ID
		data, err := jsonOf(ld.Location)
		if err != nil {
			return err
		}
		if _, err := locs.ExecContext(ctx, loc, data); err != nil {
			return err
		}
		for j := range ld.Contacts {
			data, err := jsonOf(&ld.Contacts[j])
			if err != nil {
				return err
			}
			if _, err := contacts.ExecContext(ctx, loc, ld.Contacts[j].ID, 0, data); err != nil {
				return err
			}
		}
		for _, id := range ld.Deleted {
			if _, err := contacts.ExecContext(ctx, loc, id, 1, nil); err != nil {
				return err
			}
		}
		for j := range ld.Tasks {
			if _, err := tasks.ExecContext(ctx, taskArgs(loc, &ld.Tasks[j])...); err != nil {
				return err
			}
		}
		for j := range ld.Notes {
			if _, err := notes.ExecContext(ctx, noteArgs(loc, &ld.Notes[j])...); err != nil {
				return err
			}
		}
		for j := range ld.Appointments {
			a := &ld.Appointments[j]
			data, err := jsonOf(a)
			if err != nil {
				return err
			}
			if _, err := appts.ExecContext(ctx, loc, a.ContactID, a.ID, data); err != nil {
				return err
			}
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES ('initialized', '1')`)
	return err
}
