// Package jsonappend writes JSON by appending to a byte slice, with no
// reflection and no allocation beyond the slice's growth: the hand-written
// answers of the API's hot operations use it, because encoding/json's
// reflection was the largest cost of a GET contact.
//
// Strings are written exactly as encoding/json writes them with
// SetEscapeHTML(false), which is how GHL's Node services write them: & < >
// as themselves, control characters escaped, U+2028 and U+2029 escaped,
// invalid UTF-8 replaced by U+FFFD (a differential test and a fuzz test hold
// the two equal).
package jsonappend

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Object writes the members of one JSON object into B. Begin or Open starts
// it, End or Close finishes it. It is a value, not a builder with closures:
// closures would escape to the heap on every answer.
type Object struct {
	B []byte // the buffer written to
	n int    // members written so far
}

// Begin starts an object at the end of b (after '[' or ',' for an element
// of an array).
func Begin(b []byte) Object { return Object{B: append(b, '{')} }

// End finishes an object started with Begin and returns the buffer.
func (o *Object) End() []byte { return append(o.B, '}') }

// Open starts a nested object under key k; write its members on the
// returned Object, then finish it with Close.
func (o *Object) Open(k string) Object {
	o.Key(k)
	return Object{B: append(o.B, '{')}
}

// Close finishes a nested object started with Open.
func (o *Object) Close(inner Object) { o.B = append(inner.B, '}') }

// Key writes the next member's key (and the comma before it); the caller
// writes its value. Keys are ASCII identifiers, written as they are.
func (o *Object) Key(k string) {
	if o.n > 0 {
		o.B = append(o.B, ',')
	}
	o.n++
	o.B = append(o.B, '"')
	o.B = append(o.B, k...)
	o.B = append(o.B, '"', ':')
}

// String writes a string member.
func (o *Object) String(k, v string) {
	o.Key(k)
	o.B = AppendString(o.B, v)
}

// StringOmit writes the member unless v is empty.
func (o *Object) StringOmit(k, v string) {
	if v != "" {
		o.String(k, v)
	}
}

// StringNull writes v, or null when it is empty.
func (o *Object) StringNull(k, v string) {
	o.Key(k)
	if v == "" {
		o.B = append(o.B, "null"...)
		return
	}
	o.B = AppendString(o.B, v)
}

// Lower writes lower(v), converting as it copies.
func (o *Object) Lower(k, v string) {
	o.Key(k)
	o.B = append(o.B, '"')
	o.B = AppendLower(o.B, v)
	o.B = append(o.B, '"')
}

// LowerOmit writes lower(v) unless v is empty.
func (o *Object) LowerOmit(k, v string) {
	if v != "" {
		o.Lower(k, v)
	}
}

// Bool writes a boolean member.
func (o *Object) Bool(k string, v bool) {
	o.Key(k)
	o.B = strconv.AppendBool(o.B, v)
}

// Int writes an integer member.
func (o *Object) Int(k string, v int64) {
	o.Key(k)
	o.B = strconv.AppendInt(o.B, v, 10)
}

// Null writes a null member.
func (o *Object) Null(k string) {
	o.Key(k)
	o.B = append(o.B, "null"...)
}

// Strings writes an array of strings.
func (o *Object) Strings(k string, v []string) {
	o.Key(k)
	o.B = AppendStrings(o.B, v)
}

// StringsOmit writes the array unless it is empty.
func (o *Object) StringsOmit(k string, v []string) {
	if len(v) > 0 {
		o.Strings(k, v)
	}
}

// Value writes any JSON value (see AppendValue).
func (o *Object) Value(k string, v any) {
	o.Key(k)
	o.B = AppendValue(o.B, v)
}

// AppendLower appends lower(s), JSON-escaped, without the quotes.
func AppendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return AppendEscaped(b, strings.ToLower(s)) // rare: non-ASCII names
		}
	}
	start := len(b)
	b = AppendEscaped(b, s)
	for i := start; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return b
}

// AppendValue appends any JSON value: the common kinds written directly,
// anything else through encoding/json (without HTML escaping, like the rest).
func AppendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return AppendString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case []string:
		return AppendStrings(b, x)
	case float64:
		if out, ok := appendPlainFloat(b, x); ok {
			return out
		}
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	}
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(b, "null"...) // Encode writes nothing when it fails
	}
	out := buf.Bytes()
	return out[:len(out)-1] // Encode ends with a newline
}

// appendPlainFloat appends x as encoding/json writes a float64 between 1e-6
// and 1e21 (and 0), and reports false, appending nothing, for the others.
func appendPlainFloat(b []byte, x float64) ([]byte, bool) {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return b, false
	}
	if abs := math.Abs(x); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return b, false
	}
	return strconv.AppendFloat(b, x, 'f', -1, 64), true
}

// Float writes a number member as encoding/json writes a float64, without
// boxing it in an interface for the common magnitudes.
func (o *Object) Float(k string, v float64) {
	o.Key(k)
	if out, ok := appendPlainFloat(o.B, v); ok {
		o.B = out
		return
	}
	o.B = AppendValue(o.B, v)
}

// AppendStrings appends an array of strings.
func AppendStrings(b []byte, v []string) []byte {
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string, as encoding/json writes it with
// SetEscapeHTML(false): <, > and & as they are, control characters escaped,
// invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = AppendEscaped(b, s)
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

// AppendEscaped is AppendString without the quotes.
func AppendEscaped(b []byte, s string) []byte {
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
