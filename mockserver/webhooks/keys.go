package webhooks

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// DefaultRSABits is the size of a generated legacy RSA key: HighLevel's
// published x-wh-signature key is RSA-4096.
const DefaultRSABits = 4096

// Keys are the mock's webhook signing keys: an Ed25519 key for
// x-ghl-signature and, when a subscription wants the legacy header, an RSA
// key for x-wh-signature. A receiver verifies with the mock's public keys
// where it would put HighLevel's; nothing can forge HighLevel's own. Keys
// must stay the same across restarts (receivers are configured once), so
// they are kept in the durable state or in a PEM file. A Keys value is never
// changed once made: WithRSA returns a new one.
type Keys struct {
	Ed25519 ed25519.PrivateKey
	RSA     *rsa.PrivateKey // nil: no legacy signing
}

// GenerateKeys makes a random Ed25519 key, and an RSA key of rsaBits bits
// unless rsaBits is 0.
func GenerateKeys(rsaBits int) (*Keys, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("webhooks: generate ed25519 key: %w", err)
	}
	k := &Keys{Ed25519: priv}
	if rsaBits == 0 {
		return k, nil
	}
	return k.WithRSA(rsaBits)
}

// DeriveKeys makes the keys that seed always gives (--webhook-key-seed), for
// golden tests whose signatures must not change: an Ed25519 key, and an RSA
// key of rsaBits bits unless rsaBits is 0. Never use a derived key where the
// seed is not secret.
func DeriveKeys(seed string, rsaBits int) (*Keys, error) {
	s := sha256.Sum256([]byte("ghlmock webhook ed25519\x00" + seed))
	k := &Keys{Ed25519: ed25519.NewKeyFromSeed(s[:])}
	if rsaBits == 0 {
		return k, nil
	}
	r, err := deriveRSA(sha256.Sum256([]byte("ghlmock webhook rsa\x00"+seed)), rsaBits)
	if err != nil {
		return nil, err
	}
	k.RSA = r
	return k, nil
}

// WithRSA returns k with a new random RSA key of bits bits, or k itself when
// it has one already.
func (k *Keys) WithRSA(bits int) (*Keys, error) {
	if k.RSA != nil {
		return k, nil
	}
	r, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("webhooks: generate rsa key: %w", err)
	}
	return &Keys{Ed25519: k.Ed25519, RSA: r}, nil
}

// PublicEd25519 is the public half of the Ed25519 key.
func (k *Keys) PublicEd25519() ed25519.PublicKey {
	return k.Ed25519.Public().(ed25519.PublicKey)
}

// MarshalPEM writes the private keys as PKCS#8 "PRIVATE KEY" blocks, Ed25519
// first: the file --webhook-key reads.
func (k *Keys) MarshalPEM() ([]byte, error) {
	var out []byte
	for _, key := range k.privateKeys() {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("webhooks: marshal key: %w", err)
		}
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	}
	return out, nil
}

func (k *Keys) privateKeys() []any {
	keys := []any{k.Ed25519}
	if k.RSA != nil {
		keys = append(keys, k.RSA)
	}
	return keys
}

// ParsePEM reads keys written by MarshalPEM (or by openssl genpkey): PKCS#8
// blocks, and PKCS#1 "RSA PRIVATE KEY" blocks for the RSA key. An Ed25519
// key is required; the RSA key is optional.
func ParsePEM(data []byte) (*Keys, error) {
	k := &Keys{}
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		var key any
		var err error
		switch block.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		default:
			continue // a certificate or a public key beside them: not ours to read
		}
		if err != nil {
			return nil, fmt.Errorf("webhooks: parse %s: %w", block.Type, err)
		}
		if err := k.add(key); err != nil {
			return nil, err
		}
	}
	if k.Ed25519 == nil {
		return nil, errors.New("webhooks: no Ed25519 private key in the PEM data")
	}
	return k, nil
}

func (k *Keys) add(key any) error {
	switch key := key.(type) {
	case ed25519.PrivateKey:
		if k.Ed25519 != nil {
			return errors.New("webhooks: more than one Ed25519 key")
		}
		k.Ed25519 = key
	case *rsa.PrivateKey:
		if k.RSA != nil {
			return errors.New("webhooks: more than one RSA key")
		}
		k.RSA = key
	default:
		return fmt.Errorf("webhooks: unsupported key type %T (want Ed25519 or RSA)", key)
	}
	return nil
}

// LoadKeyFile reads a PEM key file (--webhook-key FILE).
func LoadKeyFile(path string) (*Keys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("webhooks: read key file: %w", err)
	}
	k, err := ParsePEM(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return k, nil
}

// SaveKeyFile writes the keys as PEM to path, readable by its owner only,
// atomically (a crash leaves the old file or the new one, never half).
func (k *Keys) SaveKeyFile(path string) error {
	data, err := k.MarshalPEM()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".webhook-key-*")
	if err != nil {
		return fmt.Errorf("webhooks: save key file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("webhooks: save key file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("webhooks: save key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("webhooks: save key file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("webhooks: save key file: %w", err)
	}
	return nil
}

// keysJSON is how Keys are kept in the durable state: PKCS#8 DER, base64.
type keysJSON struct {
	Ed25519 string `json:"ed25519"`
	RSA     string `json:"rsa,omitempty"`
}

// MarshalJSON writes the private keys for the durable state.
func (k *Keys) MarshalJSON() ([]byte, error) {
	var out keysJSON
	for i, key := range k.privateKeys() {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("webhooks: marshal key: %w", err)
		}
		if i == 0 {
			out.Ed25519 = base64.StdEncoding.EncodeToString(der)
		} else {
			out.RSA = base64.StdEncoding.EncodeToString(der)
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads keys written by MarshalJSON.
func (k *Keys) UnmarshalJSON(b []byte) error {
	var in keysJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("webhooks: keys: %w", err)
	}
	out := Keys{}
	for _, s := range []string{in.Ed25519, in.RSA} {
		if s == "" {
			continue
		}
		der, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("webhooks: keys: %w", err)
		}
		key, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return fmt.Errorf("webhooks: keys: %w", err)
		}
		if err := out.add(key); err != nil {
			return err
		}
	}
	if out.Ed25519 == nil {
		return errors.New("webhooks: keys: no Ed25519 key")
	}
	*k = out
	return nil
}
