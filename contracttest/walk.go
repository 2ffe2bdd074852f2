package contracttest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ghlmock/ghlmock/openapi"
)

// Walk pages through a list from the step's request to the last page, and
// judges what a real API must keep consistent across the pages: every item
// comes once, the items add up to the total the pages state (the same on
// every page), the next page is reached by what the answer says (a link that
// answers, or cursor values), and the walk ends within MaxPages.
type Walk struct {
	// Items is the path of each page's array of items.
	Items Path
	// ID is the path, inside an item, of what tells items apart.
	ID Path
	// Total is the path of the total the pages must add up to.
	Total Path
	// Next says how the next page is asked for: exactly one of them.
	Next WalkNext
	// MaxPages bounds the walk (default 10): a list whose last page is not
	// reached by then fails.
	MaxPages int
	Line     int
}

// WalkNext is how a walk asks for the next page.
type WalkNext struct {
	// Link is the path of a URL in the answer (meta.nextPageUrl) that is
	// followed as it is; it must point at the target. Missing, null or ""
	// means the last page.
	Link *Path
	// Query sets these query parameters of the request from the answer's
	// values at the paths (startAfter: meta.startAfter); one missing or null
	// means the last page.
	Query []walkParam
	// Body sets these keys of the request body from the answer's values at
	// the paths (searchAfter: contacts[-1].searchAfter).
	Body []walkParam
}

type walkParam struct {
	name string
	path Path
}

const defaultMaxPages = 10

func (p *parser) walk(n *yaml.Node) *Walk {
	w := &Walk{Line: n.Line, MaxPages: defaultMaxPages}
	path := func(v *yaml.Node, what string) Path {
		s := p.str(v, what)
		pp, err := ParsePath(s)
		if err != nil {
			p.errorf(v, "walk %s: %v", what, err)
		}
		return pp
	}
	params := func(v *yaml.Node, what string) []walkParam {
		if !p.kind(v, yaml.MappingNode, "walk next."+what+" must be a mapping of names to JSON paths of the answer") {
			return nil
		}
		var out []walkParam
		for i := 0; i+1 < len(v.Content); i += 2 {
			out = append(out, walkParam{name: v.Content[i].Value, path: path(v.Content[i+1], "next."+what+"."+v.Content[i].Value)})
		}
		if len(out) == 0 {
			p.errorf(v, "walk next.%s must name at least one value", what)
		}
		return out
	}
	idSet := false
	p.mapping(n, "walk", map[string]func(*yaml.Node){
		"items": func(v *yaml.Node) { w.Items = path(v, "items") },
		"id":    func(v *yaml.Node) { w.ID, idSet = path(v, "id"), true },
		"total": func(v *yaml.Node) { w.Total = path(v, "total") },
		"next": func(v *yaml.Node) {
			p.mapping(v, "walk next", map[string]func(*yaml.Node){
				"link":  func(l *yaml.Node) { lp := path(l, "next.link"); w.Next.Link = &lp },
				"query": func(q *yaml.Node) { w.Next.Query = params(q, "query") },
				"body":  func(b *yaml.Node) { w.Next.Body = params(b, "body") },
			})
			ways := 0
			for _, set := range []bool{w.Next.Link != nil, w.Next.Query != nil, w.Next.Body != nil} {
				if set {
					ways++
				}
			}
			if ways != 1 {
				p.errorf(v, "walk next needs exactly one of link, query, body")
			}
		},
		"maxPages": func(v *yaml.Node) { w.MaxPages = p.integer(v, "maxPages", 2) },
	}, "items", "total", "next")
	if !idSet {
		w.ID, _ = ParsePath("id")
	}
	return w
}

