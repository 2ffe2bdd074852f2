package sqlite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// ReadJSONState reads a state in the JSON form GET /_mock/state exports and
// earlier versions of ghlmock saved with --state: strictly (an unknown key
// is an error), and only if it names at least one location.
func ReadJSONState(raw []byte) (crm.Dataset, error) {
	var ds crm.Dataset
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ds); err != nil {
		return ds, err
	}
	if len(ds.Locations) == 0 {
		return ds, errors.New("it names no location")
	}
	return ds, nil
}

// convertJSON turns the JSON state file of ghlmock's earlier versions at
// path into a database at the same path, keeping the JSON file next to it
// as path.v1.json: --state goes on naming the same file, and nothing the
// user had is lost or overwritten.
func convertJSON(ctx context.Context, path string, opts Options) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return &Refusal{path, "cannot read it: " + err.Error(), "check its permissions"}
	}
	ds, err := ReadJSONState(raw)
	if err != nil {
		return &Refusal{path, "it is JSON but not a ghlmock state file (" + err.Error() + ")",
			"choose another --state path; ghlmock never overwrites a file it does not know"}
	}
	keep := path + ".v1.json"
	if exists(keep) {
		return &Refusal{path, "it is a JSON state file of an earlier ghlmock, and " + keep + " (where its conversion keeps it) exists already",
			"move " + keep + " away, then start again"}
	}
	tmp := path + ".converting"
	os.Remove(tmp) // a conversion that was interrupted: start it over
	d, err := open(ctx, tmp, opts)
	if err != nil {
		return err
	}
	err = d.Snapshot(ctx, &ds)
	if err == nil {
		_, err = d.db.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES ('clean', '1')`)
	}
	if err == nil {
		_, err = d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	err = errors.Join(err, d.db.Close())
	if err != nil {
		os.Remove(tmp)
		return &Refusal{path, "cannot convert it: " + err.Error(), "check the disk space and the directory's permissions"}
	}
	if err := os.Rename(path, keep); err != nil {
		return &Refusal{path, "cannot keep the JSON file as " + keep + ": " + err.Error(), "check the directory's permissions"}
	}
	os.Remove(tmp + "-wal") // closing the last connection removes them; make sure
	os.Remove(tmp + "-shm")
	if err := os.Rename(tmp, path); err != nil {
		return &Refusal{path, "cannot put the converted database in place: " + err.Error() + " (the JSON file is now " + keep + ")", "check the directory's permissions"}
	}
	opts.Logger.Warn("converted the JSON state file of an earlier ghlmock into a database", "file", path, "json kept as", keep)
	return nil
}
