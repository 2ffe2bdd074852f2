package contracttest_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnlyTheInProcessTargetKnowsTheMock: the runner judges any server by
// HTTP and the document alone, so only contracttest/inproc may import the
// mock's packages (and its tests, which run against it).
func TestOnlyTheInProcessTargetKnowsTheMock(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			assert.False(t, strings.HasPrefix(path, "github.com/ghlmock/ghlmock/mockserver"),
				"%s imports %s: only contracttest/inproc may", f, path)
			assert.NotEqual(t, "github.com/ghlmock/ghlmock/contracttest/inproc", path, "%s imports the in-process target", f)
		}
		checked++
	}
	assert.Positive(t, checked)
}
