package contracttest

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Matcher is an expectation on one value (at a JSON path, or a header). In a
// scenario file it is written as a plain value (equality) or as a mapping of
// checks that must all hold:
//
//	equals: X      notEquals: X      present: true|false     absent: true
//	type: string|number|integer|boolean|array|object|null
//	contains: X    notContains: X    (an array element, or a substring)
//	matches: REGEX length: N         gte: N    lte: N    gt: N    lt: N
//	in: [X, …]     notIn: [X, …]     each: {matcher for every element}
//	containsAll: [X, …]              (every one of them, in any order)
//	after: T       before: T         (a timestamp later, earlier than T)
//	lowerCaseOf: X (X lower-cased; X must not be lower-case already)
//
// The comparisons (gte, lte, gt, lt) take a number or a header's decimal text.
//
// Every check but absent and present: false also requires the value to be there.
type Matcher struct {
	checks []check
}

type check struct {
	op  string
	arg value
	re  *regexp.Regexp // matches, compiled at load when the pattern has no variables
	sub *Matcher       // each
}

// matcherOps are the checks a matcher mapping may hold.
var matcherOps = []string{"equals", "notEquals", "present", "absent", "type", "contains", "notContains",
	"matches", "length", "gte", "lte", "gt", "lt", "in", "notIn", "each", "containsAll", "after", "before", "lowerCaseOf"}

var jsonTypes = []string{"string", "number", "integer", "boolean", "array", "object", "null"}

// templates lists the templates in the matcher's arguments.
func (m *Matcher) templates() []*template {
	var out []*template
	for _, c := range m.checks {
		out = append(out, c.arg.templates()...)
		if c.sub != nil {
			out = append(out, c.sub.templates()...)
		}
	}
	return out
}

// mismatch is one check that did not hold.
type mismatch struct {
	expected string
	found    string
}

// match applies the matcher to a value; found is false when the path or
// header does not exist. The error is for a template that cannot be evaluated.
func (m *Matcher) match(actual any, found bool, r resolver) ([]mismatch, error) {
	var out []mismatch
	wantsPresence := true
	for _, c := range m.checks {
		if c.op == "absent" || (c.op == "present" && c.arg.v == false) {
			wantsPresence = false
		}
	}
	if wantsPresence && !found {
		return []mismatch{{expected: m.describe(r), found: "missing"}}, nil
	}
	for _, c := range m.checks {
		mm, err := c.apply(actual, found, r)
		if err != nil {
			return nil, err
		}
		if mm != nil {
			out = append(out, *mm)
		}
	}
	return out, nil
}

// describe words the whole matcher, for a missing value.
func (m *Matcher) describe(r resolver) string {
	parts := make([]string, 0, len(m.checks))
	for _, c := range m.checks {
		arg, err := expandValue(c.arg, r)
		if err != nil {
			arg = "?"
		}
		parts = append(parts, c.word(arg, r))
	}
	return strings.Join(parts, " and ")
}

func (c check) word(arg any, r resolver) string {
	switch c.op {
	case "present":
		if arg == false {
			return "absent"
		}
		return "present"
	case "absent":
		return "absent"
	case "type":
		return "type " + stringify(arg)
	case "each":
		return "each element " + c.sub.describe(r)
	case "equals":
		return show(arg)
	}
	return c.op + " " + show(arg)
}

