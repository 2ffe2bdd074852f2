package crm

import (
	"math/rand/v2"
	"sync"
)

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// IDGen makes GHL-style ids from a seeded source, so that the same seed gives
// the same ids in the same order. It is safe for concurrent use.
type IDGen struct {
	mu  sync.Mutex
	src *rand.PCG
	rng *rand.Rand
}

// NewIDGen returns a generator seeded with seed.
func NewIDGen(seed uint64) *IDGen {
	src := rand.NewPCG(seed, 0x9e3779b97f4a7c15)
	return &IDGen{src: src, rng: rand.New(src)}
}

// MarshalBinary returns the generator's position, so that a restarted mock
// goes on from it instead of handing out the same ids again.
func (g *IDGen) MarshalBinary() ([]byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.src.MarshalBinary()
}

// UnmarshalBinary moves the generator to a position MarshalBinary returned.
func (g *IDGen) UnmarshalBinary(b []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.src.UnmarshalBinary(b)
}

// Skip draws and forgets n ids: after a crash, the ids handed out since the
// last saved position (never more than the writes that were not yet
// committed) are skipped rather than given to other objects.
func (g *IDGen) Skip(n int) {
	for range n {
		g.ID()
	}
}

// ID returns a new 20-character alphanumeric id (contacts, tasks, notes, users,
// locations, appointments).
func (g *IDGen) ID() string {
	var b [20]byte
	g.mu.Lock()
	for i := range b {
		b[i] = idAlphabet[g.rng.IntN(len(idAlphabet))]
	}
	g.mu.Unlock()
	return string(b[:])
}

// HexID returns a new 24-hex-digit id (businesses), like a Mongo ObjectId.
func (g *IDGen) HexID() string {
	const hex = "0123456789abcdef"
	var b [24]byte
	g.mu.Lock()
	for i := range b {
		b[i] = hex[g.rng.IntN(16)]
	}
	g.mu.Unlock()
	return string(b[:])
}
