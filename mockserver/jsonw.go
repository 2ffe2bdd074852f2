package mockserver

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// appender is a response body that writes its own JSON. The hot answers
// (contacts, tasks, notes and their lists) are appenders: encoding/json's
// reflection was the largest cost of a GET contact.
type appender interface {
	appendJSON(b []byte) []byte
}

// obj writes the members of one JSON object; the caller writes the braces.
type obj struct {
	b []byte
	n int
}

func (o *obj) key(k string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, '"')
	o.b = append(o.b, k...) // keys are ASCII identifiers
	o.b = append(o.b, '"', ':')
}

func (o *obj) str(k, v string) {
	o.key(k)
	o.b = appendString(o.b, v)
}

// strOmit writes the member unless v is empty (single-contact reads leave
// empty fields out, as live GHL does).
func (o *obj) strOmit(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

// strNull writes v, or null when it is empty (search results carry nulls).
func (o *obj) strNull(k, v string) {
	o.key(k)
	if v == "" {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = appendString(o.b, v)
}

// instant writes an instant in GHL's form (2026-05-05T15:12:41.809Z),
// appended in place.
func (o *obj) instant(k string, m crm.Millis) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = m.AppendISO(o.b)
	o.b = append(o.b, '"')
}

// instantOmit writes the instant unless it is unset.
func (o *obj) instantOmit(k string, m crm.Millis) {
	if !m.IsZero() {
		o.instant(k, m)
	}
}

// instantNull writes the instant, or null when it is unset.
func (o *obj) instantNull(k string, m crm.Millis) {
	if m.IsZero() {
		o.null(k)
		return
	}
	o.instant(k, m)
}

func (o *obj) boolean(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

func (o *obj) integer(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *obj) null(k string) {
	o.key(k)
	o.b = append(o.b, "null"...)
}

func (o *obj) strs(k string, v []string) {
	o.key(k)
	o.b = appendStrings(o.b, v)
}

func (o *obj) strsOmit(k string, v []string) {
	if len(v) > 0 {
		o.strs(k, v)
	}
}

// value writes any JSON value through encoding/json (custom field values,
// which may be numbers or lists).
func (o *obj) value(k string, v any) {
	o.key(k)
	o.b = appendValue(o.b, v)
}

// open starts a nested object under key k; write its members on the
// returned obj, then end it with close. (No closures: they would escape to
// the heap on every answer.)
func (o *obj) open(k string) obj {
	o.key(k)
	return obj{b: append(o.b, '{')}
}

// close ends a nested object started with open.
func (o *obj) close(inner obj) { o.b = append(inner.b, '}') }

// item starts an object that is an element of an array: b is the buffer
// after '[' or ','.
func item(b []byte) obj { return obj{b: append(b, '{')} }

// end finishes an object started with item and returns the buffer.
func (o *obj) end() []byte { return append(o.b, '}') }

// strLower writes lower(v), converting as it copies.
func (o *obj) strLower(k, v string) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = appendLower(o.b, v)
	o.b = append(o.b, '"')
}

// strLowerOmit writes lower(v) unless v is empty.
func (o *obj) strLowerOmit(k, v string) {
	if v != "" {
		o.strLower(k, v)
	}
}

// name writes first and last joined by a space (either may be empty),
// lower-cased when lower is set, and nothing when both are empty.
func (o *obj) name(k, first, last string, lower bool) {
	if first == "" && last == "" {
		return
	}
	o.key(k)
	o.b = append(o.b, '"')
	add := func(s string) {
		if lower {
			o.b = appendLower(o.b, s)
		} else {
			o.b = appendEscaped(o.b, s)
		}
	}
	add(first)
	if first != "" && last != "" {
		o.b = append(o.b, ' ')
	}
	add(last)
	o.b = append(o.b, '"')
}

// appendLower appends lower(s), JSON-escaped, without the quotes.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return appendEscaped(b, strings.ToLower(s)) // rare: non-ASCII names
		}
	}
	start := len(b)
	b = appendEscaped(b, s)
	for i := start; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return b
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case []string:
		return appendStrings(b, x)
	case float64:
		if !math.IsInf(x, 0) && !math.IsNaN(x) {
			abs := math.Abs(x)
			if abs == 0 || (abs >= 1e-6 && abs < 1e21) {
				return strconv.AppendFloat(b, x, 'f', -1, 64) // as encoding/json writes it
			}
		}
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, raw...)
}

func appendStrings(b []byte, v []string) []byte {
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string as encoding/json does, except that
// <, > and & are not escaped: control characters escaped, invalid UTF-8
// replaced by U+FFFD, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// jsonSafe marks the bytes that go into a JSON string as they are: printable
// ASCII but the quote and the backslash.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendEscaped is appendString without the quotes.
func appendEscaped(b []byte, s string) []byte {
	i := 0
	for i < len(s) && jsonSafe[s[i]] {
		i++
	}
	if i == len(s) {
		return append(b, s...) // the common case: nothing to escape
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
