package webhooks

import (
	"crypto/rsa"
	"fmt"
	"math/big"
	"math/rand/v2"
)

// deriveRSA makes an RSA key from a seed. crypto/rsa cannot: since Go 1.26
// GenerateKey ignores the reader it is given and always draws secure random
// bytes. So the primes come from a ChaCha8 stream here; the key is checked
// with Validate like any other.
func deriveRSA(seed [32]byte, bits int) (*rsa.PrivateKey, error) {
	if bits < 2048 || bits%16 != 0 {
		return nil, fmt.Errorf("webhooks: derive rsa key: %d bits (want a multiple of 16, at least 2048)", bits)
	}
	rng := rand.NewChaCha8(seed)
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p := seededPrime(rng, bits/2, e)
		q := seededPrime(rng, bits/2, e)
		if p.Cmp(q) == 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		key := &rsa.PrivateKey{
			PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())},
			D:         d,
			Primes:    []*big.Int{p, q},
		}
		key.Precompute()
		if err := key.Validate(); err != nil {
			return nil, fmt.Errorf("webhooks: derive rsa key: %w", err)
		}
		return key, nil
	}
}

// seededPrime returns a prime of exactly bits bits with its two top bits set
// (so that the product of two has the full size) and p-1 prime to e.
func seededPrime(rng *rand.ChaCha8, bits int, e *big.Int) *big.Int {
	buf := make([]byte, bits/8)
	one := big.NewInt(1)
	for {
		_, _ = rng.Read(buf)
		buf[0] |= 0xC0
		buf[len(buf)-1] |= 1
		p := new(big.Int).SetBytes(buf)
		if !p.ProbablyPrime(20) {
			continue
		}
		if new(big.Int).GCD(nil, nil, new(big.Int).Sub(p, one), e).Cmp(one) != 0 {
			continue
		}
		return p
	}
}
