// Package sqlite is ghlmock's durable state: a SQLite database (through
// modernc.org/sqlite, pure Go, so the binary stays static) that the change
// feed commits every write to before the API answers it.
//
// The in-memory store keeps serving every read; the database holds one row
// per object (contacts, their tombstones, tasks, notes, appointments, the
// locations' reference data) and a generic table of the server's own records
// (tokens, and later OAuth grants and webhook deliveries), so that a user can
// read it with sqlite3. Start-up loads it back (Load).
//
// Writes come in through Append (the changefeed.Log), are committed by one
// writer goroutine in batches (group commit: every change queued while the
// previous batch committed goes into the next transaction), in WAL mode with
// synchronous=NORMAL: a commit survives the process being killed, and with
// Options.Sync an operating-system crash too. A batch that fails to commit
// (disk full, I/O error) fails every change queued so far, which the server
// then undoes in memory, and the database reports itself degraded until a
// probe commits again.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// applicationID marks a SQLite file as a ghlmock database ("ghlm").
const applicationID = 0x67686c6d

// schemaVersion is the version of the tables below (PRAGMA user_version).
const schemaVersion = 1

var schema = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID`,
	`CREATE TABLE locations (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID`,
	`CREATE TABLE contacts (location TEXT NOT NULL, id TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, data TEXT,
		PRIMARY KEY (location, id)) WITHOUT ROWID`,
	`CREATE TABLE tasks (location TEXT NOT NULL, contact TEXT NOT NULL, id TEXT NOT NULL,
		title TEXT NOT NULL, body TEXT NOT NULL, assigned_to TEXT NOT NULL,
		due_date INTEGER NOT NULL, completed INTEGER NOT NULL, date_added INTEGER NOT NULL,
		PRIMARY KEY (location, contact, id)) WITHOUT ROWID`,
	`CREATE TABLE notes (location TEXT NOT NULL, contact TEXT NOT NULL, id TEXT NOT NULL,
		body TEXT NOT NULL, user_id TEXT NOT NULL, title TEXT NOT NULL, color TEXT NOT NULL, pinned INTEGER NOT NULL,
		date_added INTEGER NOT NULL, date_updated INTEGER NOT NULL,
		PRIMARY KEY (location, contact, id)) WITHOUT ROWID`,
	`CREATE TABLE appointments (location TEXT NOT NULL, contact TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
		PRIMARY KEY (location, contact, id)) WITHOUT ROWID`,
	`CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID`,
}

// Options configure a DB.
type Options struct {
	// Logger receives commit failures and recoveries; nil discards.
	Logger *slog.Logger
	// Sync makes every commit wait for the disk (synchronous=FULL), so that
	// an operating-system crash or a power cut loses nothing either; the
	// default survives the process being killed, which is what a mock needs.
	Sync bool
	// IDState, when set, is saved with every batch: the id generator's
	// position, so that ids never come back after a restart.
	IDState func() ([]byte, error)
	// Committed is called, from the writer, with every batch it committed,
	// in Seq order (the changefeed hands them to its subscribers), before
	// the batch's waiters are told it committed.
	Committed func([]crm.Change)
	// Failed is called, from the writer, with every change that could not
	// be committed, newest first, after their waiters were told: the server
	// undoes them in memory. Gate, when set, is held while Failed runs and
	// the queue is drained, so that no write is applied in between.
	Failed func([]crm.Change)
	Gate   sync.Locker
	// QueueLimit is how many changes may wait for a commit before Admit
	// holds new writes back; 0 means 4096.
	QueueLimit int
	// BeforeCommit, when set, is called inside every transaction just before
	// its commit; an error it returns fails the batch as a full disk would.
	// Tests use it to make commits fail on demand.
	BeforeCommit func() error
	// ReadOnly opens the database for reading only (ghlmock state export):
	// it may be in use by a running ghlmock, nothing is written, and
	// Append refuses every change.
	ReadOnly bool
}

// DB is an open ghlmock database.
type DB struct {
	path string
	db   *sql.DB
	opts Options
	log  *slog.Logger

	// wasClean reports that the previous process closed the database.
	wasClean bool

	mu       sync.Mutex
	cond     *sync.Cond
	queue    []entry
	closing  bool
	degraded error // the last commit error, nil when healthy
	since    time.Time
	done     chan struct{}
	lock     *os.File // held while open (see lockFile)
	refused  bool     // Load refused the file: Close must not write to it
}

type entry struct {
	c    crm.Change
	done func(error)
}

// Refusal is why Open refused a file: the file, what is wrong, and what to
// do about it. serve prints it and exits non-zero.
type Refusal struct {
	Path   string
	Reason string
	Advice string
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("--state %s: %s; %s", r.Path, r.Reason, r.Advice)
}

// Open opens the database at path, creating it when there is no file (or an
// empty one). It refuses, with a *Refusal and without touching the file,
// a path it cannot write, a file that is not a ghlmock database (a JSON
// state file of ghlmock's earlier versions excepted: see ConvertJSON), a
// database of a newer ghlmock, and a damaged one.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.QueueLimit <= 0 {
		opts.QueueLimit = 4096
	}
	if opts.ReadOnly {
		return openReadOnly(ctx, path, opts)
	}
	kind, err := check(path)
	if err != nil {
		return nil, err
	}
	if kind == fileJSON {
		if err := convertJSON(ctx, path, opts); err != nil {
			return nil, err
		}
	}
	lock, err := lockFile(path)
	if errors.Is(err, errLocked) {
		return nil, &Refusal{path, "another ghlmock is using it", "stop that one first, or give this one another --state path"}
	}
	if err != nil {
		return nil, &Refusal{path, "cannot open it for writing: " + err.Error(), "fix its permissions, or choose another --state path"}
	}
	d, err := open(ctx, path, opts)
	if err != nil {
		lock.Close()
		return nil, err
	}
	d.lock = lock
	go d.writer()
	return d, nil
}

var errLocked = errors.New("locked by another process")

// openReadOnly opens an existing database for Load only.
func openReadOnly(ctx context.Context, path string, opts Options) (*DB, error) {
	if !exists(path) {
		return nil, &Refusal{path, "it does not exist", "give the path of a database ghlmock serve --state wrote"}
	}
	if kind, err := check(path); err != nil {
		return nil, err
	} else if kind != fileSQLite {
		return nil, &Refusal{path, "it is not a ghlmock database", "give the path of a database ghlmock serve --state wrote"}
	}
	if err := identify(ctx, path); err != nil {
		return nil, err
	}
	sdb, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, &Refusal{path, "cannot open it: " + err.Error(), "check the path"}
	}
	sdb.SetMaxOpenConns(1)
	d := &DB{path: path, db: sdb, opts: opts, log: opts.Logger, done: make(chan struct{}), closing: true}
	d.cond = sync.NewCond(&d.mu)
	close(d.done)
	return d, nil
}

func open(ctx context.Context, path string, opts Options) (*DB, error) {
	if err := identify(ctx, path); err != nil {
		return nil, err
	}
	mode := "NORMAL"
	if opts.Sync {
		mode = "FULL"
	}
	// mmap: reading the whole database at start-up from the page cache,
	// rather than one pread per page on each of Load's connections.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(" + mode + ")&_pragma=busy_timeout(5000)&_pragma=mmap_size(1073741824)"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, &Refusal{path, "cannot open it: " + err.Error(), "check the path"}
	}
	sdb.SetMaxOpenConns(1) // one writer; reads happen at start-up only
	d := &DB{path: path, db: sdb, opts: opts, log: opts.Logger, done: make(chan struct{})}
	d.cond = sync.NewCond(&d.mu)
	if err := d.prepare(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	return d, nil
}

// What check found at a path.
const (
	fileNone = iota // nothing, or an empty file: a new database
	fileSQLite
	fileJSON // a state file of ghlmock's earlier versions, perhaps
)

// check looks at path before SQLite does: it must be writable, and what is
// there must be nothing, an empty file, a SQLite database or JSON.
func check(path string) (kind int, err error) {
	if path == "" {
		return 0, &Refusal{path, "no path", "give --state a file name"}
	}
	if leftover := path + ".tmp"; exists(leftover) && !exists(path) {
		return 0, &Refusal{path, "it does not exist, but " + leftover + " does (an interrupted save of ghlmock's earlier versions)",
			"rename " + leftover + " to " + path + " to start from it, or delete it to start from the seeded data"}
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		dir := filepath.Dir(path)
		probe, err := os.CreateTemp(dir, ".ghlmock-probe-*")
		if err != nil {
			return 0, &Refusal{path, "cannot create a file in " + dir + ": " + err.Error(), "choose a --state path in a directory ghlmock can write"}
		}
		probe.Close()
		os.Remove(probe.Name())
		return fileNone, nil
	case err != nil:
		return 0, &Refusal{path, "cannot read it: " + err.Error(), "check the path and its permissions"}
	case fi.IsDir():
		return 0, &Refusal{path, "it is a directory", "give --state a file name, e.g. " + filepath.Join(path, "ghlmock.db")}
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, &Refusal{path, "cannot open it for writing: " + err.Error(), "fix its permissions, or choose another --state path"}
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0:
		return fileNone, nil
	case err == nil && string(head) == "SQLite format 3\x00":
		return fileSQLite, nil
	case looksLikeJSON(head[:n]):
		return fileJSON, nil
	}
	return 0, &Refusal{path, "it is not a ghlmock database (not a SQLite file)", "choose another --state path; ghlmock never overwrites a file it does not know"}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func looksLikeJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n\xef\xbb\xbf")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[' || b[0] == 'n')
}

// identify checks, with no pragma and before anything could change the file
// (even switching it to WAL mode writes its header), that an existing SQLite
// file is a ghlmock database this version can use, and not a damaged one.
// It only reads (read-only mode would refuse a WAL database whose -shm file
// is missing, as after a kill).
func identify(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil // new: nothing to identify
	}
	ro, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return &Refusal{path, "cannot open it: " + err.Error(), "check the path"}
	}
	defer ro.Close()
	var appID, version int
	if err := ro.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
		return &Refusal{path, "it is not a readable SQLite database: " + err.Error(), "restore it from a copy, or choose another --state path"}
	}
	if err := ro.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return &Refusal{path, "cannot read it: " + err.Error(), "restore it from a copy, or choose another --state path"}
	}
	var tables int
	if err := ro.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&tables); err != nil {
		return &Refusal{path, "it is damaged (" + err.Error() + ")", "restore it from a copy, or move it away to start from the seeded data"}
	}
	switch {
	case appID == 0 && tables == 0:
		return nil // an empty SQLite database: ours to fill
	case appID != applicationID:
		return &Refusal{path, "it is a SQLite database of another program", "choose another --state path; ghlmock never overwrites a file it does not know"}
	case version > schemaVersion:
		return &Refusal{path, fmt.Sprintf("it was written by a newer ghlmock (schema %d, this one knows %d)", version, schemaVersion), "use that ghlmock, or export its state as JSON and import it here"}
	}
	// A database closed cleanly is not checked page by page (0.2 s at
	// 100,000 contacts): Load reads every row and refuses what it cannot.
	// One the last process did not close is.
	var clean []byte
	_ = ro.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'clean'`).Scan(&clean)
	if string(clean) == "1" {
		return nil
	}
	var check string
	if err := ro.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil || check != "ok" {
		if err != nil {
			check = err.Error()
		}
		return &Refusal{path, "it is damaged (" + check + ")", "restore it from a copy, or move it away to start from the seeded data"}
	}
	return nil
}

