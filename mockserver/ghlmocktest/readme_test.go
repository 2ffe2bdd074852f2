package ghlmocktest_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's Go snippets are marked with the file and function they are:
//
//	<!-- snippet: mockserver/ghlmocktest/example_test.go Example -->
//	```go
//	func Example() { … }
//	```
//
// and the shell recipe for depending on the module from a clone with
// <!-- recipe: go-replace --> before its ```sh block.

var snippetRE = regexp.MustCompile("<!-- snippet: (\\S+) (\\S+) -->\\s*\n```go\n((?s:.*?))```")

func readme(t *testing.T) (root string, text string) {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	return root, string(raw)
}

// funcSource is the source text of the top-level function name in file.
func funcSource(t *testing.T, file, name string) string {
	t.Helper()
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, raw, 0)
	require.NoError(t, err)
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
			return string(raw[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset])
		}
	}
	t.Fatalf("%s has no function %s", file, name)
	return ""
}

// TestREADMEGoSnippets: every marked Go snippet of the README is, word for
// word, a function of the tests that run (an Example with its // Output:,
// or a Test), so the README's Go cannot rot.
func TestREADMEGoSnippets(t *testing.T) {
	root, text := readme(t)
	matches := snippetRE.FindAllStringSubmatch(text, -1)
	require.GreaterOrEqual(t, len(matches), 4, "the README's Go snippets are marked")
	seen := map[string]bool{}
	for _, m := range matches {
		file, name, snippet := m[1], m[2], m[3]
		require.True(t, strings.HasSuffix(file, "_test.go"), "%s: a snippet is a test or an example", file)
		want := funcSource(t, filepath.Join(root, filepath.FromSlash(file)), name)
		assert.Equal(t, want+"\n", snippet, "the README's snippet %s differs from %s's: copy the function into the README", name, file)
		if strings.HasPrefix(name, "Example") {
			assert.Contains(t, snippet, "// Output:", "%s shows what it prints", name)
		}
		seen[name] = true
	}
	for _, name := range []string{"Example", "Example_failTwiceThenSucceed", "Example_rateLimit", "TestSignupCreatesAContact"} {
		assert.True(t, seen[name], "the README shows %s", name)
	}
}

var recipeRE = regexp.MustCompile("<!-- recipe: go-replace -->\\s*\n```sh\n((?s:.*?))```")

// TestDependingOnTheModuleFromAClone follows the README's recipe in a new
// module beside a clone, whose test imports ghlmocktest: go mod edit's
// require and replace, then go mod tidy; the README's New(t) test then runs
// there. It uses only the module
// cache (GOPROXY=off), and the module's own go.mod must be tidy — its
// direct dependencies not marked // indirect — for that to work.
func TestDependingOnTheModuleFromAClone(t *testing.T) {
	goBin, err := exec.LookPath("go")
	require.NoError(t, err)
	root, text := readme(t)
	m := recipeRE.FindStringSubmatch(text)
	require.NotNil(t, m, "the README has the go-replace recipe, marked")
	recipe := m[1]
	require.Contains(t, recipe, "../ghlmock", "the recipe's clone is ../ghlmock, beside the module")

	// GOSUMDB=off: the checksums come from the module cache, as no
	// checksum database is reachable from the tests (a user's go mod tidy
	// asks sum.golang.org).
	env := append(os.Environ(), "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	run := func(dir string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s\n%s", name, strings.Join(args, " "), out)
		return string(out)
	}
	// The module's own go.mod is tidy: what go mod tidy would write.
	run(root, goBin, "mod", "tidy", "-diff")

	parent := t.TempDir()
	require.NoError(t, os.Symlink(root, filepath.Join(parent, "ghlmock")))
	bot := filepath.Join(parent, "bot")
	require.NoError(t, os.Mkdir(bot, 0o755))
	run(bot, goBin, "mod", "init", "example.com/bot")

	// The README's test, with the client functions it calls; then the recipe.
	examples := filepath.Join(root, "mockserver", "ghlmocktest", "example_test.go")
	src := "package bot_test\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n\t\"strings\"\n\t\"testing\"\n\n\t\"github.com/ghlmock/ghlmock/mockserver/ghlmocktest\"\n)\n\n" +
		funcSource(t, examples, "getContact") + "\n\n" + funcSource(t, examples, "createContact") + "\n\n" +
		funcSource(t, examples, "TestSignupCreatesAContact") + "\n\nvar _ = json.Marshal\n"
	require.NoError(t, os.WriteFile(filepath.Join(bot, "bot_test.go"), []byte(src), 0o644))
	run(bot, "sh", "-ec", recipe)
	gomod, err := os.ReadFile(filepath.Join(bot, "go.mod"))
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^require github.com/ghlmock/ghlmock v0.0.0$|^\tgithub.com/ghlmock/ghlmock v0.0.0$`, string(gomod))
	assert.Contains(t, string(gomod), "replace github.com/ghlmock/ghlmock => ../ghlmock")
	out := run(bot, goBin, "test", "-count=1", "-run", "TestSignupCreatesAContact", "-v", "./...")
	assert.Contains(t, out, "--- PASS: TestSignupCreatesAContact")
}
