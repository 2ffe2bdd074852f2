package webhooks

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// The signature headers. HighLevel signs with Ed25519 in x-ghl-signature; the
// legacy x-wh-signature (RSA-SHA256) is being retired (July 1 or September 1,
// 2026: the sources differ) and the SDK 3.1.0 no longer reads it.
const (
	HeaderSignature       = "X-Ghl-Signature"
	HeaderLegacySignature = "X-Wh-Signature"
)

// Signature says which signature headers a subscription's deliveries carry.
type Signature string

// Signature modes. The zero value means SignEd25519.
const (
	SignEd25519    Signature = "ed25519"     // x-ghl-signature only, as HighLevel signs today
	SignEd25519RSA Signature = "ed25519+rsa" // and the legacy x-wh-signature, for receivers on SDK 3.0.0
	SignNone       Signature = "none"        // unsigned, like a workflow Custom Webhook action
)

func (s Signature) valid() bool {
	switch s {
	case "", SignEd25519, SignEd25519RSA, SignNone:
		return true
	}
	return false
}

// Sign returns the x-ghl-signature of body: base64 of the Ed25519 signature
// over the exact bytes.
func (k *Keys) Sign(body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(k.Ed25519, body))
}

// SignRSA returns the legacy x-wh-signature of body: base64 of the
// RSA-SHA256 PKCS#1 v1.5 signature over the exact bytes.
func (k *Keys) SignRSA(body []byte) (string, error) {
	if k.RSA == nil {
		return "", fmt.Errorf("webhooks: no RSA key for the legacy signature")
	}
	sum := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(nil, k.RSA, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("webhooks: rsa sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// signatureHeaders returns the signature headers of body under mode.
func (k *Keys) signatureHeaders(mode Signature, body []byte) (map[string]string, error) {
	h := map[string]string{}
	if mode == SignNone {
		return h, nil
	}
	h[HeaderSignature] = k.Sign(body)
	if mode == SignEd25519RSA {
		sig, err := k.SignRSA(body)
		if err != nil {
			return nil, err
		}
		h[HeaderLegacySignature] = sig
	}
	return h, nil
}

// Verify reports whether sig (base64, as in x-ghl-signature) is pub's
// Ed25519 signature of body.
func Verify(pub ed25519.PublicKey, body []byte, sig string) bool {
	raw, err := decodeBase64(sig)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, body, raw)
}

// VerifyRSA reports whether sig (base64, as in x-wh-signature) is pub's
// RSA-SHA256 signature of body.
func VerifyRSA(pub *rsa.PublicKey, body []byte, sig string) bool {
	raw, err := decodeBase64(sig)
	if err != nil || pub == nil {
		return false
	}
	sum := sha256.Sum256(body)
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], raw) == nil
}