// walk sends the step's request, then the next pages. Every page is checked
// against the document and the step's expectations; the first page is the
// one captures read.
func (r *runner) walk(ctx context.Context, sc *Scenario, st *Step, p *prepared, op *openapi.Operation, params map[string]string,
	s *scope, opt SendOptions) (*Exchange, []finding, any, error) {
	w := st.Walk
	var (
		fs        []finding
		first     *Exchange
		firstBody any
		total     any
		totalSeen bool
		seen      = map[string]int{} // id → page
		items     int
		complete  bool // the walk reached the last page
	)
	pathQuery, reqBody := p.pathQuery, p.body
	page := 1
	for ; ; page++ {
		ex, err := r.client.Do(ctx, p.method, pathQuery, p.header, reqBody, opt)
		if err != nil {
			return nil, nil, nil, err
		}
		body := r.observe(sc, op, params, ex)
		tag := func(f finding) finding {
			f.found += fmt.Sprintf(" (page %d: %s)", page, pathQuery)
			return f
		}
		for _, f := range r.judge(ctx, st, op, params, ex, body, s) {
			fs = append(fs, tag(f))
		}
		if first == nil {
			first, firstBody = ex, body
		}
		if ex.Status/100 != 2 {
			break // the status is already reported; a refused page has no items
		}
		list, ok := w.Items.Lookup(body)
		arr, isArr := list.([]any)
		if !ok || !isArr {
			fs = append(fs, tag(finding{where: w.Items.String(), expected: "an array of items", found: foundText(list, ok), source: SourceWalk}))
			break
		}
		t, ok := w.Total.Lookup(body)
		switch {
		case !ok:
			fs = append(fs, tag(finding{where: w.Total.String(), expected: "the total of the list", found: "missing", source: SourceWalk}))
		case !totalSeen:
			total, totalSeen = t, true
		case !jsonEqual(t, total):
			fs = append(fs, tag(finding{where: w.Total.String(), expected: "the same total on every page: " + show(total), found: show(t), source: SourceWalk}))
		}
		for i, it := range arr {
			id, ok := w.ID.Lookup(it)
			key := stringify(id)
			if !ok || id == nil {
				fs = append(fs, tag(finding{where: fmt.Sprintf("%s[%d].%s", w.Items, i, w.ID), expected: "an item id", found: "missing", source: SourceWalk}))
				continue
			}
			if prev, dup := seen[key]; dup {
				fs = append(fs, tag(finding{where: w.Items.String(), expected: "each item on one page only",
					found: fmt.Sprintf("%s %s again, first seen on page %d", w.ID, show(id), prev), source: SourceWalk}))
				continue
			}
			seen[key] = page
			items++
		}
		if len(arr) == 0 {
			complete = true
			break
		}
		next, nextBody, found, more := r.nextPage(w, body, pathQuery, reqBody)
		if found != nil {
			fs = append(fs, tag(*found))
			break
		}
		if !more {
			complete = true
			break
		}
		if page == w.MaxPages {
			fs = append(fs, tag(finding{where: "walk", expected: fmt.Sprintf("the last page within %d pages", w.MaxPages),
				found: fmt.Sprintf("page %d still has a next page", page), source: SourceWalk}))
			return first, fs, firstBody, nil
		}
		if nop, _, err := r.spec.Match(p.method, next); err != nil || nop.ID != op.ID {
			routed := "no operation"
			if err == nil {
				routed = nop.ID
			}
			fs = append(fs, tag(finding{where: nextWhere(w), expected: "a next page of " + op.ID, found: show(next) + " routes to " + routed, source: SourceWalk}))
			break
		}
		pathQuery, reqBody = next, nextBody
	}
	if complete && totalSeen {
		if n, ok := toFloat(total); !ok || int(n) != items || float64(int(n)) != n {
			fs = append(fs, finding{where: w.Total.String(), expected: fmt.Sprintf("the total the pages add up to: %d distinct items in %d pages", items, page),
				found: show(total), source: SourceWalk})
		}
	}
	return first, fs, firstBody, nil
}

func nextWhere(w *Walk) string {
	switch {
	case w.Next.Link != nil:
		return w.Next.Link.String()
	case w.Next.Query != nil:
		return "query"
	}
	return "body"
}

func foundText(v any, ok bool) string {
	if !ok {
		return "missing"
	}
	return show(v)
}

// nextPage works out the request for the page after body. more is false on
// the last page; found reports a next page that cannot be asked for.
func (r *runner) nextPage(w *Walk, body any, pathQuery string, reqBody []byte) (next string, nextBody []byte, found *finding, more bool) {
	switch {
	case w.Next.Link != nil:
		v, ok := w.Next.Link.Lookup(body)
		if !ok || v == nil || v == "" {
			return "", nil, nil, false
		}
		link, isStr := v.(string)
		if !isStr {
			return "", nil, &finding{where: w.Next.Link.String(), expected: "a URL", found: show(v), source: SourceWalk}, false
		}
		rel, err := r.onTarget(link)
		if err != nil {
			return "", nil, &finding{where: w.Next.Link.String(), expected: "a link that can be followed: " + r.target.BaseURL + "/…",
				found: show(link) + ": " + err.Error(), source: SourceWalk}, false
		}
		return rel, reqBody, nil, true
	case w.Next.Query != nil:
		path, query, _ := strings.Cut(pathQuery, "?")
		var parts []string
		if query != "" {
			parts = strings.Split(query, "&")
		}
		for _, prm := range w.Next.Query {
			v, ok := prm.path.Lookup(body)
			if !ok || v == nil {
				return "", nil, nil, false
			}
			kv := url.QueryEscape(prm.name) + "=" + url.QueryEscape(stringify(v))
			replaced := false
			for i, part := range parts {
				if k, _, _ := strings.Cut(part, "="); k == url.QueryEscape(prm.name) {
					parts[i], replaced = kv, true
				}
			}
			if !replaced {
				parts = append(parts, kv)
			}
		}
		return path + "?" + strings.Join(parts, "&"), reqBody, nil, true
	}
	obj := map[string]any{}
	if len(reqBody) > 0 {
		if err := json.Unmarshal(reqBody, &obj); err != nil {
			return "", nil, &finding{where: "body", expected: "a JSON object body to set the cursor in", found: err.Error(), source: SourceRunner}, false
		}
	}
	for _, prm := range w.Next.Body {
		v, ok := prm.path.Lookup(body)
		if !ok || v == nil {
			return "", nil, nil, false
		}
		obj[prm.name] = v
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return "", nil, &finding{where: "body", expected: "a body", found: err.Error(), source: SourceRunner}, false
	}
	return pathQuery, b, nil, true
}

// onTarget turns an absolute link into the path and query to send to the
// target; a link to another host (or scheme, or outside the base path) is an
// error, since it would not reach the API being judged.
func (r *runner) onTarget(link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", err
	}
	base, err := url.Parse(r.target.BaseURL)
	if err != nil {
		return "", err
	}
	if !u.IsAbs() {
		return "", fmt.Errorf("not an absolute URL")
	}
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return "", fmt.Errorf("it points at %s://%s, not at the target", u.Scheme, u.Host)
	}
	rel, ok := strings.CutPrefix(u.EscapedPath(), strings.TrimSuffix(base.EscapedPath(), "/"))
	if !ok || !strings.HasPrefix(rel, "/") {
		return "", fmt.Errorf("its path is outside the target's %s", base.Path)
	}
	if u.RawQuery != "" {
		rel += "?" + u.RawQuery
	}
	return rel, nil
}
