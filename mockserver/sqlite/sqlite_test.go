package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

const loc = "O9hFAiOh29oB93c0F6UJ"

func dataset() *crm.Dataset {
	return &crm.Dataset{Locations: []crm.LocationData{{
		Location: crm.Location{ID: loc, Name: "Acme Dental", Timezone: "America/New_York"},
		Contacts: []crm.Contact{
			{ID: "2NexTNy4UiJ1cLOoua11", LocationID: loc, FirstName: "Ada", Email: "ada@example.com", Tags: []string{"vip"}, DateAdded: 1, DateUpdated: 2},
			{ID: "RirZoUIYap0BJidC295M", LocationID: loc, FirstName: "Charles & <Sons>", DateAdded: 3, DateUpdated: 3},
		},
		Deleted:      []string{"zMWz0GkJyAtxLRC5tBtb"},
		Tasks:        []crm.Task{{ID: "I3XmCP0t3AdsO9zpT1rY", LocationID: loc, ContactID: "2NexTNy4UiJ1cLOoua11", Title: "Call", DueDate: 5, DateAdded: 4}},
		Notes:        []crm.Note{{ID: "LYOqJAKX7JDv17ly68JI", LocationID: loc, ContactID: "zMWz0GkJyAtxLRC5tBtb", Body: "kept after the delete", DateAdded: 4}},
		Appointments: []crm.Appointment{{ID: "8K70Fwhd0eHt4BkVbJeN", LocationID: loc, ContactID: "2NexTNy4UiJ1cLOoua11", Title: "Cleaning", StartTime: 9, EndTime: 10}},
	}}}
}

