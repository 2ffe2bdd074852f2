package inmem

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Search filter limits.
const (
	maxValueLen    = 75 // characters of a filter value or of the query
	maxFilterDepth = 16 // nesting of groups
)

// Operators of search filters.
const (
	opEq          = "eq"
	opNotEq       = "not_eq"
	opContains    = "contains"
	opNotContains = "not_contains"
	opExists      = "exists"
	opNotExists   = "not_exists"
	opRange       = "range"
	opNested      = "nested" // on opportunities only, see nested
)

var operators = []string{opEq, opNotEq, opContains, opNotContains, opExists, opNotExists, opRange}

// operatorNames is what the 422 for an unknown operator lists.
var operatorNames = strings.Join(append(slices.Clone(operators), opNested), ", ")

type opSet uint8

func ops(names ...string) opSet {
	var s opSet
	for _, n := range names {
		for i, o := range operators {
			if o == n {
				s |= 1 << i
			}
		}
	}
	return s
}

func (s opSet) has(op string) bool {
	for i, o := range operators {
		if o == op {
			return s&(1<<i) != 0
		}
	}
	return false
}

var (
	stringOps  = ops(opEq, opNotEq, opContains, opNotContains, opExists, opNotExists)
	exactOps   = ops(opEq, opNotEq, opExists, opNotExists)
	dateOps    = ops(opRange, opExists, opNotExists)
	numberOps  = ops(opEq, opNotEq, opRange, opExists, opNotExists)
	booleanOps = ops(opEq, opNotEq, opExists, opNotExists)
)

// fieldSpec is how one search field reads a contact. Exactly one of each,
// boolean and num is set.
type fieldSpec struct {
	ops opSet
	// each calls fn on the field's values (several for tags, followers and
	// list custom fields) until fn returns true, and reports whether it did.
	each  func(r *rec, fn func(string) bool) bool
	exact bool // compare values case-sensitively (ids)
	phone bool // eq also tries the value normalized as a phone
	// boolean reads a true/false field.
	boolean func(r *rec) bool
	// num reads a number or an instant (ms); ok is false when unset.
	num   func(r *rec) (float64, bool)
	dates bool // range bounds are instants: ms or date strings
}

func plain(f int) func(*rec, func(string) bool) bool {
	return func(r *rec, fn func(string) bool) bool { return fn(r.get(f)) }
}

func list(get func(*rec) []string) func(*rec, func(string) bool) bool {
	return func(r *rec, fn func(string) bool) bool {
		for _, v := range get(r) {
			if fn(v) {
				return true
			}
		}
		return false
	}
}

func millis(get func(*rec) crm.Millis) func(*rec) (float64, bool) {
	return func(r *rec) (float64, bool) {
		m := get(r)
		return float64(m), m != 0
	}
}

// searchFields are the fields of POST /contacts/search filters, beside
// customFields.{id}. String comparisons are case-insensitive except for ids.
var searchFields = map[string]fieldSpec{
	"id":                 {ops: exactOps, each: plain(fID), exact: true},
	"contactName":        {ops: stringOps, each: plain(fContactName)},
	"firstName":          {ops: stringOps, each: plain(fFirst)},
	"firstNameLowerCase": {ops: stringOps, each: plain(fFirst)},
	"lastName":           {ops: stringOps, each: plain(fLast)},
	"lastNameLowerCase":  {ops: stringOps, each: plain(fLast)},
	"email":              {ops: stringOps, each: plain(fEmail)},
	"phone":              {ops: stringOps, each: plain(fPhone), phone: true},
	"companyName":        {ops: stringOps, each: plain(fCompany)},
	"businessName":       {ops: stringOps, each: plain(fCompany)},
	"type":               {ops: stringOps, each: plain(fType)},
	"source":             {ops: stringOps, each: plain(fSource)},
	"gender":             {ops: stringOps, each: plain(fGender)},
	"city":               {ops: stringOps, each: plain(fCity)},
	"state":              {ops: stringOps, each: plain(fState)},
	"country":            {ops: stringOps, each: plain(fCountry)},
	"postalCode":         {ops: stringOps, each: plain(fPostal)},
	"address":            {ops: stringOps, each: plain(fAddress)},
	"address1":           {ops: stringOps, each: plain(fAddress)},
	"website":            {ops: stringOps, each: plain(fWebsite)},
	"timezone":           {ops: stringOps, each: plain(fTimezone)},
	"tags":               {ops: stringOps, each: list(func(r *rec) []string { return r.tags })},
	"assignedTo":         {ops: exactOps, each: plain(fAssigned), exact: true},
	"businessId":         {ops: exactOps, each: plain(fBusiness), exact: true},
	"followers":          {ops: exactOps, each: list((*rec).followers), exact: true},
	"dnd":                {ops: booleanOps, boolean: func(r *rec) bool { return r.dnd }},
	"dateAdded":          {ops: dateOps, num: millis(func(r *rec) crm.Millis { return r.added }), dates: true},
	"dateUpdated":        {ops: dateOps, num: millis(func(r *rec) crm.Millis { return r.updated }), dates: true},
	"lastActivity":       {ops: dateOps, num: millis(func(r *rec) crm.Millis { return r.activity }), dates: true},
	"dateOfBirth": {ops: dateOps, num: func(r *rec) (float64, bool) {
		m, ok := dobMillis(r.get(fDOB))
		return float64(m), ok
	}, dates: true},
}

