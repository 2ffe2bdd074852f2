package webhooks_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

var (
	sharedKeysOnce sync.Once
	sharedKeys     *webhooks.Keys
	sharedKeysErr  error
)

// testKeys returns keys with a 2048-bit RSA key, derived once per test
// binary: deriving is deterministic, and a 2048-bit key is quicker to make
// than GHL's 4096 while signing the same way.
func testKeys(t testing.TB) *webhooks.Keys {
	t.Helper()
	sharedKeysOnce.Do(func() { sharedKeys, sharedKeysErr = webhooks.DeriveKeys("webhooks test", 2048) })
	require.NoError(t, sharedKeysErr)
	return sharedKeys
}

func TestDeriveKeysIsStable(t *testing.T) {
	a, err := webhooks.DeriveKeys("golden", 0)
	require.NoError(t, err)
	b, err := webhooks.DeriveKeys("golden", 0)
	require.NoError(t, err)
	c, err := webhooks.DeriveKeys("other", 0)
	require.NoError(t, err)
	assert.Equal(t, a.Ed25519, b.Ed25519)
	assert.NotEqual(t, a.Ed25519, c.Ed25519)
	assert.Nil(t, a.RSA)

	// Golden values: a change here breaks every receiver configured with a
	// seeded key, and every golden signature.
	assert.Equal(t, "9e6c98d57590cc4eb0c20f6cfc47202cdb8a29974d6a52c9c3c8e0976ca14109", hex.EncodeToString(a.PublicEd25519()))
	assert.Equal(t, "Y/WpYpRPfNKft89BGunKztoR0q3qsW/fM/pZ85+frZgIPiWR/77i95h+Zyv+4X+NBZEhJZyYOtpMlNn/I7pmDg==", a.Sign([]byte(`{"type":"ContactCreate"}`)))
}

func TestDeriveRSAIsStable(t *testing.T) {
	k := testKeys(t)
	again, err := webhooks.DeriveKeys("webhooks test", 2048)
	require.NoError(t, err)
	require.NotNil(t, k.RSA)
	assert.Equal(t, 2048, k.RSA.N.BitLen())
	assert.Equal(t, 0, k.RSA.N.Cmp(again.RSA.N), "same seed, same RSA key")
	assert.NoError(t, k.RSA.Validate())
	_, err = webhooks.DeriveKeys("x", 1024)
	assert.Error(t, err, "too small")
}

func TestGenerateKeys(t *testing.T) {
	a, err := webhooks.GenerateKeys(0)
	require.NoError(t, err)
	b, err := webhooks.GenerateKeys(0)
	require.NoError(t, err)
	assert.NotEqual(t, a.Ed25519, b.Ed25519)
	assert.Nil(t, a.RSA)
	withRSA, err := a.WithRSA(2048)
	require.NoError(t, err)
	assert.Equal(t, a.Ed25519, withRSA.Ed25519)
	assert.Equal(t, 2048, withRSA.RSA.N.BitLen())
	assert.Nil(t, a.RSA, "WithRSA leaves the original alone")
	same, err := withRSA.WithRSA(4096)
	require.NoError(t, err)
	assert.Same(t, withRSA, same, "keys that have RSA already are kept")
}

func TestKeysPEMRoundTrip(t *testing.T) {
	k := testKeys(t)
	data, err := k.MarshalPEM()
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(data), "-----BEGIN PRIVATE KEY-----"))
	back, err := webhooks.ParsePEM(data)
	require.NoError(t, err)
	assert.Equal(t, k.Ed25519, back.Ed25519)
	assert.True(t, k.RSA.Equal(back.RSA))

	// A PKCS#1 RSA block, as older tools write it, is read too.
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.RSA)})
	edOnly, err := (&webhooks.Keys{Ed25519: k.Ed25519}).MarshalPEM()
	require.NoError(t, err)
	back, err = webhooks.ParsePEM(append(edOnly, pkcs1...))
	require.NoError(t, err)
	assert.True(t, k.RSA.Equal(back.RSA))
}

func TestParsePEMErrors(t *testing.T) {
	k := testKeys(t)
	edOnly, err := (&webhooks.Keys{Ed25519: k.Ed25519}).MarshalPEM()
	require.NoError(t, err)
	rsaDER, err := x509.MarshalPKCS8PrivateKey(k.RSA)
	require.NoError(t, err)
	rsaOnly := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: rsaDER})
	cases := map[string][]byte{
		"empty":           nil,
		"not PEM":         []byte("hello"),
		"rsa only":        rsaOnly,
		"two ed25519":     append(append([]byte(nil), edOnly...), edOnly...),
		"bad DER":         pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}),
		"public key only": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}),
	}
	for name, data := range cases {
		_, err := webhooks.ParsePEM(data)
		assert.Error(t, err, name)
	}
}

func TestKeyFile(t *testing.T) {
	k := testKeys(t)
	path := filepath.Join(t.TempDir(), "webhook.pem")
	require.NoError(t, k.SaveKeyFile(path))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "a private key is for its owner only")
	back, err := webhooks.LoadKeyFile(path)
	require.NoError(t, err)
	assert.Equal(t, k.Ed25519, back.Ed25519)
	assert.True(t, k.RSA.Equal(back.RSA))

	_, err = webhooks.LoadKeyFile(filepath.Join(t.TempDir(), "missing.pem"))
	assert.Error(t, err)
	bad := filepath.Join(t.TempDir(), "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("x"), 0o600))
	_, err = webhooks.LoadKeyFile(bad)
	assert.ErrorContains(t, err, bad)
}

