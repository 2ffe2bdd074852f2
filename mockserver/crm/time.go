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
func (m Millis) String() string { return string(m.AppendISO(make([]byte, 0, 24))) }

// AppendISO appends the GHL form of the instant to b. It writes the digits
// itself: every contact, task and note in every answer carries instants,
// and time.AppendFormat interprets its layout each time.
func (m Millis) AppendISO(b []byte) []byte {
	t := m.Time()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, ISOLayout)
	}
	hour, minute, sec := t.Clock()
	ms := int(int64(m) % 1000)
	if ms < 0 {
		ms += 1000
	}
	b = append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return b
}

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
