package contracttest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Path is a location in a JSON document, in the scenario files' small syntax:
//
//	contact.id              a key of an object
//	contact.tags[0]         an element of an array, from 0
//	contacts[-1].id         counted from the end: the last element
//	contacts[*].id          every element: the result is the list of their values
//	meta["nextPageUrl"]     a key in brackets, for keys with dots or brackets
//	$                       the whole document
//
// A path with [*] always yields a list (empty when the array is empty).
type Path struct {
	text string
	segs []pathSeg
}

type pathSeg struct {
	key      string
	index    int
	isIndex  bool
	wildcard bool
}

// String returns the path as written.
func (p Path) String() string { return p.text }

// HasWildcard reports whether the path contains [*].
func (p Path) HasWildcard() bool {
	for _, s := range p.segs {
		if s.wildcard {
			return true
		}
	}
	return false
}

// ParsePath parses the path syntax above.
func ParsePath(s string) (Path, error) {
	p := Path{text: s}
	if s == "$" {
		return p, nil
	}
	if s == "" {
		return p, errors.New("empty path")
	}
	i := 0
	expectKey := true
	for i < len(s) {
		switch c := s[i]; {
		case c == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return p, fmt.Errorf("path %q: unclosed [ at %d", s, i)
			}
			inner := s[i+1 : i+end]
			switch {
			case inner == "*":
				p.segs = append(p.segs, pathSeg{wildcard: true})
			case len(inner) >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[len(inner)-1] == inner[0]:
				p.segs = append(p.segs, pathSeg{key: inner[1 : len(inner)-1]})
			default:
				n, err := strconv.Atoi(inner)
				if err != nil {
					return p, fmt.Errorf("path %q: [%s] is not an index, [*] or a quoted key", s, inner)
				}
				p.segs = append(p.segs, pathSeg{index: n, isIndex: true})
			}
			i += end + 1
			expectKey = false
		case c == '.':
			if expectKey {
				return p, fmt.Errorf("path %q: empty key at %d", s, i)
			}
			i++
			expectKey = true
			if i == len(s) {
				return p, fmt.Errorf("path %q ends with a dot", s)
			}
		default:
			if !expectKey {
				return p, fmt.Errorf("path %q: expected . or [ at %d", s, i)
			}
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' && s[j] != ']' {
				j++
			}
			if j < len(s) && s[j] == ']' {
				return p, fmt.Errorf("path %q: unexpected ] at %d", s, j)
			}
			p.segs = append(p.segs, pathSeg{key: s[i:j]})
			i = j
			expectKey = false
		}
	}
	return p, nil
}

// MustParsePath is ParsePath for paths known to be valid; it panics otherwise.
func MustParsePath(s string) Path {
	p, err := ParsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}

// Lookup evaluates the path in a decoded JSON document (maps, slices, strings,
// float64 or json.Number, bools and nil). found is false when a key or index
// does not exist; a wildcard path is always found and yields a []any.
func (p Path) Lookup(doc any) (value any, found bool) {
	return lookup(doc, p.segs)
}

func lookup(v any, segs []pathSeg) (any, bool) {
	if len(segs) == 0 {
		return v, true
	}
	s := segs[0]
	switch {
	case s.wildcard:
		arr, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := make([]any, 0, len(arr))
		for _, el := range arr {
			if got, ok := lookup(el, segs[1:]); ok {
				if sub, isList := got.([]any); isList && hasWildcard(segs[1:]) {
					out = append(out, sub...)
				} else {
					out = append(out, got)
				}
			}
		}
		return out, true
	case s.isIndex:
		arr, ok := v.([]any)
		if !ok {
			return nil, false
		}
		i := s.index
		if i < 0 {
			i += len(arr)
		}
		if i < 0 || i >= len(arr) {
			return nil, false
		}
		return lookup(arr[i], segs[1:])
	default:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		el, ok := obj[s.key]
		if !ok {
			return nil, false
		}
		return lookup(el, segs[1:])
	}
}

func hasWildcard(segs []pathSeg) bool {
	for _, s := range segs {
		if s.wildcard {
			return true
		}
	}
	return false
}

// pointerToPath turns a JSON pointer's segments (as kin-openapi reports them)
// into the path syntax: ["contacts","0","id"] → contacts[0].id.
func pointerToPath(segs []string) string {
	if len(segs) == 0 {
		return "$"
	}
	var b strings.Builder
	for _, s := range segs {
		if _, err := strconv.Atoi(s); err == nil {
			b.WriteString("[" + s + "]")
			continue
		}
		if strings.ContainsAny(s, ".[]") {
			b.WriteString(`["` + s + `"]`)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}
