package webhooks_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

func TestEventsForScopes(t *testing.T) {
	for _, c := range []struct {
		name   string
		scopes []string
		want   []string
	}{
		{"contacts.readonly: everything", []string{"contacts.readonly"}, webhooks.EventTypes},
		{"contacts.write alone reads too", []string{"contacts.write"}, webhooks.EventTypes},
		{"calendars: appointments and installs", []string{"calendars.readonly"},
			[]string{webhooks.AppointmentCreate, webhooks.AppointmentUpdate, webhooks.AppointmentDelete, webhooks.Install, webhooks.Uninstall}},
		{"an unrelated scope: installs only", []string{"opportunities.readonly"}, []string{webhooks.Install, webhooks.Uninstall}},
		{"no scope: installs only", nil, []string{webhooks.Install, webhooks.Uninstall}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, webhooks.EventsForScopes(c.scopes))
		})
	}
}
