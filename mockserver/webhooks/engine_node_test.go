package webhooks_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// everyEvent returns one event of every type the mock sends, from changes
// through FromChange where a change causes it, about records named name.
func everyEvent(name string) []webhooks.Event {
	c := &crm.Contact{ID: contactID, LocationID: locID, FirstName: name, LastName: name, CompanyName: name,
		Tags: []string{name}, CustomFields: []crm.CustomFieldValue{{ID: "cf", Value: name}, {ID: "n", Value: 1e21}},
		DNDSettings: map[string]crm.DNDSetting{"SMS": {Status: "active", Message: name}}, DateAdded: ms("2026-12-02T09:00:00Z")}
	changed := c.Clone()
	changed.City, changed.DND = name, true
	changed.Tags = append(changed.Tags, "vip")
	task := &crm.Task{ID: "t1", LocationID: locID, ContactID: contactID, Title: name, Body: name}
	done := *task
	done.Completed = true
	note := &crm.Note{ID: "n1", LocationID: locID, ContactID: contactID, Body: name}
	appt := &crm.Appointment{ID: "a1", LocationID: locID, ContactID: contactID, Title: name, Notes: name, StartTime: ms("2026-12-03T09:00:00Z")}
	opts := webhooks.MapOptions{TagChangeAlsoUpdate: true, DNDChangeAlsoUpdate: true,
		Zone: func(string) *time.Location { return webhooks.ZoneByName("Asia/Kolkata") }}
	var evs []webhooks.Event
	for _, ch := range []crm.Change{
		{Kind: crm.KindContact, After: c}, {Kind: crm.KindContact, Before: c, After: &changed}, {Kind: crm.KindContact, Before: c},
		{Kind: crm.KindNote, After: note}, {Kind: crm.KindNote, Before: note, After: note}, {Kind: crm.KindNote, Before: note},
		{Kind: crm.KindTask, After: task}, {Kind: crm.KindTask, Before: task, After: &done}, {Kind: crm.KindTask, Before: task},
		{Kind: crm.KindAppointment, After: appt}, {Kind: crm.KindAppointment, Before: appt, After: appt}, {Kind: crm.KindAppointment, Before: appt},
	} {
		evs = append(evs, webhooks.FromChange(ch, opts)...)
	}
	install := webhooks.InstallInfo{AppID: "app1", LocationID: locID, CompanyID: "co", CompanyName: name}
	evs = append(evs, webhooks.InstallEvent(install))
	install.Uninstall = true
	return append(evs, webhooks.InstallEvent(install))
}

// TestEveryEventVerifiesInNode delivers every event type through the
// engine, for records named with &, <, >, U+2028 and an emoji, and has node
// verify what was received, over the raw bytes and re-serialised.
func TestEveryEventVerifiesInNode(t *testing.T) {
	nodePath(t)
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "app1", URL: rcv.URL, IncludeAppID: true, Signature: webhooks.SignEd25519RSA})
	var events []webhooks.Event
	for _, name := range []string{"Smith & Sons <b>", "Tom & Jerry", "line\u2028sep\u2029", "Zoë 👋🏽"} {
		events = append(events, everyEvent(name)...)
	}
	e.Enqueue(events...)
	flush(t, e)

	hits := rcv.got()
	require.Len(t, hits, len(events))
	types := map[string]bool{}
	pub, err := testKeys(t).PublicKeys()
	require.NoError(t, err)
	var inputs []any
	for _, h := range hits {
		types[h.json(t)["type"].(string)] = true
		inputs = append(inputs, map[string]any{
			"body": base64.StdEncoding.EncodeToString(h.Body), "sig": h.Header.Get("X-Ghl-Signature"), "rsaSig": h.Header.Get("X-Wh-Signature"),
			"keys":   []string{pub.Ed25519.PEM, pub.Ed25519.RawBase64, pub.Ed25519.Hex, pub.Ed25519.SPKIBase64},
			"rsaPem": pub.RSA.PEM,
		})
	}
	assert.Len(t, types, len(webhooks.EventTypes), "every event type was sent: %v", types)
	var got []struct {
		Raw      []bool `json:"raw"`
		Reser    []bool `json:"reser"`
		RSARaw   bool   `json:"rsaRaw"`
		RSAReser bool   `json:"rsaReser"`
	}
	runNode(t, nodeLines+nodeVerify, inputs, &got)
	for i, r := range got {
		assert.Equal(t, []bool{true, true, true, true}, r.Raw, "%s raw", hits[i].Body)
		assert.Equal(t, []bool{true, true, true, true}, r.Reser, "%s re-serialised", hits[i].Body)
		assert.True(t, r.RSARaw && r.RSAReser, "%s legacy", hits[i].Body)
	}
}
