package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The state phase measures what --state costs (issue 12): the mixed workload
// and a create-only one on a mock with a state database against the same
// mock in memory, alternating round by round on fresh processes (each
// --state run on a new database); then a location of --contacts contacts
// served from a database: its size, and the start-up time of a mock that
// loads it.

const (
	scenarioCreate = "create-contact"

	serverMemory    = "mock-memory"
	serverState     = "mock-state"
	serverState100k = "mock-state-100k"
)

// StateMem is what the state phase found of the large database.
type StateMem struct {
	Contacts        int       `json:"contacts"`
	FirstStartS     float64   `json:"firstStartSeconds"` // seeding and writing the database
	StartupsS       []float64 `json:"startupSeconds"`    // loading it
	DBBytes         int64     `json:"databaseBytes"`
	BytesPerContact float64   `json:"databaseBytesPerContact"`
	Error           string    `json:"error,omitempty"`
}

func (b *bench) statePhase(ctx context.Context) {
	c := b.cfg
	runs := map[string]*LoadRun{}
	scenarios := []string{scenarioMixed, scenarioCreate}
	for _, sc := range scenarios {
		for _, srv := range []string{serverMemory, serverState} {
			runs[sc+srv] = b.addRun(sc, srv, c.conns, c.duration)
		}
	}
	for round := range c.rounds {
		order := inTurn(round, serverMemory, serverState)
		for _, sc := range scenarios {
			for _, srv := range order {
				var extra []string
				if srv == serverState {
					extra = []string{"--state", filepath.Join(b.tmp, fmt.Sprintf("state-%d-%s.db", round, sc[:5]))}
				}
				r, err := b.runOn(ctx, sc, srv, extra...)
				if ctx.Err() != nil {
					return
				}
				b.record(runs[sc+srv], fmt.Sprintf("%s %d/%d", srv, round+1, c.rounds), r, err)
			}
		}
	}
	for _, l := range runs {
		l.summarize()
	}
	b.bigState(ctx)
}

// runOn is one measured run of the mixed or the create scenario on a fresh
// mock started with extra flags.
func (b *bench) runOn(ctx context.Context, scenario, name string, extra ...string) (WrkResult, error) {
	s, err := b.startMock(ctx, "ghlmock ("+name+")", extra...)
	if err != nil {
		return WrkResult{}, err
	}
	defer b.procs.stopWithin(s, 30*time.Second)
	if scenario == scenarioCreate {
		return b.measure(ctx, s.url, "create", luaData{Token: b.rw.Token, Version: apiVersion, Location: b.rw.Location}, b.cfg.conns, b.cfg.duration)
	}
	pool, err := newAPI(s.url, b.rw.Token).taskPool(ctx, b.rw.Location, 50, ada.ID, babbage.ID)
	if err != nil {
		return WrkResult{}, fmt.Errorf("contacts to create tasks on: %w", err)
	}
	data := luaData{Token: b.rw.Token, Version: apiVersion, Location: b.rw.Location, A: ada, B: babbage, Pool: pool}
	return b.measure(ctx, s.url, "mixed", data, b.cfg.conns, b.cfg.duration)
}

// bigState writes a database of --contacts contacts (the first start seeds
// it), then starts a mock on it --rounds times.
func (b *bench) bigState(ctx context.Context) {
	c := b.cfg
	st := &StateMem{Contacts: c.contacts}
	b.rep.State = st
	db := filepath.Join(b.tmp, "state-100k.db")
	args := []string{"--fixtures", b.oneFile, "--contacts", strconv.Itoa(c.contacts), "--state", db}
	s, err := b.startMock(ctx, "ghlmock (state, first start)", args...)
	if err != nil {
		st.Error = err.Error()
		return
	}
	st.FirstStartS = s.startup.Seconds()
	b.procs.stopWithin(s, 2*time.Minute) // closing checkpoints the database
	fi, err := os.Stat(db)
	if err != nil {
		st.Error = err.Error()
		return
	}
	st.DBBytes = fi.Size()
	st.BytesPerContact = float64(st.DBBytes) / float64(c.contacts)
	for range c.rounds {
		s, err := b.startMock(ctx, "ghlmock ("+serverState100k+")", args...)
		if err != nil {
			st.Error = err.Error()
			return
		}
		st.StartupsS = append(st.StartupsS, s.startup.Seconds())
		b.procs.stopWithin(s, 2*time.Minute)
		if ctx.Err() != nil {
			return
		}
	}
	b.logf("state database of %d contacts: %s (%.0f B/contact); start-ups %v", c.contacts, formatBytes(st.DBBytes), st.BytesPerContact, st.StartupsS)
}