func TestKeysJSONRoundTrip(t *testing.T) {
	k := testKeys(t)
	b, err := json.Marshal(k)
	require.NoError(t, err)
	var back webhooks.Keys
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, k.Ed25519, back.Ed25519)
	assert.True(t, k.RSA.Equal(back.RSA))

	edOnly, err := json.Marshal(&webhooks.Keys{Ed25519: k.Ed25519})
	require.NoError(t, err)
	assert.NotContains(t, string(edOnly), "rsa")
	var e webhooks.Keys
	require.NoError(t, json.Unmarshal(edOnly, &e))
	assert.Nil(t, e.RSA)

	for _, bad := range []string{`{}`, `{"ed25519":"***"}`, `{"ed25519":"AAAA"}`, `[]`} {
		var x webhooks.Keys
		assert.Error(t, json.Unmarshal([]byte(bad), &x), bad)
	}
}

func TestPublicKeysFormats(t *testing.T) {
	k := testKeys(t)
	pub, err := k.PublicKeys()
	require.NoError(t, err)
	want := k.PublicEd25519()
	assert.Equal(t, "WEBHOOK_SIGNATURE_PUBLIC_KEY="+pub.Ed25519.RawBase64, pub.Ed25519.EnvLine)
	assert.Equal(t, hex.EncodeToString(want), pub.Ed25519.Hex)
	assert.True(t, strings.HasPrefix(pub.Ed25519.PEM, "-----BEGIN PUBLIC KEY-----\n"))
	for name, s := range map[string]string{
		"pem": pub.Ed25519.PEM, "raw base64": pub.Ed25519.RawBase64, "hex": pub.Ed25519.Hex,
		"upper hex": strings.ToUpper(pub.Ed25519.Hex), "spki base64": pub.Ed25519.SPKIBase64,
		"unpadded": strings.TrimRight(pub.Ed25519.RawBase64, "="), "spaces": "  " + pub.Ed25519.RawBase64 + "\n",
		"url-safe": base64.RawURLEncoding.EncodeToString(want),
	} {
		got, err := webhooks.ParsePublicKey(s)
		if assert.NoError(t, err, name) {
			assert.Equal(t, want, got, name)
		}
	}

	require.NotNil(t, pub.RSA)
	rsaPub, err := webhooks.ParseRSAPublicKey(pub.RSA.PEM)
	require.NoError(t, err)
	assert.True(t, k.RSA.PublicKey.Equal(rsaPub))
	env, ok := strings.CutPrefix(pub.RSA.EnvLine, "WEBHOOK_PUBLIC_KEY=")
	require.True(t, ok)
	unq, err := strconv.Unquote(env)
	require.NoError(t, err)
	assert.Equal(t, pub.RSA.PEM, unq)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.RSA.PublicKey)})
	rsaPub, err = webhooks.ParseRSAPublicKey(string(pkcs1))
	require.NoError(t, err)
	assert.True(t, k.RSA.PublicKey.Equal(rsaPub))

	edOnly, err := (&webhooks.Keys{Ed25519: k.Ed25519}).PublicKeys()
	require.NoError(t, err)
	assert.Nil(t, edOnly.RSA)
}

func TestParsePublicKeyErrors(t *testing.T) {
	k := testKeys(t)
	pub, err := k.PublicKeys()
	require.NoError(t, err)
	for name, s := range map[string]string{
		"empty":         "",
		"short":         base64.StdEncoding.EncodeToString([]byte{1, 2, 3}),
		"not base64":    "!!!",
		"bad pem":       "-----BEGIN PUBLIC KEY-----\nxx\n",
		"rsa pem":       pub.RSA.PEM,
		"63 hex digits": pub.Ed25519.Hex[1:],
	} {
		_, err := webhooks.ParsePublicKey(s)
		assert.Error(t, err, name)
	}
	_, err = webhooks.ParseRSAPublicKey(pub.Ed25519.PEM)
	assert.Error(t, err, "an Ed25519 key is not RSA")
	_, err = webhooks.ParseRSAPublicKey("nope")
	assert.Error(t, err)
}

func TestSignAndVerify(t *testing.T) {
	k := testKeys(t)
	body := []byte(`{"name":"Smith & Sons <b>"}`)
	sig := k.Sign(body)
	assert.True(t, webhooks.Verify(k.PublicEd25519(), body, sig))
	assert.False(t, webhooks.Verify(k.PublicEd25519(), append(body, ' '), sig), "tampered body")
	other, err := webhooks.GenerateKeys(0)
	require.NoError(t, err)
	assert.False(t, webhooks.Verify(other.PublicEd25519(), body, sig), "wrong key")
	assert.False(t, webhooks.Verify(k.PublicEd25519(), body, "***"), "not base64")
	assert.False(t, webhooks.Verify(nil, body, sig), "no key")

	rsaSig, err := k.SignRSA(body)
	require.NoError(t, err)
	assert.True(t, webhooks.VerifyRSA(&k.RSA.PublicKey, body, rsaSig))
	assert.False(t, webhooks.VerifyRSA(&k.RSA.PublicKey, append(body, ' '), rsaSig))
	assert.False(t, webhooks.VerifyRSA(nil, body, rsaSig))
	again, err := k.SignRSA(body)
	require.NoError(t, err)
	assert.Equal(t, rsaSig, again, "PKCS#1 v1.5 signatures are deterministic")
	_, err = (&webhooks.Keys{Ed25519: k.Ed25519}).SignRSA(body)
	assert.Error(t, err, "no RSA key")

	other2, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	assert.False(t, webhooks.VerifyRSA(&other2.PublicKey, body, rsaSig))
	_ = ed25519.PublicKeySize
}
