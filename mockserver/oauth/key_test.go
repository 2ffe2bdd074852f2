package oauth_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"

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