const customFieldPrefix = "customFields."

// customFieldSpec is the search field of a custom field, by its data type.
func customFieldSpec(def crm.CustomField) fieldSpec {
	id := def.ID
	value := func(r *rec) any {
		for _, f := range r.fields {
			if f.ID == id {
				return f.Value
			}
		}
		return nil
	}
	switch strings.ToUpper(def.DataType) {
	case "NUMERICAL", "MONETORY", "MONETARY":
		return fieldSpec{ops: numberOps, num: func(r *rec) (float64, bool) { return numberOf(value(r)) }}
	case "DATE":
		return fieldSpec{ops: dateOps, dates: true, num: func(r *rec) (float64, bool) {
			m, ok := instantOf(value(r))
			return float64(m), ok
		}}
	}
	each := func(r *rec, fn func(string) bool) bool {
		switch v := value(r).(type) {
		case string:
			return fn(v)
		case []string:
			for _, s := range v {
				if fn(s) {
					return true
				}
			}
		case float64:
			return fn(strconv.FormatFloat(v, 'f', -1, 64))
		case bool:
			return fn(strconv.FormatBool(v))
		}
		return false
	}
	switch strings.ToUpper(def.DataType) {
	case "CHECKBOX", "MULTIPLE_OPTIONS":
		return fieldSpec{ops: exactOps, each: each}
	}
	return fieldSpec{ops: stringOps, each: each}
}

// numberOf reads a numeric custom field value.
func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f)
	}
	return 0, false
}

// instantOf reads an instant: ms, or a date or date-time string.
func instantOf(v any) (crm.Millis, bool) {
	switch x := v.(type) {
	case float64:
		return crm.Millis(x), true
	case string:
		if m, ok := crm.ParseMillis(strings.TrimSpace(x)); ok {
			return m, true
		}
		if d, ok := crm.ParseDateOfBirth(x); ok {
			m, ok := dobMillis(d)
			return crm.Millis(m), ok
		}
	}
	return 0, false
}

