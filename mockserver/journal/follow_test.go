package journal_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ghlmock/ghlmock/mockserver/journal"
)

func ids(es []journal.Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// TestAfterFollowsTheRing: a follower asks for what came after the last
// entry it saw, and is told what it can no longer get.
func TestAfterFollowsTheRing(t *testing.T) {
	j := journal.New(4)
	for range 3 {
		j.Add(journal.Entry{Status: 200})
	}
	es, missed := j.After(0, 0)
	assert.Equal(t, []string{"1", "2", "3"}, ids(es))
	assert.Zero(t, missed)
	es, missed = j.After(3, 0)
	assert.Empty(t, es, "nothing new")
	assert.Zero(t, missed)

	for range 4 { // 4..7: the ring (4) now holds 4..7
		j.Add(journal.Entry{Status: 200})
	}
	es, missed = j.After(2, 0)
	assert.Equal(t, []string{"4", "5", "6", "7"}, ids(es), "oldest first")
	assert.EqualValues(t, 1, missed, "3 was dropped")
	es, missed = j.After(4, 2)
	assert.Equal(t, []string{"6", "7"}, ids(es), "the newest max")
	assert.EqualValues(t, 1, missed)

	j.Clear()
	j.Add(journal.Entry{Status: 201})
	es, missed = j.After(7, 0)
	assert.Equal(t, []string{"8"}, ids(es), "ids go on after a clear")
	assert.Zero(t, missed)
	es, missed = j.After(5, 0)
	assert.Equal(t, []string{"8"}, ids(es))
	assert.EqualValues(t, 2, missed, "6 and 7 were cleared")
	assert.EqualValues(t, 8, j.Seq())
}

func TestFind(t *testing.T) {
	j := journal.New(3)
	for i := range 5 {
		j.Add(journal.Entry{Status: 200 + i})
	}
	e, ok := j.Find("5")
	assert.True(t, ok)
	assert.Equal(t, 204, e.Status)
	e, ok = j.Find("3")
	assert.True(t, ok)
	assert.Equal(t, 202, e.Status)
	for _, id := range []string{"2", "6", "0", "x", ""} {
		_, ok := j.Find(id)
		assert.False(t, ok, id)
	}
	j.Clear()
	_, ok = j.Find("5")
	assert.False(t, ok, "cleared")
}
