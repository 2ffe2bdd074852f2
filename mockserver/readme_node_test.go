package mockserver_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nodeSnippet is the README's Node example: the ```js block after
// <!-- example: node --> (indented, in a list item).
var nodeSnippet = regexp.MustCompile("(?m)^([ \\t]*)<!-- example: node -->\\s*\n[ \\t]*```js\n((?s:.*?))\n[ \\t]*```")

// TestREADMENodeSnippet saves the README's Node example as a .js file, as a
// reader would, and runs it with node and the official SDK against the
// mock: it must print what its comment says.
func TestREADMENodeSnippet(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		cannotRun(t, os.Getenv, "node is not installed; .ci/run installs it (the README's Node example needs it)")
		return
	}
	raw, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	m := nodeSnippet.FindStringSubmatch(string(raw))
	require.NotNil(t, m, "the README's Node example is marked <!-- example: node -->")
	indent, body := m[1], m[2]
	var src strings.Builder
	for l := range strings.SplitSeq(body, "\n") {
		src.WriteString(strings.TrimPrefix(l, indent) + "\n")
	}
	want := regexp.MustCompile(`console\.log\(.*\); // (.+)`).FindStringSubmatch(src.String())
	require.NotNil(t, want, "the example's console.log says what it prints in a comment")
	require.Contains(t, src.String(), "'http://127.0.0.1:8080'")

	dir := sdkDir(t)
	h := setup(t)
	file := filepath.Join(t.TempDir(), "ada.js")
	require.NoError(t, os.WriteFile(file, []byte(strings.ReplaceAll(src.String(), "'http://127.0.0.1:8080'", "'"+h.ts.URL+"'")), 0o644))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "node ada.js: %s", out)
	assert.Equal(t, want[1]+"\n", string(out))
}
