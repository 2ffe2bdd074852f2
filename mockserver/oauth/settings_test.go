package oauth_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

func TestParseReusePolicy(t *testing.T) {
	cases := []struct {
		in   string
		want oauth.ReusePolicy
		err  bool
	}{
		{"reject", oauth.ReusePolicy{Mode: oauth.ReuseReject}, false},
		{"allow", oauth.ReusePolicy{Mode: oauth.ReuseAllow}, false},
		{"grace:30s", oauth.ReusePolicy{Mode: oauth.ReuseGrace, Grace: 30 * time.Second}, false},
		{"grace:1m30s", oauth.ReusePolicy{Mode: oauth.ReuseGrace, Grace: 90 * time.Second}, false},
		{"grace", oauth.ReusePolicy{}, true},
		{"grace:0s", oauth.ReusePolicy{}, true},
		{"grace:soon", oauth.ReusePolicy{}, true},
		{"rotate", oauth.ReusePolicy{}, true},
		{"", oauth.ReusePolicy{}, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := oauth.ParseReusePolicy(c.in)
			if c.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			back, err := oauth.ParseReusePolicy(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, back, "String writes what Parse reads")
		})
	}
}

func TestDefaultSettings(t *testing.T) {
	s := oauth.DefaultSettings()
	assert.Equal(t, 86399*time.Second, s.AccessTokenLife.For(oauth.ClassCompany))
	assert.Equal(t, 86400*time.Second, s.AccessTokenLife.For(oauth.ClassLocation))
	assert.Equal(t, 365*24*time.Hour, s.RefreshTokenLife)
	assert.Equal(t, 10*time.Minute, s.CodeLife)
	assert.Equal(t, "reject", s.RefreshReuse.String())
	assert.False(t, s.ReuseRevokesFamily)
	assert.Equal(t, 201, s.LocationTokenStatus)
	assert.Equal(t, oauth.ClientCredentialsReject, s.ClientCredentials)
	assert.Equal(t, []string{"oauth.readonly", "oauth.write"}, s.AddedScopes.LocationToken)
}

func TestSettingsValidation(t *testing.T) {
	cases := []struct {
		name   string
		change func(*oauth.Settings)
	}{
		{"no access token life", func(s *oauth.Settings) { s.AccessTokenLife.Location = 0 }},
		{"no refresh token life", func(s *oauth.Settings) { s.RefreshTokenLife = 0 }},
		{"no code life", func(s *oauth.Settings) { s.CodeLife = -time.Second }},
		{"a grace of nothing", func(s *oauth.Settings) { s.RefreshReuse = oauth.ReusePolicy{Mode: oauth.ReuseGrace} }},
		{"an unknown reuse mode", func(s *oauth.Settings) { s.RefreshReuse = oauth.ReusePolicy{Mode: "sometimes"} }},
		{"an unknown client credentials mode", func(s *oauth.Settings) { s.ClientCredentials = "maybe" }},
		{"an added scope GHL lacks", func(s *oauth.Settings) { s.AddedScopes.Company = []string{"oauth.wrte"} }},
	}
	h := newHarness(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := oauth.DefaultSettings()
			c.change(&s)
			assert.Error(t, h.svc.SetSettings(s))
		})
	}
	assert.Equal(t, oauth.DefaultSettings(), h.svc.Settings(), "refused settings change nothing")
}