func openDB(t *testing.T, path string, opts Options) *DB {
	t.Helper()
	d, err := Open(t.Context(), path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// appendWait appends changes and waits for their commit.
func appendWait(t *testing.T, d *DB, cs ...crm.Change) error {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(cs))
	for i, c := range cs {
		wg.Add(1)
		d.Append(c, func(err error) { errs[i] = err; wg.Done() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func TestSnapshotThenChangesLoadBackAsTheyWent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	d := openDB(t, path, Options{IDState: func() ([]byte, error) { return []byte("pos-7"), nil }})
	ok, err := d.Initialized(t.Context())
	require.NoError(t, err)
	assert.False(t, ok, "a new database holds no state")
	require.NoError(t, d.Snapshot(t.Context(), dataset()))

	want := dataset()
	ada := want.Locations[0].Contacts[0]
	ada.City = "London"
	grace := crm.Contact{ID: "Md6OT0RspVgH97589Ek9", LocationID: loc, FirstName: "Grace", DateAdded: 7}
	task2 := crm.Task{ID: "yq0RKDzhxiHhTbRnfzkf", LocationID: loc, ContactID: ada.ID, Title: "Follow up", DueDate: 9, DateAdded: 8}
	token := map[string]any{"token": "pit-x", "revoked": true}
	require.NoError(t, appendWait(t, d,
		crm.Change{Seq: 1, Location: loc, Kind: crm.KindContact, ID: ada.ID, Before: &want.Locations[0].Contacts[0], After: &ada},
		crm.Change{Seq: 2, Location: loc, Kind: crm.KindContact, ID: grace.ID, After: &grace},
		crm.Change{Seq: 3, Location: loc, Kind: crm.KindContact, ID: "RirZoUIYap0BJidC295M", Before: &want.Locations[0].Contacts[1]},
		crm.Change{Seq: 4, Location: loc, Kind: crm.KindTask, ID: task2.ID, After: &task2},
		crm.Change{Seq: 5, Location: loc, Kind: crm.KindTask, ID: "I3XmCP0t3AdsO9zpT1rY", Before: &want.Locations[0].Tasks[0]},
		crm.Change{Seq: 6, Kind: crm.KindToken, ID: "pit-x", After: record(token)},
	))
	require.NoError(t, d.Close())

	d2 := openDB(t, path, Options{})
	assert.True(t, d2.WasClean())
	st, err := d2.Load(t.Context())
	require.NoError(t, err)
	require.Len(t, st.Dataset.Locations, 1)
	got := st.Dataset.Locations[0]
	assert.Equal(t, want.Locations[0].Location, got.Location)
	assert.ElementsMatch(t, []crm.Contact{ada, grace}, got.Contacts)
	assert.ElementsMatch(t, []string{"zMWz0GkJyAtxLRC5tBtb", "RirZoUIYap0BJidC295M"}, got.Deleted)
	assert.Equal(t, []crm.Task{task2}, got.Tasks)
	assert.Equal(t, want.Locations[0].Notes, got.Notes, "a deleted contact's note survives")
	assert.Equal(t, want.Locations[0].Appointments, got.Appointments)
	assert.JSONEq(t, `{"token":"pit-x","revoked":true}`, string(st.Records[crm.KindToken]["pit-x"]))
	assert.Equal(t, []byte("pos-7"), st.IDs)
}

// record makes any JSON-able value a crm.Object of kind token, as the
// server's token records are.
type tokenRecord map[string]any

func (tokenRecord) ChangeKind() crm.Kind { return crm.KindToken }

func record(m map[string]any) crm.Object { return tokenRecord(m) }

func TestResetReplacesEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	d := openDB(t, path, Options{})
	require.NoError(t, d.Snapshot(t.Context(), dataset()))
	other := &crm.Dataset{Locations: []crm.LocationData{{Location: crm.Location{ID: "5YtuALNUEJMUUqAsab3w"}}}}
	require.NoError(t, appendWait(t, d, crm.Change{Seq: 1, Kind: crm.KindDataset, ID: crm.AllLocations, After: other}))
	st, err := d.Load(t.Context())
	require.NoError(t, err)
	assert.Equal(t, other.Locations, st.Dataset.Locations)

	// An import replaces only the locations it names.
	require.NoError(t, appendWait(t, d, crm.Change{Seq: 2, Kind: crm.KindDataset, After: dataset()}))
	st, err = d.Load(t.Context())
	require.NoError(t, err)
	assert.Len(t, st.Dataset.Locations, 2)
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	otherSQLite := filepath.Join(dir, "other.sqlite")
	db, err := sql.Open("sqlite", otherSQLite)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE t(x)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	newer := filepath.Join(dir, "newer.db")
	d := openDB(t, newer, Options{})
	_, err = d.db.Exec(`PRAGMA user_version = 99`)
	require.NoError(t, err)
	require.NoError(t, d.Close())

	damaged := filepath.Join(dir, "damaged.db")
	d = openDB(t, damaged, Options{})
	require.NoError(t, d.Snapshot(t.Context(), dataset()))
	require.NoError(t, d.Close())
	raw, err := os.ReadFile(damaged)
	require.NoError(t, err)
	require.Greater(t, len(raw), 8192)
	for i := 4096; i < len(raw); i++ {
		if i%4096 < 64 {
			raw[i] = 0xff // every page's header and first cell pointers, the first page's excepted
		}
	}
	require.NoError(t, os.WriteFile(damaged, raw, 0o644))

	write("orphan.db.tmp", []byte(`{"locations":[]}`))
	cases := []struct {
		name, path, reason string
	}{
		{"not sqlite", write("notes.txt", []byte("hello, this is not a database\n")), "not a ghlmock database"},
		{"another program's sqlite", otherSQLite, "another program"},
		{"json, not a state", write("pkg.json", []byte(`{"name":"x","version":"1.0.0"}`)), "not a ghlmock state file"},
		{"empty object", write("empty.json", []byte(`{}`)), "names no location"},
		{"null", write("null.json", []byte("null")), "names no location"},
		{"lone tmp", filepath.Join(dir, "orphan.db"), "orphan.db.tmp"},
		{"a directory", dir, "directory"},
		{"under a file", filepath.Join(write("plain", []byte("x")), "state.db"), "cannot"},
		{"newer ghlmock", newer, "newer ghlmock"},
		{"damaged", damaged, "damaged"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := os.ReadFile(c.path)
			d, err := Open(t.Context(), c.path, Options{})
			if err == nil { // a file closed cleanly is checked as it is read
				_, err = d.Load(t.Context())
				_ = d.Close()
			}
			var r *Refusal
			require.ErrorAs(t, err, &r)
			assert.Contains(t, r.Error(), c.reason)
			assert.Contains(t, r.Error(), c.path, "the message names the file")
			assert.NotEmpty(t, r.Advice, "and says what to do")
			after, _ := os.ReadFile(c.path)
			assert.Equal(t, before, after, "a refused file is left as it was")
		})
	}
}

func TestEmptyFileIsANewDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "touched.db")
	require.NoError(t, os.WriteFile(path, nil, 0o644))
	d := openDB(t, path, Options{})
	ok, err := d.Initialized(t.Context())
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestJSONStateOfAnEarlierVersionIsConverted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	raw, err := json.Marshal(dataset())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o644))

	d := openDB(t, path, Options{})
	st, err := d.Load(t.Context())
	require.NoError(t, err)
	want := dataset().Locations[0]
	got := st.Dataset.Locations[0]
	assert.Equal(t, want.Location, got.Location)
	assert.ElementsMatch(t, want.Contacts, got.Contacts)
	assert.Equal(t, want.Deleted, got.Deleted)
	assert.Equal(t, want.Tasks, got.Tasks)
	assert.Equal(t, want.Notes, got.Notes)
	kept, err := os.ReadFile(path + ".v1.json")
	require.NoError(t, err)
	assert.Equal(t, raw, kept, "the JSON file is kept as it was")
	require.NoError(t, d.Close())

	// A second conversion would overwrite the kept file: refused.
	require.NoError(t, os.WriteFile(path+"2", raw, 0o644))
	require.NoError(t, os.WriteFile(path+"2.v1.json", []byte("precious"), 0o644))
	_, err = Open(t.Context(), path+"2", Options{})
	var r *Refusal
	require.ErrorAs(t, err, &r)
	kept, _ = os.ReadFile(path + "2.v1.json")
	assert.Equal(t, "precious", string(kept))
}

