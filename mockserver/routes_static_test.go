package mockserver_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryHandlerIsNamedAfterItsOperationId: in the table of handlers
// (routes.go), the handler of operationId get-contacts-by-businessId is
// s.getContactsByBusinessId, declared in a handlers_*.go file, so that a
// reader who starts from an operationId reaches its handler in one hop.
func TestEveryHandlerIsNamedAfterItsOperationId(t *testing.T) {
	fset := token.NewFileSet()
	declared := map[string]string{} // method name → file
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var table *ast.CompositeLit
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			declared[fn.Name.Name] = name
			if fn.Name.Name == "handlers" && name == "routes.go" {
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if cl, ok := n.(*ast.CompositeLit); ok && table == nil {
						table = cl
					}
					return table == nil
				})
			}
		}
	}
	require.NotNil(t, table, "routes.go: Server.handlers returns the table of handlers")
	require.NotEmpty(t, table.Elts)
	for _, el := range table.Elts {
		kv := el.(*ast.KeyValueExpr)
		lit, ok := kv.Key.(*ast.BasicLit)
		require.True(t, ok, "a key of the handler table is an operationId literal")
		id, err := strconv.Unquote(lit.Value)
		require.NoError(t, err)
		sel, ok := kv.Value.(*ast.SelectorExpr)
		if !assert.True(t, ok, "%s: the handler is a method of the server", id) {
			continue
		}
		assert.Equal(t, camel(id), sel.Sel.Name, "the handler of %s", id)
		file := declared[sel.Sel.Name]
		assert.True(t, strings.HasPrefix(file, "handlers_"), "%s is declared in %q, not in a handlers_*.go file", sel.Sel.Name, file)
	}
}

// camel writes an operationId in lower camel case: get-contacts-by-businessId
// is getContactsByBusinessId.
func camel(id string) string {
	parts := strings.Split(id, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// TestARequestIsRoutedOnce: in the server's own code, the only call of a
// Match method (the router's, Spec.Match, a Template's) is the one in
// Server.ServeHTTP; the path values it finds reach the handler from there.
// A handler or pipeline step that matched the request again would add a
// call and fail here.
func TestARequestIsRoutedOnce(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var calls []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			where := fn.Name.Name
			if fn.Recv != nil && len(fn.Recv.List) == 1 {
				if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); ok {
					if id, ok := star.X.(*ast.Ident); ok {
						where = id.Name + "." + where
					}
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					// A CORS preflight asks the router which methods its
					// path has (cors.go): it routes requests it makes up
					// for that, never the request being served again.
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Match" && where != "Server.routedMethods" {
						calls = append(calls, fmt.Sprintf("%s (%s)", where, fset.Position(call.Pos())))
					}
				}
				return true
			})
		}
	}
	require.Len(t, calls, 1, "Match calls in the server: %v", calls)
	assert.True(t, strings.HasPrefix(calls[0], "Server.ServeHTTP ("), calls[0])
}
