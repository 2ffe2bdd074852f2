package mockserver

import "time"

// seedReference is the instant the seeded data's dates are relative to:
// Config.Epoch exactly when set (--now); the clock's reading when a test
// injects one (Config.Now); otherwise the start of the current UTC day. So
// two mocks with the same seed started on the same day serve the same data,
// dates included, and a reset brings back the data the mock started with —
// which a reference of "now" would not: every start and every reset would
// shift every date by the time elapsed.
func seedReference(cfg Config, clock *Clock) time.Time {
	switch {
	case !cfg.Epoch.IsZero():
		return cfg.Epoch.UTC()
	case cfg.Now != nil:
		return clock.Now()
	}
	return clock.Now().UTC().Truncate(24 * time.Hour)
}
