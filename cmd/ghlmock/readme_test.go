package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commandFlagSets are the flag sets of the commands, as -h prints them.
func commandFlagSets() map[string]*flag.FlagSet {
	sets := map[string]*flag.FlagSet{}
	for _, name := range []string{"serve", "contract", "fixtures", "health"} {
		fs := newFlagSet(name, &strings.Builder{})
		switch name {
		case "serve":
			new(serveFlags).register(fs)
		case "contract":
			new(contractFlags).register(fs)
		}
		sets[name] = fs
	}
	// fixtures' and health's flags are registered inside their commands: ask
	// -h for them.
	for _, name := range []string{"fixtures", "health"} {
		var stderr strings.Builder
		_ = run(context.Background(), []string{name, "-h"}, &strings.Builder{}, &stderr, func(string) string { return "" })
		fs := newFlagSet(name, &strings.Builder{})
		for _, m := range regexp.MustCompile(`(?m)^  --([a-z][a-z-]*)`).FindAllStringSubmatch(stderr.String(), -1) {
			fs.Bool(m[1], false, "")
		}
		sets[name] = fs
	}
	return sets
}

// TestREADMESpellsEveryFlag: every flag of every command is in the README,
// spelled --name as -h spells it, and every flag the README's table of
// serve's flags lists is one of serve's.
func TestREADMESpellsEveryFlag(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	require.NoError(t, err)
	readme := string(raw)
	for name, fs := range commandFlagSets() {
		n := 0
		fs.VisitAll(func(f *flag.Flag) {
			n++
			re := regexp.MustCompile("--" + regexp.QuoteMeta(f.Name) + `\b`)
			assert.Truef(t, re.MatchString(readme), "ghlmock %s --%s is not in the README", name, f.Name)
		})
		assert.NotZero(t, n, "%s has flags", name)
	}
	serve := commandFlagSets()["serve"]
	rows := 0
	for l := range strings.SplitSeq(readme, "\n") {
		if !strings.HasPrefix(l, "| `--") {
			continue
		}
		first := strings.SplitN(l, "|", 3)[1]
		for _, m := range regexp.MustCompile("`--([a-z][a-z-]*)").FindAllStringSubmatch(first, -1) {
			rows++
			assert.NotNil(t, serve.Lookup(m[1]), "the README's table lists --%s, which serve does not have", m[1])
		}
	}
	assert.Greater(t, rows, 10, "the README has serve's table of flags")
}

// githubAnchor is the anchor GitHub gives a heading.
func githubAnchor(heading string) string {
	h := strings.ToLower(strings.TrimSpace(heading))
	h = regexp.MustCompile(`[^a-z0-9 _-]`).ReplaceAllString(h, "")
	return strings.ReplaceAll(h, " ", "-")
}

// TestREADMELinks: every #anchor the README links to is one of its
// headings, and every file it links to exists.
func TestREADMELinks(t *testing.T) {
	root := repoRoot(t)
	for _, doc := range []string{"README.md", "docs/performance.md"} {
		raw, err := os.ReadFile(filepath.Join(root, doc))
		require.NoError(t, err)
		text := string(raw)
		anchors := map[string]bool{}
		fence := false
		for l := range strings.SplitSeq(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "```") {
				fence = !fence
			}
			if m := regexp.MustCompile(`^#{1,6} (.+)$`).FindStringSubmatch(l); m != nil && !fence {
				anchors[githubAnchor(m[1])] = true
			}
		}
		for _, m := range regexp.MustCompile(`\]\(([^)\s]+)\)`).FindAllStringSubmatch(text, -1) {
			link := m[1]
			switch {
			case strings.HasPrefix(link, "http://"), strings.HasPrefix(link, "https://"):
			case strings.HasPrefix(link, "#"):
				assert.True(t, anchors[link[1:]], "%s links to %s, which is no heading of it", doc, link)
			default:
				file, _, _ := strings.Cut(link, "#")
				_, err := os.Stat(filepath.Join(root, filepath.Dir(doc), filepath.FromSlash(file)))
				assert.NoError(t, err, "%s links to %s, which does not exist", doc, link)
			}
		}
	}
}

var ciRecipe = regexp.MustCompile("<!-- example: ci -->\\s*\n```sh\n((?s:.*?))```")

// TestREADMECIRecipe runs the README's CI recipe (the block marked
// <!-- example: ci -->) in a folder with ghlmock cloned into ./ghlmock, as
// it says: the mock on a free port instead of 8080, and the user's test
// command ("npm test") a request the integration would make.
func TestREADMECIRecipe(t *testing.T) {
	bash := requireTool(t, "bash")
	requireTool(t, "make")
	curl := requireTool(t, "curl")
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	m := ciRecipe.FindStringSubmatch(string(raw))
	require.NotNil(t, m, "the README's CI recipe is marked <!-- example: ci -->")
	recipe := m[1]
	require.Contains(t, recipe, " npm test ", "the recipe's stand-in for the user's tests")
	addr := freeAddr(t)
	recipe = strings.ReplaceAll(recipe, "127.0.0.1:8080", addr)
	recipe = strings.Replace(recipe, " npm test ", ` sh -c 'test "$(`+curl+` -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $GHL_TOKEN" -H "Version: 2021-07-28" "$GHL_BASE_URL/contacts/2NexTNy4UiJ1cLOoua11")" = 200' `, 1)

	ws := t.TempDir()
	copyTree(t, root, filepath.Join(ws, "ghlmock"), readIgnore(t, filepath.Join(root, ".dockerignore")))
	p := startProcess(t, ws, cleanEnv("GHLMOCK_ADDR="+addr), bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", recipe)
	t.Cleanup(func() { _ = p.signal(syscall.SIGTERM) }) // the mock the recipe left running
	require.NoError(t, p.wait(t, 5*time.Minute), "the recipe failed\n%s\nstdout: %s\nstderr: %s", recipe, p.stdout, p.stderr)
	assert.Contains(t, p.stdout.String(), "ghlmock health: ok")
	assert.Regexp(t, `(?m)^PASS: \d+ passed, 0 failed`, p.stdout.String())
	_, err = os.Stat(filepath.Join(ws, "ghlmock-contract.xml"))
	assert.NoError(t, err, "the JUnit report")
}
