package main

import (
	"context"
	"fmt"
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

// The README's shell examples, run in order against a fresh mock.
//
// A ```sh block preceded by <!-- example: run --> is run (all such blocks
// in one bash session, in the README's order, so variables carry over). In
// it, lines of the form
//
//	# → {"new":false,"id":"2NexTNy4UiJ1cLOoua11"}
//
// are the output of the command just before (several in a row: several
// lines of output); the output of a command with none after it is not
// checked. A fenced block preceded by <!-- example: output --> is the
// output of the last command of the run block before it; its lines are
// joined and its spaces ignored (JSON wrapped for reading). In both, …
// stands for anything, and runs of spaces count as one. The README's
// address http://127.0.0.1:8080 is the test mock's, started with --now
// 2026-11-22T09:00:00Z as the README says its answers are. A command is what bash
// reads as one: lines are joined until `bash -n` finds them complete.

const readmeAddr = "http://127.0.0.1:8080"

var exampleMarker = regexp.MustCompile("(?m)^<!-- example: (run|output) -->\\s*\n```[a-z]*\n((?s:.*?))^```")

// readmeSegment is commands and the output the README shows for them.
type readmeSegment struct {
	commands string
	want     []string // lines; nil: not shown
	joined   bool     // want is one JSON text wrapped over lines
	line     int      // README line of the expectation
}

func parseREADMEExamples(t *testing.T, text string) []readmeSegment {
	t.Helper()
	var segs []readmeSegment
	for _, m := range exampleMarker.FindAllStringSubmatchIndex(text, -1) {
		kind, body := text[m[2]:m[3]], text[m[4]:m[5]]
		startLine := strings.Count(text[:m[4]], "\n") + 1
		if kind == "output" {
			require.NotEmpty(t, segs, "README line %d: an output block follows a run block", startLine)
			last := &segs[len(segs)-1]
			require.Nil(t, last.want, "README line %d: the commands before this output block already show their output", startLine)
			last.want, last.joined, last.line = strings.Split(strings.TrimRight(body, "\n"), "\n"), true, startLine
			continue
		}
		var cmd strings.Builder
		lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
		for i, l := range lines {
			if out, ok := strings.CutPrefix(strings.TrimSpace(l), "# → "); ok {
				require.True(t, cmd.Len() == 0 && len(segs) > 0, "README line %d: an answer follows a whole command", startLine+i)
				last := &segs[len(segs)-1]
				last.want, last.line = append(last.want, out), startLine+i
				continue
			}
			cmd.WriteString(l + "\n")
			if complete(t, cmd.String()) {
				segs = append(segs, readmeSegment{commands: cmd.String(), line: startLine + i})
				cmd.Reset()
			}
		}
		require.Zero(t, cmd.Len(), "README line %d: the block ends in the middle of a command:\n%s", startLine+len(lines), cmd.String())
	}
	return segs
}

// complete reports whether bash reads the lines as whole commands (no
// open quote, no trailing backslash, no unfinished for … done).
func complete(t *testing.T, lines string) bool {
	t.Helper()
	if strings.HasSuffix(strings.TrimRight(lines, "\n"), `\`) {
		return false
	}
	bash, err := exec.LookPath("bash")
	require.NoError(t, err)
	return exec.Command(bash, "-n", "-c", lines).Run() == nil
}

var spaces = regexp.MustCompile(`\s+`)

// normalize trims a line and counts runs of spaces as one.
func normalize(s string) string { return spaces.ReplaceAllString(strings.TrimSpace(s), " ") }

// matchesShown reports whether got is what want shows, … matching anything.
func matchesShown(want, got string) bool {
	parts := strings.Split(want, "…")
	for i, p := range parts {
		if i > 0 {
			p = strings.TrimLeft(p, " ")
		}
		if i < len(parts)-1 {
			p = strings.TrimRight(p, " ")
		}
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`^` + strings.Join(parts, `.*`) + `$`).MatchString(got)
}

// compareSegment says how got differs from what the segment shows, or "".
func compareSegment(s readmeSegment, got string) string {
	got = strings.Trim(got, "\n")
	if s.joined {
		w := spaces.ReplaceAllString(strings.Join(s.want, ""), "")
		g := spaces.ReplaceAllString(got, "")
		if !matchesShown(w, g) {
			return fmt.Sprintf("shown:  %s\nanswer: %s", w, g)
		}
		return ""
	}
	gotLines := strings.Split(got, "\n")
	if got == "" {
		gotLines = nil
	}
	if len(gotLines) != len(s.want) {
		return fmt.Sprintf("shown %d lines, answered %d:\nshown:\n%s\nanswer:\n%s", len(s.want), len(gotLines), strings.Join(s.want, "\n"), got)
	}
	for i := range s.want {
		if !matchesShown(normalize(s.want[i]), normalize(gotLines[i])) {
			return fmt.Sprintf("line %d:\nshown:  %s\nanswer: %s", i+1, s.want[i], gotLines[i])
		}
	}
	return ""
}

func TestREADMEMatcher(t *testing.T) {
	assert.True(t, matchesShown(`{"id":"x","traceId":"…"}`, `{"id":"x","traceId":"5f0c-1"}`))
	assert.True(t, matchesShown(`{"a":1, … }`, `{"a":1,"b":2}`))
	assert.False(t, matchesShown(`{"id":"x"}`, `{"id":"y"}`))
	assert.False(t, matchesShown(`100 200`, `99 200`))
	requireTool(t, "bash")
	segs := parseREADMEExamples(t, "<!-- example: run -->\n```sh\necho a\n# → a\necho x\necho b; echo c\n# → b\n# → c\necho 'd\ne' \\\n  f\n```\n\n<!-- example: output -->\n```json\n{\"d\":\n \"e\"}\n```\n")
	require.Len(t, segs, 4)
	assert.Equal(t, []string{"a"}, segs[0].want)
	assert.Nil(t, segs[1].want, "echo x shows no answer")
	assert.Equal(t, "echo b; echo c\n", segs[2].commands)
	assert.Equal(t, []string{"b", "c"}, segs[2].want)
	assert.Equal(t, "echo 'd\ne' \\\n  f\n", segs[3].commands, "a quoted newline and a backslash continue the command")
	assert.True(t, segs[3].joined)
	assert.Empty(t, compareSegment(segs[3], "{\"d\": \"e\"}"))
	assert.NotEmpty(t, compareSegment(segs[2], "b\n"))
}

// TestREADMEShellExamples runs the README's marked shell examples in order
// against a fresh mock and fails where an answer differs from what the
// README shows, or a command writes to stderr.
func TestREADMEShellExamples(t *testing.T) {
	bash := requireTool(t, "bash")
	requireTool(t, "curl")
	requireTool(t, "jq")
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	require.NoError(t, err)
	segs := parseREADMEExamples(t, string(raw))
	shown := 0
	for _, s := range segs {
		if s.want != nil {
			shown++
		}
	}
	require.GreaterOrEqual(t, shown, 8, "the README's examples are marked, with their answers")

	// ghlmock on PATH, as make install puts it, for the examples that run it.
	binDir := t.TempDir()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err)
	out, code := runIn(t, ".", cleanEnv(), goBin, "build", "-o", filepath.Join(binDir, "ghlmock"), ".")
	require.Zero(t, code, out)

	// The README's answers are those of a mock started at the instant it
	// names, so that its dates are the same on any day.
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--now", "2026-11-22T09:00:00Z")
	const sep = "<<<ghlmock-readme-segment>>>"
	var script strings.Builder
	for _, s := range segs {
		script.WriteString(strings.ReplaceAll(s.commands, readmeAddr, base))
		script.WriteString("\nprintf '\\n%s\\n' '" + sep + "'\n")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "--noprofile", "--norc", "-c", script.String())
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv("PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"))
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())
	outs := strings.Split(stdout.String(), "\n"+sep+"\n")
	require.Len(t, outs, len(segs)+1, "every segment ran")
	for i, s := range segs {
		if s.want == nil {
			continue
		}
		for j := range s.want {
			s.want[j] = strings.ReplaceAll(s.want[j], readmeAddr, base)
		}
		if diff := compareSegment(s, outs[i]); diff != "" {
			t.Errorf("README line %d: the answer differs from what the README shows\ncommands:\n%s%s", s.line, s.commands, diff)
		}
	}
	assert.Empty(t, stderr.String(), "the README's commands wrote to stderr")
}
