package changefeed_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/changefeed"
	"github.com/ghlmock/ghlmock/mockserver/crm"
)

func TestWithoutALogSubscribersGetEveryChangeAtOnce(t *testing.T) {
	f := changefeed.New()
	assert.False(t, f.Active(), "nobody listens: the store builds no images")
	var got []crm.Change
	unsubscribe := f.Subscribe(func(c crm.Change) { got = append(got, c) })
	assert.True(t, f.Active())
	ctx, p := changefeed.Begin(context.Background(), crm.Cause{OperationID: "create-contact", TraceID: "t1"})
	f.Publish(ctx, crm.Change{Kind: crm.KindContact, ID: "a"})
	f.Publish(ctx, crm.Change{Kind: crm.KindContact, ID: "b", Cause: crm.Cause{OperationID: "admin:import"}})
	require.NoError(t, p.Wait(), "no log: nothing to wait for")
	require.Len(t, got, 2)
	assert.Equal(t, []uint64{1, 2}, []uint64{got[0].Seq, got[1].Seq})
	assert.Equal(t, "create-contact", got[0].Cause.OperationID, "the cause comes from the context")
	assert.Equal(t, "t1", got[0].Cause.TraceID)
	assert.Equal(t, "admin:import", got[1].Cause.OperationID, "unless the change names its own")
	unsubscribe()
	assert.False(t, f.Active())
	f.Publish(ctx, crm.Change{ID: "c"})
	assert.Len(t, got, 2, "an unsubscribed function gets nothing more")
}

// log is a changefeed.Log that commits when told to.
type log struct {
	mu      sync.Mutex
	pending []crm.Change
	dones   []func(error)
}

func (l *log) Append(c crm.Change, done func(error)) {
	l.mu.Lock()
	l.pending = append(l.pending, c)
	l.dones = append(l.dones, done)
	l.mu.Unlock()
}

func (l *log) finish(f *changefeed.Feed, err error) {
	l.mu.Lock()
	cs, dones := l.pending, l.dones
	l.pending, l.dones = nil, nil
	l.mu.Unlock()
	for _, d := range dones {
		d(err)
	}
	if err == nil {
		f.Committed(cs...)
	}
}

func TestWithALogSubscribersGetOnlyWhatIsCommitted(t *testing.T) {
	f := changefeed.New()
	l := &log{}
	f.SetLog(l)
	assert.True(t, f.Active(), "a log listens")
	var got []crm.Change
	f.Subscribe(func(c crm.Change) { got = append(got, c) })

	ctx, p := changefeed.Begin(context.Background(), crm.Cause{OperationID: "update-contact"})
	f.Publish(ctx, crm.Change{ID: "a"})
	assert.Empty(t, got, "nothing before the commit")
	waited := make(chan error)
	go func() { waited <- p.Wait() }()
	select {
	case <-waited:
		t.Fatal("Wait returned before the commit")
	default:
	}
	l.finish(f, nil)
	require.NoError(t, <-waited)
	require.Len(t, got, 1)

	ctx, p = changefeed.Begin(context.Background(), crm.Cause{})
	f.Publish(ctx, crm.Change{ID: "b"})
	f.Publish(ctx, crm.Change{ID: "c"})
	l.finish(f, errors.New("disk full"))
	assert.EqualError(t, p.Wait(), "disk full", "a failed commit is the request's error")
	assert.Len(t, got, 1, "what failed is never handed on")
}
