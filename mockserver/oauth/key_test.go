package oauth_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// testKey is made once per test binary: a 4096-bit key takes seconds.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := oauth.GenerateKey()
	if err != nil {
		panic(err)
	}
	return k
})

func TestKeyPEMRoundTrip(t *testing.T) {
	k := testKey()
	s, err := oauth.MarshalKeyPEM(k)
	require.NoError(t, err)
	assert.Contains(t, s, "-----BEGIN PRIVATE KEY-----")
	back, err := oauth.ParseKeyPEM(s)
	require.NoError(t, err)
	assert.True(t, k.Equal(back))
	assert.Equal(t, 4096, back.N.BitLen(), "GHL's signatures are 512 bytes")

	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	back, err = oauth.ParseKeyPEM(pkcs1)
	require.NoError(t, err)
	assert.True(t, k.Equal(back), "openssl's traditional form is read too")

	for _, bad := range []string{"", "not pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}))} {
		_, err := oauth.ParseKeyPEM(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestJWKSVerifiesTokens(t *testing.T) {
	h := newHarness(t)
	set, err := h.svc.JWKS()
	require.NoError(t, err)
	require.Len(t, set.Keys, 1)
	jwk := set.Keys[0]
	assert.Equal(t, "RSA", jwk.Kty)
	assert.Equal(t, "RS256", jwk.Alg)
	assert.Equal(t, "sig", jwk.Use)
	assert.Equal(t, oauth.KeyID(&testKey().PublicKey), jwk.Kid)

	// A user verifying locally: the public key from the JWKS alone.
	n, err := base64.RawURLEncoding.DecodeString(jwk.N)
	require.NoError(t, err)
	e, err := base64.RawURLEncoding.DecodeString(jwk.E)
	require.NoError(t, err)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}

	resp := h.locationTokens()
	tok, err := jwt.Parse(resp.AccessToken, func(tok *jwt.Token) (any, error) {
		assert.Equal(t, jwk.Kid, tok.Header["kid"])
		return pub, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	require.NoError(t, err)
	assert.True(t, tok.Valid)
}

func TestKeyMadeWhenNeededAndReported(t *testing.T) {
	t.Parallel() // making a key takes seconds: let the other tests run meanwhile
	h := newHarness(t, func(c *oauth.Config) { c.Key = nil })
	_, r := h.svc.Authenticate("eyJhbGciOiJSUzI1NiJ9.eyJ9.c2ln")
	require.NotNil(t, r)
	assert.Contains(t, r.Reason, "signed no token yet")

	resp := h.locationTokens()
	var reported []*oauth.SigningKey
	for _, b := range h.batches {
		for _, ch := range b {
			if k, ok := ch.After.(*oauth.SigningKey); ok {
				reported = append(reported, k)
			}
		}
	}
	require.Len(t, reported, 1, "the key is reported once, with the first write that needs it")
	k, err := oauth.ParseKeyPEM(reported[0].PEM)
	require.NoError(t, err)
	assert.Equal(t, oauth.KeyID(&k.PublicKey), reported[0].KeyID)
	header, _, err := oauth.DecodeToken(resp.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, reported[0].KeyID, header["kid"], "the tokens are signed with the reported key")
}
