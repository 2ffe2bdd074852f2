package webhooks

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Environment variables the official Node SDK reads the public keys from:
// WEBHOOK_SIGNATURE_PUBLIC_KEY (Ed25519, SDK 3.1.0) and WEBHOOK_PUBLIC_KEY
// (RSA, SDK 3.0.0 and older; 3.1.0 no longer reads it).
const (
	EnvEd25519PublicKey = "WEBHOOK_SIGNATURE_PUBLIC_KEY"
	EnvRSAPublicKey     = "WEBHOOK_PUBLIC_KEY"
)

// PublicKeys are the public halves of the mock's keys, in the forms a
// receiver is configured with (GET /_mock/webhooks/keys, ghlmock webhooks
// keys).
type PublicKeys struct {
	Ed25519 Ed25519Public `json:"ed25519"`
	RSA     *RSAPublic    `json:"rsa,omitempty"`
}

// Ed25519Public is the Ed25519 public key in every form the official SDK
// 3.1.0 accepts (webhookPublicKey or WEBHOOK_SIGNATURE_PUBLIC_KEY): PEM, the
// raw 32 bytes as base64 or hex, or the SPKI DER as base64.
type Ed25519Public struct {
	PEM        string `json:"pem"`
	RawBase64  string `json:"rawBase64"`
	Hex        string `json:"hex"`
	SPKIBase64 string `json:"spkiBase64"`
	// EnvLine is a line for a .env file: WEBHOOK_SIGNATURE_PUBLIC_KEY=<raw base64>.
	EnvLine string `json:"envLine"`
}

// RSAPublic is the legacy RSA public key, for receivers still verifying
// x-wh-signature.
type RSAPublic struct {
	PEM string `json:"pem"`
	// EnvLine is WEBHOOK_PUBLIC_KEY="<PEM with \n>", which dotenv reads back
	// with its newlines.
	EnvLine string `json:"envLine"`
}

// PublicKeys returns the public keys in all their forms.
func (k *Keys) PublicKeys() (PublicKeys, error) {
	pub := k.PublicEd25519()
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return PublicKeys{}, fmt.Errorf("webhooks: marshal public key: %w", err)
	}
	raw := base64.StdEncoding.EncodeToString(pub)
	out := PublicKeys{Ed25519: Ed25519Public{
		PEM:        string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})),
		RawBase64:  raw,
		Hex:        hex.EncodeToString(pub),
		SPKIBase64: base64.StdEncoding.EncodeToString(spki),
		EnvLine:    EnvEd25519PublicKey + "=" + raw,
	}}
	if k.RSA != nil {
		der, err := x509.MarshalPKIXPublicKey(&k.RSA.PublicKey)
		if err != nil {
			return PublicKeys{}, fmt.Errorf("webhooks: marshal rsa public key: %w", err)
		}
		p := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
		out.RSA = &RSAPublic{
			PEM:     p,
			EnvLine: EnvRSAPublicKey + "=" + strconv.Quote(p),
		}
	}
	return out, nil
}

// ed25519SPKIPrefix is the DER prefix of an Ed25519 SubjectPublicKeyInfo:
// followed by the raw 32 bytes it is the whole SPKI.
var ed25519SPKIPrefix = []byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}

// ParsePublicKey reads an Ed25519 public key as the official SDK 3.1.0 does
// (toEd25519PublicKey): PEM when it contains "-----BEGIN", hex when it is 64
// hex digits, else base64 of either the raw 32 bytes or the SPKI DER.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, errors.New("webhooks: public key: bad PEM")
		}
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("webhooks: public key: %w", err)
		}
		pub, ok := key.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("webhooks: public key: %T is not Ed25519", key)
		}
		return pub, nil
	}
	var raw []byte
	if len(s) == 64 && isHex(s) {
		raw, _ = hex.DecodeString(s)
	} else {
		var err error
		if raw, err = decodeBase64(s); err != nil {
			return nil, fmt.Errorf("webhooks: public key: %w", err)
		}
	}
	if len(raw) == len(ed25519SPKIPrefix)+ed25519.PublicKeySize && bytes.HasPrefix(raw, ed25519SPKIPrefix) {
		raw = raw[len(ed25519SPKIPrefix):]
	}
	if len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("webhooks: unsupported Ed25519 public key format: expected PEM or a 32-byte key as base64/hex")
	}
	return ed25519.PublicKey(raw), nil
}

// ParseRSAPublicKey reads a PEM RSA public key (SPKI or PKCS#1), as the
// legacy WEBHOOK_PUBLIC_KEY holds it.
func ParseRSAPublicKey(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if block == nil {
		return nil, errors.New("webhooks: rsa public key: bad PEM")
	}
	var key any
	var err error
	if block.Type == "RSA PUBLIC KEY" {
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	} else {
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("webhooks: rsa public key: %w", err)
	}
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("webhooks: rsa public key: %T is not RSA", key)
	}
	return pub, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// decodeBase64 accepts standard and URL-safe base64, padded or not, as
// Node's Buffer.from(s, 'base64') does.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}
