package crm

import (
	"strconv"
	"time"
)

// Millis is an instant as milliseconds since the Unix epoch, the resolution GHL
// keeps. Zero means "not set".
type Millis int64

// MillisOf converts a time to Millis, dropping anything finer than a millisecond.
func MillisOf(t time.Time) Millis { return Millis(t.UnixMilli()) }

// Time returns the instant in UTC.
func (m Millis) Time() time.Time { return time.UnixMilli(int64(m)).UTC() }

// IsZero reports whether the instant is unset.
func (m Millis) IsZero() bool { return m == 0 }

// ISOLayout is how GHL writes instants: ISO 8601 in UTC with milliseconds and Z.
const ISOLayout = "2006-01-02T15:04:05.000Z"

// String formats the instant as GHL does, e.g. 2026-05-05T15:12:41.809Z.
func (m Millis) String() string { return m.Time().Format(ISOLayout) }

// AppendISO appends the GHL form of the instant to b.
func (m Millis) AppendISO(b []byte) []byte { return m.Time().AppendFormat(b, ISOLayout) }

// ParseMillis parses an instant given as RFC 3339 (with or without fractional
// seconds or an offset) or as a decimal count of milliseconds.
func ParseMillis(s string) (Millis, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Millis(n), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return MillisOf(t), true
		}
	}
	return 0, false
}
