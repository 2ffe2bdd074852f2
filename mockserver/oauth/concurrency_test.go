package oauth_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// Two replicas of a client refreshing with the same token at once: under the
// reject policy exactly one wins, whatever the interleaving.
func TestConcurrentRefreshOneWins(t *testing.T) {
	h := newHarness(t)
	pair := h.locationTokens()
	const n = 8
	var wins, losses atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, e := h.refresh(pair.RefreshToken); e == nil {
				wins.Add(1)
			} else {
				losses.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
	assert.Equal(t, int32(n-1), losses.Load())
	assert.Len(t, h.svc.Tokens(oauth.TokenFilter{Kind: oauth.KindRefresh, State: oauth.StateLive}), 1)
}

// API calls authenticate while grants, revocations and listings go on.
func TestConcurrentUse(t *testing.T) {
	h := newHarness(t)
	pair := h.companyTokens(loc1, loc2)
	caller := h.principal(pair.AccessToken)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				_, r := h.svc.Authenticate(pair.AccessToken)
				assert.Nil(t, r)
			}
		})
	}
	for _, loc := range []string{loc1, loc2} {
		wg.Go(func() {
			for range 5 {
				resp, e := h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: &caller, CompanyID: companyID, LocationID: loc})
				if assert.Nil(t, e) {
					assert.NoError(t, h.svc.RevokeToken(t.Context(), oauth.TokenID(resp.AccessToken)))
				}
			}
		})
	}
	wg.Go(func() {
		for range 10 {
			h.svc.Tokens(oauth.TokenFilter{})
			_, err := h.svc.Export()
			assert.NoError(t, err)
		}
	})
	wg.Wait()
	assert.Len(t, h.svc.Tokens(oauth.TokenFilter{State: oauth.StateRevoked}), 10)
}