func (c check) apply(actual any, found bool, r resolver) (*mismatch, error) {
	var arg any
	if c.op != "each" {
		var err error
		if arg, err = expandValue(c.arg, r); err != nil {
			return nil, err
		}
	}
	fail := func() (*mismatch, error) {
		f := "missing"
		if found {
			f = show(actual)
		}
		return &mismatch{expected: c.word(arg, r), found: f}, nil
	}
	ok := true
	switch c.op {
	case "present":
		ok = found == (arg == true)
	case "absent":
		ok = !found
	case "equals":
		ok = jsonEqual(actual, arg)
	case "notEquals":
		ok = !jsonEqual(actual, arg)
	case "type":
		ok = jsonType(actual) == arg || (arg == "number" && jsonType(actual) == "integer")
	case "contains", "notContains":
		has := false
		switch a := actual.(type) {
		case []any:
			for _, el := range a {
				has = has || jsonEqual(el, arg)
			}
		case string:
			has = strings.Contains(a, stringify(arg))
		}
		ok = has == (c.op == "contains")
	case "matches":
		re := c.re
		if re == nil {
			var err error
			if re, err = regexp.Compile(stringify(arg)); err != nil {
				return nil, fmt.Errorf("matches: %w", err)
			}
		}
		s, isStr := actual.(string)
		if !isStr && actual != nil {
			s = stringify(actual)
		}
		ok = actual != nil && re.MatchString(s)
	case "length":
		n, isNum := toFloat(arg)
		ok = isNum && lengthOf(actual) == int(n)
	case "gte", "lte", "gt", "lt":
		a, aok := toNumber(actual)
		b, bok := toNumber(arg)
		ok = aok && bok && compare(c.op, a, b)
	case "containsAll":
		want, _ := arg.([]any)
		for _, w := range want {
			has := false
			switch a := actual.(type) {
			case []any:
				for _, el := range a {
					has = has || jsonEqual(el, w)
				}
			case string:
				has = strings.Contains(a, stringify(w))
			}
			ok = ok && has
		}
	case "after", "before":
		a, aok := toTime(actual)
		b, bok := toTime(arg)
		if !bok {
			return nil, fmt.Errorf("%s: %s is not a timestamp", c.op, show(arg))
		}
		ok = aok && ((c.op == "after" && a.After(b)) || (c.op == "before" && a.Before(b)))
	case "lowerCaseOf":
		in := stringify(arg)
		if strings.ToLower(in) == in {
			return &mismatch{expected: "lowerCaseOf an input with upper-case letters (" + show(arg) +
				" is lower-case already, so the check proves nothing)", found: show(actual)}, nil
		}
		s, isStr := actual.(string)
		ok = isStr && s == strings.ToLower(in)
	case "in", "notIn":
		list, _ := arg.([]any)
		has := false
		for _, el := range list {
			has = has || jsonEqual(actual, el)
		}
		ok = has == (c.op == "in")
	case "each":
		arr, isArr := actual.([]any)
		if !isArr {
			return &mismatch{expected: "an array, each element " + c.sub.describe(r), found: show(actual)}, nil
		}
		for i, el := range arr {
			mms, err := c.sub.match(el, true, r)
			if err != nil {
				return nil, err
			}
			if len(mms) > 0 {
				return &mismatch{expected: fmt.Sprintf("each element %s", mms[0].expected),
					found: fmt.Sprintf("element [%d] is %s", i, mms[0].found)}, nil
			}
		}
	}
	if !ok {
		return fail()
	}
	return nil, nil
}

func compare(op string, a, b float64) bool {
	switch op {
	case "gte":
		return a >= b
	case "lte":
		return a <= b
	case "gt":
		return a > b
	}
	return a < b
}

// toNumber is toFloat, also for the decimal text of a header.
func toNumber(v any) (float64, bool) {
	if s, ok := v.(string); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return f, err == nil
	}
	return toFloat(v)
}

// toTime reads a timestamp: RFC 3339 text (GHL's 2026-05-05T15:12:41.809Z)
// or a number of epoch milliseconds (GHL's startAfter).
func toTime(v any) (time.Time, bool) {
	if s, ok := v.(string); ok {
		t, err := time.Parse(time.RFC3339Nano, s)
		return t, err == nil
	}
	if f, ok := toFloat(v); ok {
		return time.UnixMilli(int64(f)), true
	}
	return time.Time{}, false
}

func lengthOf(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case map[string]any:
		return len(x)
	case string:
		return len([]rune(x))
	}
	return -1
}

// jsonType names the JSON type of a decoded value; integral numbers are
// "integer".
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	if f, ok := toFloat(v); ok {
		if f == math.Trunc(f) && !math.IsInf(f, 0) {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// jsonEqual compares decoded JSON values, numbers by value.
func jsonEqual(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// show writes a value for a message, shortened.
func show(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // a URL's & stays &
		_ = enc.Encode(x)
		s = strings.TrimSuffix(b.String(), "\n")
	default:
		s = stringify(v)
	}
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}
