package webhooks

import "slices"

// EventsForScopes returns the event types an install with these scopes
// receives, in the order of EventTypes. HighLevel's scope table
// (docs/oauth/Scopes.md) lists ContactCreate, ContactDelete,
// ContactDndUpdate, ContactTagUpdate, NoteCreate, NoteDelete, TaskCreate and
// TaskDelete under contacts.readonly, and lists no scope for ContactUpdate,
// NoteUpdate, TaskComplete or the Appointment events although their docs
// exist [UNCERTAIN]. The mock grants them all with contacts.readonly (or
// contacts.write: an app that writes contacts reads them too), since
// GET /contacts/{id}/appointments needs no more; calendars.readonly and
// calendars/events.readonly grant the Appointment events alone. INSTALL and
// UNINSTALL need no scope: they reach the app's Default Webhook URL always.
func EventsForScopes(scopes []string) []string {
	contacts := slices.Contains(scopes, "contacts.readonly") || slices.Contains(scopes, "contacts.write")
	calendars := slices.Contains(scopes, "calendars.readonly") || slices.Contains(scopes, "calendars/events.readonly")
	var out []string
	for _, ev := range EventTypes {
		switch ev {
		case Install, Uninstall:
		case AppointmentCreate, AppointmentUpdate, AppointmentDelete:
			if !contacts && !calendars {
				continue
			}
		default:
			if !contacts {
				continue
			}
		}
		out = append(out, ev)
	}
	return out
}