// TestAFailedCommitFailsEverythingQueuedAndRecovers: a batch that cannot
// commit tells its waiters, hands every change queued so far to Failed
// (newest first) with the gate held, refuses writes while degraded, and
// accepts them again once a probe commits.
func TestAFailedCommitFailsEverythingQueuedAndRecovers(t *testing.T) {
	var mu sync.Mutex
	var failed []crm.Change
	var gate sync.Mutex
	failing := true
	// The first commit waits until both changes are queued, so that the
	// second is failed with the first whether or not it made the batch.
	queued := make(chan struct{})
	var once sync.Once
	hook := func() error {
		once.Do(func() { <-queued })
		mu.Lock()
		defer mu.Unlock()
		if failing {
			return errors.New("disk full (test)")
		}
		return nil
	}
	path := filepath.Join(t.TempDir(), "state.db")
	d := openDB(t, path, Options{Gate: &gate, BeforeCommit: hook, Failed: func(cs []crm.Change) {
		require.False(t, gate.TryLock(), "the gate is held while Failed runs")
		mu.Lock()
		failed = append(failed, cs...)
		mu.Unlock()
	}})
	require.NoError(t, d.Snapshot(t.Context(), dataset()))
	c := dataset().Locations[0].Contacts[0]
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		d.Append(crm.Change{Seq: uint64(i + 1), Location: loc, Kind: crm.KindContact, ID: c.ID, After: &c},
			func(err error) { errs[i] = err; wg.Done() })
	}
	close(queued)
	wg.Wait()
	require.ErrorIs(t, errs[0], ErrDegraded)
	require.ErrorIs(t, errs[1], ErrDegraded)
	mu.Lock()
	require.Len(t, failed, 2)
	assert.Equal(t, []uint64{2, 1}, []uint64{failed[0].Seq, failed[1].Seq}, "newest first")
	mu.Unlock()
	health, _ := d.Health()
	require.Error(t, health)
	assert.Contains(t, health.Error(), "disk full")
	assert.ErrorIs(t, d.Admit(context.Background()), ErrDegraded, "writes are refused while degraded")

	mu.Lock()
	failing = false
	mu.Unlock()
	require.Eventually(t, func() bool { h, _ := d.Health(); return h == nil }, 10e9, 50e6, "a probe commits and clears it")
	require.NoError(t, d.Admit(context.Background()))
	require.NoError(t, appendWait(t, d, crm.Change{Seq: 3, Location: loc, Kind: crm.KindContact, ID: c.ID, After: &c}))
}

func TestNotClosedMeansNotClean(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	d, err := Open(t.Context(), path, Options{})
	require.NoError(t, err)
	require.NoError(t, d.Snapshot(t.Context(), dataset()))

	_, err = Open(t.Context(), path, Options{})
	var r *Refusal
	require.ErrorAs(t, err, &r, "a second writer of the same file is refused")
	assert.Contains(t, r.Reason, "another ghlmock is using it")
	ro, err := Open(t.Context(), path, Options{ReadOnly: true})
	require.NoError(t, err, "a reader is not")
	st, err := ro.Load(t.Context())
	require.NoError(t, err)
	assert.Len(t, st.Dataset.Locations, 1)
	require.NoError(t, ro.Close())

	// No Close, as after a kill: the process's files just go away.
	require.NoError(t, d.db.Close())
	require.NoError(t, d.lock.Close())
	d2 := openDB(t, path, Options{})
	assert.False(t, d2.WasClean())
	st, err = d2.Load(t.Context())
	require.NoError(t, err)
	assert.Len(t, st.Dataset.Locations[0].Contacts, 2, "what was committed is there")
}

// A waiter is told its change committed only after Committed has had it:
// the server answers a write then, and a client that flushes the webhooks
// right after must find the write's events already queued.
func TestCommittedRunsBeforeTheWaitersAreTold(t *testing.T) {
	var mu sync.Mutex
	seen := map[uint64]bool{}
	d := openDB(t, filepath.Join(t.TempDir(), "state.db"), Options{Committed: func(cs []crm.Change) {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range cs {
			seen[c.Seq] = true
		}
	}})
	require.NoError(t, d.Snapshot(t.Context(), dataset()))
	var wg sync.WaitGroup
	early := make(chan uint64, 8)
	for seq := uint64(1); seq <= 8; seq++ {
		wg.Add(1)
		c := crm.Change{Seq: seq, Kind: crm.KindToken, ID: "pit-" + string(rune('a'+seq)), After: record(map[string]any{"token": "x"})}
		d.Append(c, func(err error) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			if err != nil || !seen[seq] {
				early <- seq
			}
		})
	}
	wg.Wait()
	close(early)
	var told []uint64
	for seq := range early {
		told = append(told, seq)
	}
	assert.Empty(t, told, "waiters told before Committed had their change")
}
