package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
)

func init() {
	commands = append(commands, command{name: "state", run: runState})
}

const stateUsage = `Usage:
  ghlmock state export --state PATH [--location-id ID]... [--out FILE]
      print the state of a database (all locations, or those named) as the JSON
      GET /_mock/state answers; it may be in use by a running ghlmock serve
  ghlmock state import --state PATH FILE
      replace the locations FILE names (and add new ones) in a database, from
      the JSON export format; refused while a ghlmock serve is using it
`

// runState is ghlmock state export|import: the portable JSON snapshot of a
// --state database.
func runState(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		fmt.Fprint(stderr, stateUsage)
		return exitCode(2)
	}
	sub := args[0]
	fs := newFlagSet("state "+sub, stderr)
	path := fs.String("state", "", "the database (as ghlmock serve --state)")
	var locs multiFlag
	out := new(string)
	if sub == "export" {
		fs.Var(&locs, "location-id", "export only this location (repeatable)")
		out = fs.String("out", "", "write the JSON to this file instead of standard output")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *path == "" {
		*path = getenv("GHLMOCK_STATE")
	}
	if *path == "" {
		return errors.New("state " + sub + ": --state PATH is required")
	}
	if sub == "export" {
		if fs.NArg() > 0 {
			return fmt.Errorf("state export: unexpected argument %q", fs.Arg(0))
		}
		return stateExport(ctx, *path, locs, *out, stdout)
	}
	if fs.NArg() != 1 {
		return errors.New("state import: give one JSON file to import")
	}
	n, err := stateImport(ctx, *path, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d location(s) into %s\n", n, *path)
	return nil
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func stateExport(ctx context.Context, path string, locs []string, out string, stdout io.Writer) error {
	db, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Load(ctx)
	if err != nil {
		return fmt.Errorf("state export: %s: %w", path, err)
	}
	// The store's own export is the format: the same order, the same
	// normalization as GET /_mock/state.
	store, err := inmem.New(st.Dataset, inmem.Options{Now: time.Now, IDs: crm.NewIDGen(1)})
	if err != nil {
		return fmt.Errorf("state export: %s: %w", path, err)
	}
	for _, id := range locs {
		if !slices.Contains(store.Locations(), id) {
			return fmt.Errorf("state export: %s holds no location %s (it holds %v)", path, id, store.Locations())
		}
	}
	ds, err := store.Export(ctx, locs...)
	if err != nil {
		return err
	}
	w := stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("state export: %w", err)
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(ds)
}

func stateImport(ctx context.Context, path, file string) (int, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return 0, fmt.Errorf("state import: %w", err)
	}
	ds, err := sqlite.ReadJSONState(raw)
	if err != nil {
		return 0, fmt.Errorf("state import: %s is not a ghlmock state: %w", file, err)
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	st, err := db.Load(ctx)
	if err != nil {
		return 0, fmt.Errorf("state import: %s: %w", path, err)
	}
	// Check that the state after the import loads, as ghlmock serve will.
	store, err := inmem.New(st.Dataset, inmem.Options{Now: time.Now, IDs: crm.NewIDGen(1)})
	if err == nil {
		err = store.Import(ctx, ds)
	}
	if err != nil {
		return 0, fmt.Errorf("state import: %s cannot be imported into %s: %w", file, path, err)
	}
	after, err := store.Export(ctx, locationIDs(ds)...)
	if err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	db.Append(crm.Change{Kind: crm.KindDataset, After: &after, Cause: crm.Cause{OperationID: "cli:import"}}, func(err error) { done <- err })
	if err := <-done; err != nil {
		return 0, fmt.Errorf("state import: %s: %w", path, err)
	}
	return len(ds.Locations), nil
}

func locationIDs(ds crm.Dataset) []string {
	ids := make([]string, len(ds.Locations))
	for i, l := range ds.Locations {
		ids[i] = l.Location.ID
	}
	return ids
}
