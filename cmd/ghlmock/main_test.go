package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/openapi"
)

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, &stdout, &stderr, func(string) string { return "" })
	return stdout.String(), stderr.String(), err
}

func TestSpecPrintsTheEmbeddedDocument(t *testing.T) {
	out, _, err := runCmd(t, "spec")
	require.NoError(t, err)
	assert.Equal(t, string(openapi.Document()), out)
	_, err = openapi.Parse(t.Context(), []byte(out))
	assert.NoError(t, err, "what spec prints is a valid document")
}

func TestVersion(t *testing.T) {
	out, _, err := runCmd(t, "version")
	require.NoError(t, err)
	assert.Regexp(t, `^ghlmock \S+`, out)
}

func TestUsageAndUnknownCommand(t *testing.T) {
	_, stderr, err := runCmd(t)
	assert.Equal(t, exitCode(2), err)
	assert.Contains(t, stderr, "Usage:")
	_, stderr, err = runCmd(t, "frobnicate")
	assert.Equal(t, exitCode(2), err)
	assert.Contains(t, stderr, `unknown command "frobnicate"`)
	out, _, err := runCmd(t, "help")
	require.NoError(t, err)
	assert.Contains(t, out, "ghlmock serve")
}
