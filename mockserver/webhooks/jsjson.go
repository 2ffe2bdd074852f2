package webhooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Member is one key and value of an Object.
type Member struct {
	Key   string
	Value any
}

// Object is a JSON object whose members keep the order they were added in,
// as a JavaScript object does: HighLevel's payloads list their fields in the
// order of its docs, and a body must come out the same every time.
type Object []Member

// Set sets key to v, in place when the key is present, else at the end.
func (o *Object) Set(key string, v any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, Member{key, v})
}

// Get returns the value of key.
func (o Object) Get(key string) (any, bool) {
	for _, m := range o {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// Clone returns a copy whose member slice is its own (values are shared).
func (o Object) Clone() Object { return append(Object(nil), o...) }

// MarshalJSON writes the object as AppendJS does, so that an Object nested in
// a value given to encoding/json keeps its order.
func (o Object) MarshalJSON() ([]byte, error) { return AppendJS(nil, o) }

// UnmarshalJSON reads an object back in its order: nested objects become
// Objects, arrays []any, numbers json.Number, which AppendJS writes as they
// were.
func (o *Object) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return fmt.Errorf("webhooks: object: %w", err)
	}
	obj, ok := v.(Object)
	if !ok {
		if v == nil {
			*o = nil
			return nil
		}
		return fmt.Errorf("webhooks: object: not a JSON object")
	}
	*o = obj
	return nil
}

// MarshalJS returns v as JSON whose bytes equal JSON.stringify(JSON.parse(b))
// in JavaScript. That is what a webhook body must be: HighLevel's own doc
// example and SDK 3.0.0 verify the signature over JSON.stringify(req.body),
// a re-serialised body, and Go's encoding/json would write a contact named
// "Smith & Sons" as "Smith \u0026 Sons", which JavaScript re-serialises as a
// raw "&", so the signature would no longer verify.
//
// The rules, all JavaScript's:
//   - compact, no trailing newline;
//   - strings escape only ", \ and the control characters below U+0020
//     (\b \t \n \f \r, else \u00xx in lower case); <, >, &, U+2028 and U+2029
//     are written raw; invalid UTF-8 becomes U+FFFD, one for each maximal
//     invalid subpart, as a WHATWG UTF-8 decoder (Node's) reads it;
//   - numbers as Number.prototype.toString writes them (1e+21, 1.5e-7, -0 as
//     0); NaN and ±Inf as null; integers beyond ±2^53 as the double they
//     become in JavaScript (9007199254740993 is written 9007199254740992);
//   - object members in insertion order, except that keys that are array
//     indices ("0", "1", … "4294967294") come first in ascending order, as
//     JavaScript orders them; a repeated key keeps its first position and
//     its last value, as JSON.parse does.
//
// Values may be nil, bool, string, any integer or float type, json.Number,
// Object, []any, []string, []Object, map[string]any and map[string]string
// (map keys sorted, then ordered as above), a JSMarshaler, or anything
// encoding/json can marshal (its output is then canonicalised).
func MarshalJS(v any) ([]byte, error) { return AppendJS(nil, v) }

// AppendJS appends v, written as MarshalJS writes it, to b.
func AppendJS(b []byte, v any) ([]byte, error) {
	return appendValue(b, v)
}

// JSMarshaler is a value that writes itself as canonical JSON.
type JSMarshaler interface {
	AppendJS(b []byte) ([]byte, error)
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case float64:
		return appendJSNumber(b, x), nil
	case float32:
		// The decimal Go would write for the float32, read as JavaScript
		// reads it: 0.1 stays 0.1 rather than 0.10000000149011612.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		return appendJSNumber(b, f), nil
	case int:
		return appendJSInt(b, int64(x)), nil
	case int8:
		return appendJSInt(b, int64(x)), nil
	case int16:
		return appendJSInt(b, int64(x)), nil
	case int32:
		return appendJSInt(b, int64(x)), nil
	case int64:
		return appendJSInt(b, x), nil
	case uint:
		return appendJSUint(b, uint64(x)), nil
	case uint8:
		return appendJSUint(b, uint64(x)), nil
	case uint16:
		return appendJSUint(b, uint64(x)), nil
	case uint32:
		return appendJSUint(b, uint64(x)), nil
	case uint64:
		return appendJSUint(b, x), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil && !isRangeErr(err) {
			return b, fmt.Errorf("webhooks: json number %q: %w", string(x), err)
		}
		return appendJSNumber(b, f), nil // out of range: ±Inf, which JavaScript writes as null
	case Object:
		return appendObject(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSString(b, s)
		}
		return append(b, ']'), nil
	case []Object:
		b = append(b, '[')
		for i, o := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendObject(b, o); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		return appendObject(b, sortedObject(x))
	case map[string]string:
		o := make(Object, 0, len(x))
		for k, s := range x {
			o = append(o, Member{k, s})
		}
		sort.Slice(o, func(i, j int) bool { return o[i].Key < o[j].Key })
		return appendObject(b, o)
	case JSMarshaler:
		return x.AppendJS(b)
	case json.RawMessage:
		return appendCanonical(b, x)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return b, fmt.Errorf("webhooks: marshal %T: %w", v, err)
	}
	return appendCanonical(b, raw)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func sortedObject(m map[string]any) Object {
	o := make(Object, 0, len(m))
	for k, v := range m {
		o = append(o, Member{k, v})
	}
	sort.Slice(o, func(i, j int) bool { return o[i].Key < o[j].Key })
	return o
}