// prepare creates the schema in a new database, and marks an existing one
// as in use.
func (d *DB) prepare(ctx context.Context) error {
	var appID int
	if err := d.db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
		return &Refusal{d.path, "cannot read it: " + err.Error(), "restore it from a copy, or choose another --state path"}
	}
	if appID == 0 {
		return d.create(ctx)
	}
	clean, err := d.meta(ctx, "clean")
	if err != nil {
		return &Refusal{d.path, "cannot read it: " + err.Error(), "restore it from a copy, or choose another --state path"}
	}
	d.wasClean = string(clean) == "1"
	// From now on the file is in use: a crash before Close leaves clean=0.
	if _, err := d.db.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES ('clean', '0')`); err != nil {
		return &Refusal{d.path, "cannot write it: " + err.Error(), "check the disk and the file's permissions"}
	}
	return nil
}

func (d *DB) create(ctx context.Context) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return &Refusal{d.path, "cannot write it: " + err.Error(), "check the disk and the file's permissions"}
	}
	defer tx.Rollback()
	stmts := append([]string{
		fmt.Sprintf(`PRAGMA application_id = %d`, applicationID),
		fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion),
	}, schema...)
	stmts = append(stmts, `INSERT INTO meta(key, value) VALUES ('clean', '0'), ('initialized', '0')`)
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return &Refusal{d.path, "cannot create its tables: " + err.Error(), "check the disk and the file's permissions"}
		}
	}
	if err := tx.Commit(); err != nil {
		return &Refusal{d.path, "cannot create it: " + err.Error(), "check the disk and the file's permissions"}
	}
	return nil
}

func (d *DB) meta(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := d.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return v, err
}

// Path is the database file.
func (d *DB) Path() string { return d.path }

// Initialized reports whether the database holds a state (a new one holds
// none until the first dataset change is committed: the seeded data).
func (d *DB) Initialized(ctx context.Context) (bool, error) {
	v, err := d.meta(ctx, "initialized")
	return string(v) == "1", err
}

// WasClean reports whether the process that used the database before
// closed it (false after a crash or a kill, and for a new database).
func (d *DB) WasClean() bool { return d.wasClean }

// Health is nil while commits succeed, else the error that made the
// database degraded, and since when.
func (d *DB) Health() (error, time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.degraded, d.since
}

// ErrDegraded wraps the commit error that refuses writes until the database
// commits again.
var ErrDegraded = errors.New("the state database cannot commit")

// Admit is called before a write is applied: it refuses it while the
// database is degraded, and holds it back while too many changes wait for a
// commit.
func (d *DB) Admit(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.queue) >= d.opts.QueueLimit && d.degraded == nil && !d.closing {
		d.cond.Wait()
	}
	switch {
	case d.closing:
		return fmt.Errorf("%w: it is closing", ErrDegraded)
	case d.degraded != nil:
		return fmt.Errorf("%w: %v", ErrDegraded, d.degraded)
	}
	return ctx.Err()
}

// jsonOf encodes an object for a data column.
//
// goccy/go-json reads and writes the same JSON as encoding/json (a
// differential test holds them equal on the rows ghlmock writes) at two to
// three times the speed: loading a database of 100,000 contacts took 2.2 s
// with encoding/json and 1.3 s with it, on the 2-core machine of the
// benchmarks, whose start-up target is 2 s in all.
func jsonOf(o any) (string, error) {
	b, err := gojson.MarshalNoEscape(o)
	return string(b), err
}

// fromJSON decodes a data column.
func fromJSON(data []byte, v any) error { return gojson.Unmarshal(data, v) }
