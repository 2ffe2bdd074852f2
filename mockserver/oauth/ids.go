package oauth

import (
	"crypto/rand"
	"encoding/binary"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// IDSource makes the ids of installs, codes, token families, refresh token
// uniqueIds and users. *crm.IDGen is one: the mock passes its seeded
// generator, so that the same seed gives the same ids and the generator's
// position, saved with the state, keeps them from repeating.
type IDSource interface {
	ID() string    // 20 letters and digits
	HexID() string // 24 lower-case hex digits
}

var _ IDSource = (*crm.IDGen)(nil)

// randomIDs is the source when none is given: seeded from crypto/rand, so that
// two mocks started without one do not hand out the same codes.
func randomIDs() IDSource {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand's contract since Go 1.24)
	return crm.NewIDGen(binary.LittleEndian.Uint64(b[:]))
}

// newUUID makes a version 4 UUID (GHL's uniqueId and client secrets) from the
// source's hex digits.
func newUUID(ids IDSource) string {
	h := []byte(ids.HexID() + ids.HexID()[:8]) // 32 hex digits
	h[12] = '4'                                // version 4
	h[16] = "89ab"[hexVal(h[16])&3]            // RFC 4122 variant
	return string(h[0:8]) + "-" + string(h[8:12]) + "-" + string(h[12:16]) + "-" + string(h[16:20]) + "-" + string(h[20:32])
}

func hexVal(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}

// newCode makes an authorization code: 40 hex digits, the shape of the codes
// GHL's redirects carry (…?code=6ff158ab…).
func newCode(ids IDSource) string {
	return (ids.HexID() + ids.HexID())[:40]
}

// NewAppCredentials makes an app id, a client id and a client secret of GHL's
// shapes, for an app whose fixture leaves them out.
func NewAppCredentials(ids IDSource) (appID, clientID, clientSecret string) {
	appID = ids.HexID()
	suffix := []byte(ids.ID()[:8])
	for i, c := range suffix {
		if c >= 'A' && c <= 'Z' {
			suffix[i] = c + 'a' - 'A'
		}
	}
	return appID, appID + "-" + string(suffix), newUUID(ids)
}