// maxSafeInt is 2^53: every integer of at most this magnitude is exact in a
// JavaScript number.
const maxSafeInt = 1 << 53

func appendJSInt(b []byte, v int64) []byte {
	if v >= -maxSafeInt && v <= maxSafeInt {
		return strconv.AppendInt(b, v, 10)
	}
	return appendJSNumber(b, float64(v))
}

func appendJSUint(b []byte, v uint64) []byte {
	if v <= maxSafeInt {
		return strconv.AppendUint(b, v, 10)
	}
	return appendJSNumber(b, float64(v))
}

// appendObject writes o's members in JavaScript's property order.
func appendObject(b []byte, o Object) ([]byte, error) {
	if needsReorder(o) {
		o = jsOrder(o)
	}
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSString(b, m.Key)
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, m.Value); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// needsReorder reports whether o has an array-index key or a repeated key,
// the two cases in which JavaScript would not keep the members as given, or
// a key that is not valid UTF-8 (two such keys may read the same in
// JavaScript once their invalid bytes are U+FFFD).
func needsReorder(o Object) bool {
	for i, m := range o {
		if isArrayIndex(m.Key) || !utf8.ValidString(m.Key) {
			return true
		}
		if len(o) <= 16 {
			for _, n := range o[:i] {
				if n.Key == m.Key {
					return true
				}
			}
		}
	}
	if len(o) > 16 {
		seen := make(map[string]struct{}, len(o))
		for _, m := range o {
			if _, dup := seen[m.Key]; dup {
				return true
			}
			seen[m.Key] = struct{}{}
		}
	}
	return false
}

// jsOrder returns o as JavaScript holds it: repeated keys merged (first
// position, last value), then array-index keys first in ascending order.
func jsOrder(o Object) Object {
	pos := make(map[string]int, len(o))
	out := make(Object, 0, len(o))
	for _, m := range o {
		m.Key = string(wellFormed([]byte(m.Key)))
		if i, ok := pos[m.Key]; ok {
			out[i].Value = m.Value
			continue
		}
		pos[m.Key] = len(out)
		out = append(out, m)
	}
	var idx, rest Object
	for _, m := range out {
		if isArrayIndex(m.Key) {
			idx = append(idx, m)
		} else {
			rest = append(rest, m)
		}
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, _ := strconv.ParseUint(idx[i].Key, 10, 64)
		c, _ := strconv.ParseUint(idx[j].Key, 10, 64)
		return a < c
	})
	return append(idx, rest...)
}

// isArrayIndex reports whether k is the canonical decimal form of an integer
// in [0, 2^32-2], the keys JavaScript lists before all others.
func isArrayIndex(k string) bool {
	if k == "" || len(k) > 10 || k[0] < '0' || k[0] > '9' || (k[0] == '0' && len(k) > 1) {
		return false
	}
	for i := 1; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	n, err := strconv.ParseUint(k, 10, 64)
	return err == nil && n <= math.MaxUint32-1
}

// Canonicalize returns raw as JSON.stringify(JSON.parse(raw)) would, raw
// being read as a WHATWG UTF-8 decoder reads bytes. It is how a receiver that
// re-serialises sees a body, and a way to turn JSON from elsewhere (a
// fixture, an admin request) into a body that verifies either way.
//
// One difference from JavaScript remains: an escaped lone surrogate
// ("\ud800") becomes U+FFFD, because a Go string cannot hold it.
func Canonicalize(raw []byte) ([]byte, error) {
	return appendCanonical(nil, raw)
}

func appendCanonical(b []byte, raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(wellFormed(raw)))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return b, fmt.Errorf("webhooks: canonicalize: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return b, fmt.Errorf("webhooks: canonicalize: data after the JSON value")
	}
	return appendValue(b, v)
}

// decodeOrdered reads one JSON value from dec's token stream, keeping the
// order of object members (a map would lose it).
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	switch d {
	case '{':
		o := Object{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			o = append(o, Member{k.(string), v})
		}
		_, err := dec.Token() // '}'
		return o, err
	case '[':
		a := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token() // ']'
		return a, err
	}
	return nil, fmt.Errorf("unexpected %v", d)
}
