package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/ghlmock/ghlmock/"

// layoutRules are the README's "Layout and development" table: for each
// folder (the longest matching prefix wins), the imports of this module and
// the third-party modules its non-test files may use. The standard library
// is always allowed.
var layoutRules = []struct {
	folder     string
	ours       []string // folders of this module it may import (prefixes)
	thirdParty []string // module path prefixes
}{
	{"openapi", nil, []string{"github.com/getkin/kin-openapi", "github.com/gorilla/mux"}},
	{"fixtures", nil, nil},
	{"mockserver", []string{"openapi", "mockserver/", "fixtures"}, []string{"github.com/getkin/kin-openapi", "github.com/gorilla/mux", "github.com/prometheus/client_golang"}},
	{"mockserver/crm", nil, nil},
	// The other subpackages of mockserver: the domain, each other, never
	// the server itself (mockserver/ root).
	{"mockserver/", []string{"mockserver/", "openapi", "fixtures"}, []string{
		"github.com/getkin/kin-openapi", "github.com/brianvoe/gofakeit/v7", "go.yaml.in/yaml/v3",
		"modernc.org/sqlite", "github.com/goccy/go-json", "github.com/golang-jwt/jwt/v5",
	}},
	// The Go test helper starts the mock, as httptest does a handler.
	{"mockserver/ghlmocktest", []string{"mockserver", "fixtures", "openapi"}, nil},
	{"contracttest", []string{"openapi", "fixtures", "contracttest"}, []string{"github.com/getkin/kin-openapi", "go.yaml.in/yaml/v3"}},
	// Only the in-process target may start the mock.
	{"contracttest/inproc", []string{"contracttest", "mockserver", "fixtures", "openapi"}, nil},
	{"cmd/", []string{""}, []string{""}},
}

func ruleFor(dir string) (ours, third []string) {
	best := -1
	for i, r := range layoutRules {
		if (dir == r.folder || strings.HasPrefix(dir, strings.TrimSuffix(r.folder, "/")+"/")) &&
			(best < 0 || len(r.folder) > len(layoutRules[best].folder)) {
			best = i
		}
	}
	if best < 0 {
		return nil, nil
	}
	return layoutRules[best].ours, layoutRules[best].thirdParty
}

// TestLayoutImports holds every package to the layout table: a folder only
// imports what the table allows, and nothing imports cmd.
func TestLayoutImports(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		require.NoError(t, err)
		ours, third := ruleFor(rel)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			checked++
			switch {
			case strings.HasPrefix(p, module):
				target := strings.TrimPrefix(p, module)
				assert.Falsef(t, strings.HasPrefix(target, "cmd/") && !strings.HasPrefix(rel, "cmd/"), "%s imports %s: nothing imports cmd", rel, p)
				assert.Truef(t, allowed(target, ours), "%s imports %s, which the layout table does not allow it", rel, p)
			case strings.Contains(strings.Split(p, "/")[0], "."):
				assert.Truef(t, allowed(p, third), "%s imports %s, which the layout table does not allow it", rel, p)
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, checked, 100, "the walk found the module's imports")
}

// allowed reports whether p is one of prefixes: "" allows anything, "x/"
// what is below x (not x itself), "x" x and what is below it.
func allowed(p string, prefixes []string) bool {
	for _, pre := range prefixes {
		switch {
		case pre == "", strings.HasSuffix(pre, "/") && strings.HasPrefix(p, pre):
			return true
		case !strings.HasSuffix(pre, "/") && (p == pre || strings.HasPrefix(p, pre+"/")):
			return true
		}
	}
	return false
}

func TestLayoutRulesCanFail(t *testing.T) {
	ours, third := ruleFor("mockserver/inmem")
	assert.False(t, allowed("mockserver", ours), "a mockserver subpackage may not import the server")
	assert.True(t, allowed("mockserver/crm", ours))
	assert.False(t, allowed("github.com/gorilla/mux", third))
	ours, _ = ruleFor("contracttest")
	assert.False(t, allowed("mockserver", ours), "the contract suite speaks HTTP, never the mock's Go types")
	ours, _ = ruleFor("mockserver/crm")
	assert.False(t, allowed("mockserver/inmem", ours), "the domain depends on nothing")
}
