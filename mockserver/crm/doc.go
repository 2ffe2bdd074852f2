// Package crm holds ghlmock's domain: the contacts, tasks, notes and
// appointments of a GoHighLevel location, the location's own settings, and the
// Store interface that the HTTP layer drives. It has no dependency beyond the
// standard library and knows nothing of HTTP or JSON wire shapes: the mock
// server turns these values into GHL's bodies.
package crm
