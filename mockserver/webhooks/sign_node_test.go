package webhooks_test

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// nastyBodies are webhook-like bodies with the values that break a Go
// signer whose bytes JavaScript would not write the same way.
func nastyBodies(t *testing.T) [][]byte {
	t.Helper()
	var bodies [][]byte
	for _, name := range []string{
		"Smith & Sons <b>", "Tom & Jerry", "line\u2028sep\u2029para", "👋🏽 Zoë 日本", "bad\xffutf8\xe2\x82",
		"ctl\x00\x01\x1f\t\n", `quote" back\ slash/`, "plain",
	} {
		body, err := webhooks.MarshalJS(webhooks.Object{
			{Key: "timestamp", Value: "2026-12-02T10:00:00.000Z"},
			{Key: "webhookId", Value: "0b5a6f7e-2d9c-4a3b-8f1e-6c7d8e9f0a1b"},
			{Key: "type", Value: "ContactCreate"},
			{Key: "locationId", Value: "ve9EPM428h8vShlRW1KT"},
			{Key: "name", Value: name},
			{Key: "tags", Value: []string{name, "vip"}},
			{Key: "customFields", Value: []webhooks.Object{{{Key: "id", Value: "cf1"}, {Key: "value", Value: 1e21}}, {{Key: "id", Value: "cf2"}, {Key: "value", Value: 0.1 + 0.2}}}},
			{Key: "dnd", Value: false},
		})
		require.NoError(t, err)
		bodies = append(bodies, body)
	}
	return bodies
}

// TestSignaturesVerifyInNode: node's crypto.verify accepts the mock's
// x-ghl-signature over the raw bytes and over JSON.stringify(JSON.parse(body))
// (what a receiver behind express.json() verifies), with the public key in
// every form the SDK 3.1.0 accepts; and the legacy x-wh-signature with
// createVerify('sha256'), as SDK 3.0.0 verifies it. A tampered body fails,
// so the test can tell.
func TestSignaturesVerifyInNode(t *testing.T) {
	k := testKeys(t)
	pub, err := k.PublicKeys()
	require.NoError(t, err)
	var inputs []any
	for _, body := range nastyBodies(t) {
		rsaSig, err := k.SignRSA(body)
		require.NoError(t, err)
		inputs = append(inputs, map[string]any{
			"body": base64.StdEncoding.EncodeToString(body), "sig": k.Sign(body), "rsaSig": rsaSig,
			"keys":   []string{pub.Ed25519.PEM, pub.Ed25519.RawBase64, pub.Ed25519.Hex, pub.Ed25519.SPKIBase64},
			"rsaPem": pub.RSA.PEM,
		})
	}
	// The control: encoding/json's bytes for the same name verify raw but not
	// re-serialised, which is the failure the encoder exists to prevent.
	std, err := json.Marshal(map[string]string{"name": "Smith & Sons <b>"})
	require.NoError(t, err)
	inputs = append(inputs, map[string]any{
		"body": base64.StdEncoding.EncodeToString(std), "sig": k.Sign(std), "rsaSig": "",
		"keys":   []string{pub.Ed25519.PEM, pub.Ed25519.RawBase64, pub.Ed25519.Hex, pub.Ed25519.SPKIBase64},
		"rsaPem": pub.RSA.PEM,
	})
	type result struct {
		Raw      []bool `json:"raw"`
		Reser    []bool `json:"reser"`
		RSARaw   bool   `json:"rsaRaw"`
		RSAReser bool   `json:"rsaReser"`
		Tampered bool   `json:"tampered"`
	}
	var got []result
	runNode(t, nodeLines+nodeVerify, inputs, &got)
	control := got[len(got)-1]
	got = got[:len(got)-1]
	assert.Equal(t, []bool{true, true, true, true}, control.Raw, "encoding/json bytes verify raw")
	assert.Equal(t, []bool{false, false, false, false}, control.Reser, "encoding/json bytes do not survive JSON.stringify")
	for i, r := range got {
		assert.Equal(t, []bool{true, true, true, true}, r.Raw, "body %d over raw bytes (pem, raw base64, hex, spki)", i)
		assert.Equal(t, []bool{true, true, true, true}, r.Reser, "body %d re-serialised", i)
		assert.True(t, r.RSARaw, "body %d legacy RSA over raw bytes", i)
		assert.True(t, r.RSAReser, "body %d legacy RSA re-serialised", i)
		assert.False(t, r.Tampered, "body %d tampered must not verify", i)
	}
}

// nodeVerify verifies each input's signatures in node: over the raw bytes
// and over JSON.stringify(JSON.parse(body)), with the Ed25519 key in each
// of its forms, and the legacy RSA signature with createVerify('sha256').
const nodeVerify = `
// toEd25519PublicKey as the official SDK 3.1.0 reads WEBHOOK_SIGNATURE_PUBLIC_KEY.
const PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
function toKey(s) {
  const t = s.trim();
  if (t.includes('-----BEGIN')) return crypto.createPublicKey({key: t, format: 'pem'});
  const raw = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (raw.length === 44 && raw.subarray(0, 12).equals(PREFIX)) return crypto.createPublicKey({key: raw, format: 'der', type: 'spki'});
  if (raw.length !== 32) throw new Error('bad key');
  return crypto.createPublicKey({key: Buffer.concat([PREFIX, raw]), format: 'der', type: 'spki'});
}
function handle(c) {
  const raw = b64(c.body);
  const reser = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))), 'utf8');
  const sig = b64(c.sig);
  const rsa = (data) => { const v = crypto.createVerify('sha256'); v.update(data); v.end(); return v.verify(c.rsaPem, c.rsaSig, 'base64'); };
  const tampered = Buffer.concat([raw.subarray(0, raw.length - 1), Buffer.from(' }')]);
  return {
    raw: c.keys.map((k) => crypto.verify(null, raw, toKey(k), sig)),
    reser: c.keys.map((k) => crypto.verify(null, reser, toKey(k), sig)),
    rsaRaw: rsa(raw), rsaReser: rsa(reser),
    tampered: crypto.verify(null, tampered, toKey(c.keys[0]), sig),
  };
}`
