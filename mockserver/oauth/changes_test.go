package oauth_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// summary is a change as the durable store sees it: the key, and the types
// of its images.
type summary struct {
	ID            string
	Before, After string
}

func summarize(t *testing.T, batch []crm.Change) []summary {
	t.Helper()
	typeOf := func(o crm.Object) string {
		switch o.(type) {
		case nil:
			return ""
		case *oauth.Install:
			return "install"
		case *oauth.Code:
			return "code"
		case *oauth.Token:
			return "token"
		case *oauth.SigningKey:
			return "key"
		case *oauth.Snapshot:
			return "snapshot"
		}
		t.Fatalf("unexpected image %T", o)
		return ""
	}
	var out []summary
	for _, ch := range batch {
		assert.Equal(t, crm.KindGrant, ch.Kind)
		assert.Empty(t, ch.Location, "grants are server records")
		out = append(out, summary{ch.ID, typeOf(ch.Before), typeOf(ch.After)})
	}
	return out
}

func TestChangesOfAGrant(t *testing.T) {
	h := newHarness(t)
	cause := crm.Cause{OperationID: "get-access-token", TraceID: "trace-1"}
	ctx := oauth.WithCause(t.Context(), cause)

	res, e := h.svc.Authorize(ctx, oauth.AuthorizeInput{ClientID: clientID, LocationIDs: []string{loc1}})
	require.Nil(t, e)
	assert.Equal(t, []summary{
		{"install:" + res.Install.ID, "", "install"},
		{"code:" + res.Code, "", "code"},
	}, summarize(t, h.lastBatch()))

	resp, e := h.svc.Token(ctx, exchangeInput(res.Code))
	require.Nil(t, e)
	batch := h.lastBatch()
	kid := oauth.KeyID(&testKey().PublicKey)
	assert.Equal(t, []summary{
		{"code:" + res.Code, "code", "code"},
		{"key:" + kid, "", "key"},
		{"token:" + oauth.TokenID(resp.AccessToken), "", "token"},
		{"token:" + oauth.TokenID(resp.RefreshToken), "", "token"},
	}, summarize(t, batch), "one batch: the code used, the key (first time only), the pair")
	for _, ch := range batch {
		assert.Equal(t, cause, ch.Cause)
		assert.Equal(t, crm.MillisOf(start), ch.Time)
	}
	assert.Zero(t, batch[0].Before.(*oauth.Code).UsedAt)
	assert.Equal(t, crm.MillisOf(start), batch[0].After.(*oauth.Code).UsedAt)

	// The images are the consumer's own.
	batch[2].After.(*oauth.Token).Scopes[0] = "changed"
	assert.Equal(t, "contacts.readonly", h.principal(resp.AccessToken).Scopes[0])

	_, e = h.refresh(resp.RefreshToken)
	require.Nil(t, e)
	s := summarize(t, h.lastBatch())
	require.Len(t, s, 3, "the key is not reported again")
	assert.Equal(t, summary{"token:" + oauth.TokenID(resp.RefreshToken), "token", "token"}, s[0])
}

func TestChangesOfUninstall(t *testing.T) {
	h := newHarness(t)
	resp := h.locationTokens()
	install := h.svc.Installs()[0]
	code := h.svc.Codes()[0].Code
	require.NoError(t, h.svc.Uninstall(t.Context(), install.ID))
	s := summarize(t, h.lastBatch())
	assert.Equal(t, summary{"install:" + install.ID, "install", ""}, s[0], "a delete has no After")
	assert.ElementsMatch(t, []summary{
		{"token:" + oauth.TokenID(resp.AccessToken), "token", "token"},
		{"token:" + oauth.TokenID(resp.RefreshToken), "token", "token"},
		{"code:" + code, "code", ""},
	}, s[1:], "its tokens revoked, its (used) code dropped")
}

func TestFailedCommitChangesNothing(t *testing.T) {
	h := newHarness(t)
	broken := errors.New("disk full")
	h.hookErr = broken

	_, e := h.svc.Authorize(t.Context(), oauth.AuthorizeInput{ClientID: clientID, LocationIDs: []string{loc1}})
	refused(t, e, http.StatusInternalServerError, apiBody(500, "Internal Server Error", ""))
	assert.Equal(t, "state not saved: disk full", e.Reason)
	assert.Empty(t, h.svc.Installs())
	assert.Empty(t, h.svc.Codes())
	assert.Empty(t, h.installEvents(), "no INSTALL for an install that was undone")

	h.hookErr = nil
	code := h.authorize(oauth.AuthorizeInput{LocationIDs: []string{loc1}})
	h.hookErr = broken
	_, e = h.svc.Token(t.Context(), exchangeInput(code))
	require.NotNil(t, e)
	assert.Equal(t, http.StatusInternalServerError, e.Status)
	assert.Empty(t, h.svc.Tokens(oauth.TokenFilter{}))

	h.hookErr = nil
	resp := h.exchange(code) // the code was not used by the failed exchange
	s := summarize(t, h.lastBatch())
	assert.Equal(t, "key", s[1].After, "the key, undone with the failed batch, is reported with the next")

	h.hookErr = broken
	err := h.svc.RevokeToken(t.Context(), oauth.TokenID(resp.AccessToken))
	var oe *oauth.Error
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, http.StatusInternalServerError, oe.Status)
	h.principal(resp.AccessToken)
	_, e = h.refresh(resp.RefreshToken)
	require.NotNil(t, e)
	h.hookErr = nil
	_, e = h.refresh(resp.RefreshToken)
	assert.Nil(t, e, "the failed refresh did not consume the token")
}
