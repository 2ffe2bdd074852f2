package mockserver

import (
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// fill sets every field of the struct v points to, recursively, to a value
// that is not its zero (strings named after their path, so that a field
// written under another's key shows): a field the frozen form forgot, or
// read back as something else, makes the round trip differ.
func fill(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(path + " & <b>\u2028")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(1764770000123)
	case reflect.Uint64:
		v.SetUint(42)
	case reflect.Float64:
		v.SetFloat(2.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), fmt.Sprint(path, i))
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for _, k := range []string{"Call", "SMS"} {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, path+"."+k)
			v.SetMapIndex(reflect.ValueOf(k), e)
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf([]string{path + " a", path + " b"}))
	default:
		panic("fill: no value for " + v.Kind().String() + " at " + path)
	}
}

func filled[T any]() *T {
	var x T
	fill(reflect.ValueOf(&x).Elem(), reflect.TypeFor[T]().Name())
	return &x
}

// Every field of every image a backlog change can carry, and of the change
// itself, comes back from the frozen form as it went in: creates, updates
// and deletes of contacts, tasks, notes and appointments, with custom field
// values of each type a contact can hold.
func TestAFrozenChangeThawsAsItWas(t *testing.T) {
	contact := filled[crm.Contact]()
	contact.CustomFields = append(contact.CustomFields,
		crm.CustomFieldValue{ID: "num", Value: 12.75},
		crm.CustomFieldValue{ID: "flag", Value: true},
		crm.CustomFieldValue{ID: "text", Value: "Smith & Sons <b>"},
		crm.CustomFieldValue{ID: "none", Value: []string{}})
	older := filled[crm.Contact]()
	older.Tags, older.DND = []string{"old"}, false
	images := map[crm.Kind][2]crm.Object{
		crm.KindContact:     {older, contact},
		crm.KindTask:        {filled[crm.Task](), filled[crm.Task]()},
		crm.KindNote:        {filled[crm.Note](), filled[crm.Note]()},
		crm.KindAppointment: {filled[crm.Appointment](), filled[crm.Appointment]()},
	}
	// All frozen first, into one arena, then all thawed: a change written
	// over by the next in the chunk they share shows too.
	var arena frozenArena
	type frozen struct {
		name string
		c    crm.Change
		f    frozenChange
	}
	var all []frozen
	for kind, img := range images {
		for _, shape := range []struct {
			name          string
			before, after crm.Object
		}{{"create", nil, img[1]}, {"update", img[0], img[1]}, {"delete", img[0], nil}} {
			c := crm.Change{Seq: 7, Time: 1764770000456, Location: "loc & <1>", Kind: kind, ID: "id-1",
				Before: shape.before, After: shape.after,
				Cause: crm.Cause{OperationID: "create-contact", TraceID: "trace \"1\"", App: "app-1"}}
			f, ok := arena.freeze(c)
			require.True(t, ok)
			all = append(all, frozen{string(kind) + " " + shape.name, c, f})
		}
	}
	for _, x := range all {
		t.Run(x.name, func(t *testing.T) {
			got, err := x.f.thaw()
			require.NoError(t, err)
			assert.Equal(t, x.c, got)
		})
	}
}

// A typed nil image (a *crm.Contact that is nil) is no image: it comes back
// as none, not as an empty contact.
func TestATypedNilImageThawsAsNone(t *testing.T) {
	for _, img := range []crm.Object{(*crm.Contact)(nil), (*crm.Task)(nil), (*crm.Note)(nil), (*crm.Appointment)(nil)} {
		var arena frozenArena
		f, ok := arena.freeze(crm.Change{Kind: img.ChangeKind(), ID: "id-1", Before: img})
		require.True(t, ok)
		got, err := f.thaw()
		require.NoError(t, err)
		assert.Nil(t, got.Before, "%T", img)
	}
}

// The server's own records are not frozen: they wait as they are.
func TestOnlyLocationDataIsFrozen(t *testing.T) {
	for _, k := range []crm.Kind{crm.KindGrant, crm.KindToken, crm.KindDataset} {
		var arena frozenArena
		_, ok := arena.freeze(crm.Change{Kind: k})
		assert.False(t, ok, k)
	}
}

// A frozen change that cannot be read back is an error, never a panic.
func TestABrokenFrozenChangeIsAnError(t *testing.T) {
	for _, raw := range []string{``, `{`, `{"kind":"contact","after":{"tags":7}}`, `{"kind":"token","after":{}}`} {
		_, err := frozenChange(raw).thaw()
		assert.Error(t, err, raw)
	}
}

// Changes share the arena's chunks, each capped at its own end, and a
// change too large for what a chunk has left gets an array of its own that
// keeps little more room than it needs, however large the contact: the
// backlog may hold many of them for long.
func TestFrozenChangesShareChunksAndKeepLittleRoom(t *testing.T) {
	var arena frozenArena
	c := crm.Change{Kind: crm.KindContact, After: filled[crm.Contact]()}
	first, ok := arena.freeze(c)
	require.True(t, ok)
	second, ok := arena.freeze(c)
	require.True(t, ok)
	assert.Equal(t, len(first), cap(first), "a frozen change is capped at its end")
	assert.True(t, unsafe.Add(unsafe.Pointer(unsafe.SliceData(first)), len(first)) == unsafe.Pointer(unsafe.SliceData(second)),
		"the second change follows the first in their chunk")
	want := string(second)
	_ = append(first, "overwritten"...)
	assert.Equal(t, want, string(second), "an append to one change reached the next")

	for _, extra := range []int{40, 900} { // in a chunk; just larger than a whole chunk
		var arena frozenArena
		big := filled[crm.Contact]()
		for range extra {
			big.Tags = append(big.Tags, "a tag long enough to make the contact grow well past the room a chunk keeps")
		}
		f, ok := arena.freeze(crm.Change{Kind: crm.KindContact, After: big})
		require.True(t, ok)
		assert.LessOrEqual(t, cap(f)-len(f), len(f)/8+64, "%d extra tags: %d bytes in a buffer of %d", extra, len(f), cap(f))
		got, err := f.thaw()
		require.NoError(t, err)
		assert.Len(t, got.After.(*crm.Contact).Tags, len(big.Tags))
	}
}
