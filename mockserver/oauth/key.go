package oauth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
)

// keyBits is the size of the signing key: GHL's signatures are 512 bytes, a
// 4096-bit key, and the same size keeps the mock's tokens as long as GHL's
// (clients keep them in columns and cookies of a fixed size). Making one takes
// a second or two: the mock does it once, when it first needs it, and keeps it
// in its state.
const keyBits = 4096

// GenerateKey makes a new RS256 signing key. A Service makes one itself when
// it is given none; tests that start many mocks make one and share it.
func GenerateKey() (*rsa.PrivateKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, fmt.Errorf("oauth: generate signing key: %w", err)
	}
	return k, nil
}

// MarshalKeyPEM writes a key as a PKCS #8 "PRIVATE KEY" PEM block.
func MarshalKeyPEM(k *rsa.PrivateKey) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", fmt.Errorf("oauth: marshal signing key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// ParseKeyPEM reads an RSA key written by MarshalKeyPEM, or a PKCS #1 "RSA
// PRIVATE KEY" block (openssl genrsa's traditional form).
func ParseKeyPEM(s string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("oauth: signing key: no PEM block")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("oauth: signing key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("oauth: signing key: a %T, not an RSA key", k)
		}
		return rk, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("oauth: signing key: %w", err)
		}
		return k, nil
	default:
		return nil, fmt.Errorf("oauth: signing key: PEM block %q, want PRIVATE KEY", block.Type)
	}
}

// KeyID is the key's RFC 7638 thumbprint, the kid of its tokens: derived from
// the key alone, so that it never has to be stored apart from it.
func KeyID(pub *rsa.PublicKey) string {
	// The members in lexicographic order, no whitespace, as RFC 7638 §3 says.
	thumb := fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, b64(big.NewInt(int64(pub.E)).Bytes()), b64(pub.N.Bytes()))
	sum := sha256.Sum256([]byte(thumb))
	return b64(sum[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// JWKS is a JSON Web Key Set (RFC 7517) with the mock's public key, for users
// who verify its tokens locally. GHL publishes none.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK is one public key of a JWKS.
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func jwksOf(pub *rsa.PublicKey) JWKS {
	return JWKS{Keys: []JWK{{
		Kty: "RSA", Use: "sig", Alg: "RS256", Kid: KeyID(pub),
		N: b64(pub.N.Bytes()), E: b64(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}
