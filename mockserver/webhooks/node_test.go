package webhooks_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// nodePath returns the node binary. The differential tests need node itself,
// since the point is to agree with JavaScript; without it they skip and say
// why, except under CI=true, where a missing node is a failure: a CI run
// must not pass by skipping them.
func nodePath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node is not installed, and CI=true requires it: the webhook body and signature tests compare against Node's JSON.stringify and crypto.verify")
		}
		t.Skip("node is not installed: this test compares the webhook encoder and signatures with Node's JSON.stringify and crypto.verify")
	}
	return path
}

// runNode runs script with node, feeds it one JSON line per input and
// decodes one JSON line of output per input into out (a pointer to a slice).
func runNode(t *testing.T, script string, inputs []any, out any) {
	t.Helper()
	node := nodePath(t)
	var stdin bytes.Buffer
	enc := json.NewEncoder(&stdin)
	for _, in := range inputs {
		require.NoError(t, enc.Encode(in))
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "-e", script)
	cmd.Stdin = &stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "node: %s", stderr.String())

	var lines []json.RawMessage
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		lines = append(lines, append(json.RawMessage(nil), sc.Bytes()...))
	}
	require.NoError(t, sc.Err())
	require.Len(t, lines, len(inputs), "node answered every input; stderr: %s", stderr.String())
	raw, err := json.Marshal(lines)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, out))
}

// nodeLines is the prologue of every node script: it calls handle for each
// line of stdin and prints what handle returns as one JSON line.
const nodeLines = `
const readline = require('readline');
const crypto = require('crypto');
const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
const b64 = (s) => Buffer.from(s, 'base64');
rl.on('line', (line) => { if (line) process.stdout.write(JSON.stringify(handle(JSON.parse(line))) + '\n'); });
`
