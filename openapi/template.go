package openapi

import "strings"

// MaxParams is the most path parameters any template of the document has.
const MaxParams = 4

// Template is a compiled path template such as /contacts/{contactId}/tasks.
// Matching allocates nothing, and treats a trailing slash as optional, as
// Express (and so GHL) does.
type Template struct {
	segs  []tsegment
	names []string // parameter names in order
}

type tsegment struct {
	static string // the literal segment, when param is false
	param  bool
}

// CompileTemplate compiles an OpenAPI path template.
func CompileTemplate(path string) Template {
	var t Template
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if isParam(seg) {
			t.segs = append(t.segs, tsegment{param: true})
			t.names = append(t.names, seg[1:len(seg)-1])
			continue
		}
		t.segs = append(t.segs, tsegment{static: seg})
	}
	if len(t.names) > MaxParams {
		panic("openapi: template " + path + " has more than MaxParams parameters")
	}
	return t
}

// Names are the template's parameter names, in order.
func (t Template) Names() []string { return t.names }

// Match reports whether path (as sent, still escaped) fits the template and
// returns the raw values of its parameters, in the order of Names. A
// parameter matches one non-empty segment.
func (t Template) Match(path string) (values [MaxParams]string, ok bool) {
	p := strings.TrimPrefix(path, "/")
	if len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	n := 0
	for i, seg := range t.segs {
		cur, rest, more := strings.Cut(p, "/")
		last := i == len(t.segs)-1
		if more == last { // too many segments, or too few
			return values, false
		}
		p = rest
		if seg.param {
			if cur == "" {
				return values, false
			}
			values[n] = cur
			n++
		} else if cur != seg.static {
			return values, false
		}
	}
	return values, true
}
