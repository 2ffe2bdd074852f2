package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// TestOAuthAuthorizeAndDecode: ghlmock oauth authorize --exchange against a
// running mock prints GHL's token answer; ghlmock oauth decode prints its
// claims.
func TestOAuthAuthorizeAndDecode(t *testing.T) {
	srv, err := mockserver.New(mockserver.Config{ContactsPerLocation: 1})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	getenv := func(string) string { return "" }

	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"oauth", "authorize", "--base-url", ts.URL, "--location-id", "O9hFAiOh29oB93c0F6UJ"}, &out, &errOut, getenv), errOut.String())
	assert.Regexp(t, `^[0-9a-f]{40}\n$`, out.String(), "a code")

	out.Reset()
	require.NoError(t, run(t.Context(), []string{"oauth", "authorize", "--base-url", ts.URL, "--company-id", "ncTg6Q3fkTB8tVHocj3U", "--exchange"}, &out, &errOut, getenv), errOut.String())
	var tokens map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &tokens), out.String())
	assert.Equal(t, "Company", tokens["userType"])
	access, _ := tokens["access_token"].(string)
	require.NotEmpty(t, access)

	out.Reset()
	require.NoError(t, run(t.Context(), []string{"oauth", "decode", access}, &out, &errOut, getenv))
	var dec struct {
		Header map[string]any `json:"header"`
		Claims map[string]any `json:"claims"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &dec), out.String())
	assert.Equal(t, "RS256", dec.Header["alg"])
	assert.Equal(t, "Company", dec.Claims["authClass"])
	assert.Equal(t, "ncTg6Q3fkTB8tVHocj3U", dec.Claims["authClassId"])
	assert.Equal(t, "6650e2c1a8b4f7d3e9c01a2e-ghlmock1", dec.Claims["sourceId"])

	err = run(t.Context(), []string{"oauth", "decode", "pit-nope"}, &out, &errOut, getenv)
	assert.ErrorContains(t, err, "not a JWT")
	err = run(t.Context(), []string{"oauth", "authorize", "--base-url", ts.URL}, &out, &errOut, getenv)
	assert.ErrorContains(t, err, "--location-id or --company-id")
}