// dobMillis converts YYYY-MM-DD to midnight UTC in ms without time.Parse,
// which would dominate a range scan over 100,000 contacts.
func dobMillis(s string) (int64, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(t string) (int, bool) {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return 0, false
			}
			n = n*10 + int(t[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 02-30 and the like
		return 0, false
	}
	return t.UnixMilli(), true
}

// pred is a compiled filter.
type pred func(r *rec) bool

// filterCompiler turns search filters into a pred, collecting every problem
// as a class-validator style message naming the filter by its path, e.g.
// "filters.1.filters.0.operator …".
type filterCompiler struct {
	info  *crm.Location
	phone func(string) string
	msgs  []string
}

func (fc *filterCompiler) fail(format string, args ...any) pred {
	fc.msgs = append(fc.msgs, fmt.Sprintf(format, args...))
	return nil
}

// all compiles filters that must all hold.
func (fc *filterCompiler) all(fs []crm.Filter, path string, depth int) pred {
	ps := make([]pred, 0, len(fs))
	for i := range fs {
		if p := fc.one(&fs[i], fmt.Sprintf("%s.%d", path, i), depth); p != nil {
			ps = append(ps, p)
		}
	}
	return and(ps)
}

func and(ps []pred) pred {
	switch len(ps) {
	case 0:
		return func(*rec) bool { return true }
	case 1:
		return ps[0]
	}
	return func(r *rec) bool {
		for _, p := range ps {
			if !p(r) {
				return false
			}
		}
		return true
	}
}

func or(ps []pred) pred {
	if len(ps) == 1 {
		return ps[0]
	}
	return func(r *rec) bool {
		for _, p := range ps {
			if p(r) {
				return true
			}
		}
		return false
	}
}

// nested compiles GHL's nested operator, which applies its filters to the
// contact's opportunities and holds when one of them satisfies them all. The
// mock holds no opportunities, so it holds for no contact; its shape is
// still checked, as far as it can be without the opportunity fields: field
// opportunities, and filters each with a field and a plain operator.
func (fc *filterCompiler) nested(f *crm.Filter, path string, depth int) pred {
	switch {
	case f.Field != "opportunities":
		return fc.fail("%s.field must be opportunities for the nested operator", path)
	case depth >= maxFilterDepth:
		return fc.fail("%s.filters must not be nested more than %d levels deep", path, maxFilterDepth)
	case len(f.Filters) == 0:
		return fc.fail("%s.filters should not be empty", path)
	}
	ok := true
	for i := range f.Filters {
		sub, at := &f.Filters[i], fmt.Sprintf("%s.filters.%d", path, i)
		switch {
		case sub.Group != "" || len(sub.Filters) > 0:
			fc.fail("%s must be a single condition on an opportunity field", at)
			ok = false
		case sub.Field == "":
			fc.fail("%s.field should not be empty", at)
			ok = false
		case !ops(operators...).has(sub.Operator):
			fc.fail("%s.operator must be one of the following values: %s", at, strings.Join(operators, ", "))
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return func(*rec) bool { return false }
}

func (fc *filterCompiler) one(f *crm.Filter, path string, depth int) pred {
	if f.Group != "" {
		g := strings.ToUpper(f.Group)
		switch {
		case g != "AND" && g != "OR":
			return fc.fail("%s.group must be one of the following values: AND, OR", path)
		case depth >= maxFilterDepth:
			return fc.fail("%s.filters must not be nested more than %d levels deep", path, maxFilterDepth)
		case len(f.Filters) == 0:
			return fc.fail("%s.filters should not be empty", path)
		}
		ps := make([]pred, 0, len(f.Filters))
		for i := range f.Filters {
			if p := fc.one(&f.Filters[i], fmt.Sprintf("%s.filters.%d", path, i), depth+1); p != nil {
				ps = append(ps, p)
			}
		}
		if len(ps) < len(f.Filters) {
			return nil
		}
		if g == "AND" {
			return and(ps)
		}
		return or(ps)
	}
	if f.Field == "" {
		return fc.fail("%s.field should not be empty", path)
	}
	op := f.Operator
	if op == opNested {
		return fc.nested(f, path, depth)
	}
	if !ops(operators...).has(op) {
		return fc.fail("%s.operator must be one of the following values: %s", path, operatorNames)
	}
	spec, ok := searchFields[f.Field]
	if !ok && strings.HasPrefix(f.Field, customFieldPrefix) {
		var def crm.CustomField
		if def, ok = fc.info.CustomFieldByIDOrKey(strings.TrimPrefix(f.Field, customFieldPrefix)); ok {
			spec = customFieldSpec(def)
		}
	}
	if !ok {
		return fc.fail("%s.field %s is not a supported search field", path, f.Field)
	}
	if !spec.ops.has(op) {
		return fc.fail("%s.operator %s is not supported for field %s", path, op, f.Field)
	}
	value := path + ".value"
	switch op {
	case opExists, opNotExists:
		p := spec.exists()
		if op == opNotExists {
			return not(p)
		}
		return p
	case opRange:
		return fc.rangeOf(spec, f.Value, value)
	}
	var p pred
	switch {
	case spec.boolean != nil:
		b, ok := boolOf(f.Value)
		if !ok {
			return fc.fail("%s must be a boolean value", value)
		}
		p = func(r *rec) bool { return spec.boolean(r) == b }
	case spec.num != nil:
		n, ok := fc.number(f.Value, value, false)
		if !ok {
			return nil
		}
		p = func(r *rec) bool { v, ok := spec.num(r); return ok && v == n }
	case op == opEq || op == opNotEq:
		vals, ok := fc.stringValues(f.Value, value, true)
		if !ok {
			return nil
		}
		p = spec.equals(vals, fc.phone)
	default:
		vals, ok := fc.stringValues(f.Value, value, false)
		if !ok {
			return nil
		}
		// The test closures are made once here: made inside the pred they
		// would be allocated for every contact.
		sub := vals[0]
		test := func(s string) bool { return strings.Contains(s, sub) }
		if !spec.exact {
			sub = strings.ToLower(sub)
			test = func(s string) bool { return containsFold(s, sub) }
		}
		p = func(r *rec) bool { return spec.each(r, test) }
	}
	if op == opNotEq || op == opNotContains {
		return not(p)
	}
	return p
}

func not(p pred) pred { return func(r *rec) bool { return !p(r) } }

func (spec fieldSpec) exists() pred {
	switch {
	case spec.boolean != nil:
		return func(*rec) bool { return true } // every contact has dnd
	case spec.num != nil:
		return func(r *rec) bool { _, ok := spec.num(r); return ok }
	}
	return func(r *rec) bool { return spec.each(r, nonEmpty) }
}

func nonEmpty(s string) bool { return s != "" }

// equals matches a field holding any of vals.
func (spec fieldSpec) equals(vals []string, phone func(string) string) pred {
	if spec.phone {
		for _, v := range vals {
			if n := phone(v); n != v {
				vals = append(vals, n)
			}
		}
	}
	test := func(s string) bool { return slices.Contains(vals, s) }
	if !spec.exact {
		low := make([]string, len(vals))
		for i, v := range vals {
			low[i] = strings.ToLower(v)
		}
		test = func(s string) bool {
			for _, v := range low {
				if eqFold(s, v) {
					return true
				}
			}
			return false
		}
	}
	return func(r *rec) bool { return spec.each(r, test) }
}

// strings reads a string value (a number is taken as its decimal form), or
// with many a list of them.
func (fc *filterCompiler) stringValues(v any, path string, many bool) ([]string, bool) {
	var vals []string
	switch x := v.(type) {
	case string:
		vals = []string{x}
	case []string:
		if !many {
			break
		}
		vals = x
	case []any:
		if !many {
			break
		}
		for _, e := range x {
			s, ok := scalarString(e)
			if !ok {
				fc.fail("%s must be a string or an array of strings", path)
				return nil, false
			}
			vals = append(vals, s)
		}
	default:
		if s, ok := scalarString(v); ok {
			vals = []string{s}
		}
	}
	if vals == nil {
		fc.fail("%s must be a string", path)
		return nil, false
	}
	if len(vals) == 0 {
		fc.fail("%s should not be empty", path)
		return nil, false
	}
	for _, s := range vals {
		if utf8.RuneCountInString(s) > maxValueLen {
			fc.fail("%s must be shorter than or equal to %d characters", path, maxValueLen)
			return nil, false
		}
	}
	return vals, true
}

func scalarString(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	if f, ok := toFloat(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	return "", false
}

func boolOf(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(x)
		return b, err == nil
	}
	return false, false
}

// number reads a number, or with dates an instant as ms or as a date string.
func (fc *filterCompiler) number(v any, path string, dates bool) (float64, bool) {
	if f, ok := toFloat(v); ok {
		return f, true
	}
	if s, ok := v.(string); ok {
		if utf8.RuneCountInString(s) > maxValueLen {
			fc.fail("%s must be shorter than or equal to %d characters", path, maxValueLen)
			return 0, false
		}
		if dates {
			if m, ok := instantOf(s); ok {
				return float64(m), true
			}
		} else if f, ok := numberOf(s); ok {
			return f, true
		}
	}
	if dates {
		fc.fail("%s must be a number of milliseconds or an ISO 8601 date", path)
	} else {
		fc.fail("%s must be a number", path)
	}
	return 0, false
}

// rangeOf compiles a range: {gt, gte, lt, lte}, plus low and high as
// aliases of gte and lte, which some third-party GHL references show.
func (fc *filterCompiler) rangeOf(spec fieldSpec, v any, path string) pred {
	m, ok := v.(map[string]any)
	if !ok {
		return fc.fail("%s must be an object with gt, gte, lt or lte", path)
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	loOpen, hiOpen := false, false
	n, errs := 0, len(fc.msgs)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // messages in a stable order
	for _, k := range keys {
		bv := m[k]
		switch k {
		case "gt", "gte", "low", "lt", "lte", "high":
		default:
			fc.fail("%s.%s should not exist", path, k)
			continue
		}
		n++
		b, ok := fc.number(bv, path+"."+k, spec.dates)
		if !ok {
			continue
		}
		switch k {
		case "gt":
			if b > lo || b == lo {
				lo, loOpen = b, true
			}
		case "gte", "low":
			if b > lo {
				lo, loOpen = b, false
			}
		case "lt":
			if b < hi || b == hi {
				hi, hiOpen = b, true
			}
		case "lte", "high":
			if b < hi {
				hi, hiOpen = b, false
			}
		}
	}
	if n == 0 {
		return fc.fail("%s must contain at least one of gt, gte, lt, lte", path)
	}
	if len(fc.msgs) > errs {
		return nil
	}
	return func(r *rec) bool {
		v, ok := spec.num(r)
		if !ok {
			return false
		}
		if v < lo || loOpen && v == lo || v > hi || hiOpen && v == hi {
			return false
		}
		return true
	}
}

// searchAfterNumber reads a date sort value of a search cursor.
func searchAfterNumber(v any) (int64, bool) {
	switch x := v.(type) {
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	f, ok := toFloat(v)
	return int64(f), ok && f == math.Trunc(f)
}
