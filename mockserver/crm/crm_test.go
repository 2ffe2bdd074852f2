package crm_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

func TestNormalizeTags(t *testing.T) {
	assert.Equal(t, []string{"vip", "new lead", "test"}, crm.NormalizeTags([]string{"VIP", " new lead ", "", "vip", "TEST", "Test"}))
	assert.Equal(t, []string{}, crm.NormalizeTags(nil))
}

func TestNormalizePhone(t *testing.T) {
	cases := []struct{ in, country, want string }{
		{"+1 888-888-8888", "US", "+18888888888"},
		{"(415) 555-0101", "US", "+14155550101"},
		{"14155550101", "US", "+14155550101"},
		{"+18887772222", "", "+18887772222"},
		{"020 7946 0958", "GB", "+442079460958"},
		{"0044 20 7946 0958", "US", "+442079460958"},
		{"not a phone", "US", "not a phone"},
		{"123", "US", "123"},
		{"", "US", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, crm.NormalizePhone(c.in, c.country), c.in)
	}
}

func TestParseDateOfBirth(t *testing.T) {
	for _, in := range []string{"1990/09/25", "09/25/1990", "1990-09-25", "09-25-1990", "1990.09.25", "09.25.1990", "1990_09_25", "09_25_1990", "1990-09-25T00:00:00.000Z"} {
		got, ok := crm.ParseDateOfBirth(in)
		assert.True(t, ok, in)
		assert.Equal(t, "1990-09-25", got, in)
	}
	_, ok := crm.ParseDateOfBirth("25th of September")
	assert.False(t, ok)
	assert.Equal(t, "1990-09-25T00:00:00.000Z", crm.DateOfBirthISO("1990-09-25"))
	assert.Empty(t, crm.DateOfBirthISO(""))
}

func TestMillis(t *testing.T) {
	m := crm.MillisOf(time.Date(2026, 5, 5, 15, 12, 41, 809_123_456, time.UTC))
	assert.Equal(t, "2026-05-05T15:12:41.809Z", m.String())
	assert.Equal(t, "x2026-05-05T15:12:41.809Z", string(m.AppendISO([]byte("x"))))
	for _, in := range []string{"2026-05-05T15:12:41.809Z", "2026-05-05T17:12:41.809+02:00", "1777993961809"} {
		got, ok := crm.ParseMillis(in)
		assert.True(t, ok, in)
		assert.Equal(t, m, got, in)
	}
	for _, ms := range []int64{0, 1, 999, -1, -1001, 1777993961809, 253402300799999, -62135596800000} {
		m := crm.Millis(ms)
		assert.Equal(t, m.Time().Format(crm.ISOLayout), string(m.AppendISO(nil)), "%d", ms)
	}
	_, ok := crm.ParseMillis("yesterday")
	assert.False(t, ok)
}

func TestIDGenIsDeterministicAndWellFormed(t *testing.T) {
	a, b := crm.NewIDGen(7), crm.NewIDGen(7)
	seen := map[string]bool{}
	for range 1000 {
		id := a.ID()
		assert.Equal(t, id, b.ID())
		assert.True(t, crm.IsID(id), id)
		assert.False(t, seen[id])
		seen[id] = true
	}
	assert.Regexp(t, `^[0-9a-f]{24}$`, a.HexID())
	assert.NotEqual(t, crm.NewIDGen(8).ID(), crm.NewIDGen(7).ID())
	assert.False(t, crm.IsID("abc"))
	assert.False(t, crm.IsID("ocQHyuzHvysMo5N5VsX!"))
}

func TestContactDerivedNames(t *testing.T) {
	c := crm.Contact{FirstName: "Rosan", LastName: "Deo"}
	assert.Equal(t, "Rosan Deo", c.DisplayName())
	assert.Equal(t, "rosan deo", c.FullNameLowerCase())
	assert.Equal(t, "rosan deo", c.ContactName())
	c.Name = "Dr. Rosan Deo"
	assert.Equal(t, "Dr. Rosan Deo", c.DisplayName())
	assert.Equal(t, "rosan deo", c.FullNameLowerCase())
	assert.Equal(t, "Deo", (&crm.Contact{LastName: "Deo"}).DisplayName())
}

func TestContactCloneSharesNothing(t *testing.T) {
	c := crm.Contact{
		Tags:         []string{"a"},
		CustomFields: []crm.CustomFieldValue{{ID: "f", Value: []string{"x"}}},
		DNDSettings:  map[string]crm.DNDSetting{"SMS": {Status: "active"}},
		Attribution:  &crm.Attribution{Medium: "manual"},
		Workflows:    []crm.WorkflowEnrollment{{WorkflowID: "w"}},

		InboundDNDSettings: &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "active"}},
	}
	d := c.Clone()
	d.InboundDNDSettings.All.Status = "inactive"
	d.Tags[0] = "b"
	d.CustomFields[0].Value.([]string)[0] = "y"
	d.DNDSettings["SMS"] = crm.DNDSetting{Status: "inactive"}
	d.Attribution.Medium = "form"
	d.Workflows[0].WorkflowID = "v"
	assert.Equal(t, "a", c.Tags[0])
	assert.Equal(t, "x", c.CustomFields[0].Value.([]string)[0])
	assert.Equal(t, "active", c.DNDSettings["SMS"].Status)
	assert.Equal(t, "manual", c.Attribution.Medium)
	assert.Equal(t, "w", c.Workflows[0].WorkflowID)
	assert.Equal(t, "active", c.InboundDNDSettings.All.Status)
}

func TestIDGenPositionSurvivesAMarshal(t *testing.T) {
	a := crm.NewIDGen(7)
	a.ID()
	pos, err := a.MarshalBinary()
	require.NoError(t, err)
	next := a.ID()
	b := crm.NewIDGen(7) // a restart from the same seed would repeat a's first id
	require.NoError(t, b.UnmarshalBinary(pos))
	assert.Equal(t, next, b.ID(), "the restored generator goes on where the saved one was")
	c := crm.NewIDGen(7)
	require.NoError(t, c.UnmarshalBinary(pos))
	c.Skip(3)
	assert.NotEqual(t, next, c.ID())
}
