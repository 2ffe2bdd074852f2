package sqlite

import (
	"context"
	"errors"
)

// MetaValue is one value of the database's meta table that is not part of
// the state (a reset or a state import leaves it alone): serve --tls keeps
// its certificate authority in one, so that it lives with the rest of the
// durable state. It implements tlsca.Keeper.
type MetaValue struct {
	DB  *DB
	Key string
}

// Load returns the value, or nil when there is none.
func (m MetaValue) Load(ctx context.Context) ([]byte, error) {
	return m.DB.meta(ctx, m.Key)
}

// Save stores the value, at once (not through the writer's batches: it is
// not a change of the state).
func (m MetaValue) Save(ctx context.Context, v []byte) error {
	if m.DB.opts.ReadOnly {
		return errors.New("the database is open for reading only")
	}
	_, err := m.DB.db.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)`, m.Key, v)
	return err
}

// Where names the value, for messages.
func (m MetaValue) Where() string { return m.DB.path + " (the --state database)" }
