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
	last  string   // the last segment when it is static and has no '%' (see MayMatchDecoded)
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
	if l := t.segs[len(t.segs)-1]; !l.param && !strings.Contains(l.static, "%") {
		t.last = l.static
	}
	return t
}

// MayMatchDecoded reports whether a request whose decoded path is decoded
// may fit the template; false means its escaped path cannot (Match would
// say no). It is a quick test on url.URL.Path, which is at hand, before
// Match on url.URL.EscapedPath, which is computed anew on every call: a
// router tries many templates, and most differ from the path in how many
// segments it has or in its last one.
//
// Why it never says no to a match: decoding leaves every literal '/' of the
// escaped path in place ('/' is no hex digit, so no escape spans one) and
// turns %2F into more of them, so the decoded path has at least the
// template's segments; a leading '/' in the decoded path is a literal one
// or a %2F, either way not one of the separators counted. And a last
// segment that is static and has no '%' comes through decoding as it is,
// after a '/' (or alone), with at most the one trailing '/' Match allows.
func (t Template) MayMatchDecoded(decoded string) bool {
	slashes := strings.Count(decoded, "/")
	if strings.HasPrefix(decoded, "/") {
		slashes--
	}
	if slashes < len(t.segs)-1 {
		return false
	}
	if t.last == "" {
		return true
	}
	d := strings.TrimSuffix(decoded, "/")
	if !strings.HasSuffix(d, t.last) {
		return false
	}
	before := d[:len(d)-len(t.last)]
	return len(t.segs) == 1 && (before == "" || before == "/") || strings.HasSuffix(before, "/")
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
