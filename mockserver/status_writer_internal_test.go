package mockserver

import (
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the statusWriter captures for the journal is the first capture bytes
// of what was written, whichever writes were shared and whichever copied,
// in any order; the first two shared writes are kept by reference, so a
// writer changing its buffer after a copied write changes nothing kept.
func TestStatusWriterCapturesWhatWasWritten(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		rec := httptest.NewRecorder()
		w := statusWriter{ResponseWriter: rec, capture: rng.IntN(60)}
		var all strings.Builder
		var first []byte    // the first write, when it was shared
		var shared [][]byte // the shared writes' arrays
		for i := range rng.IntN(5) {
			n := rng.IntN(20)
			room := make([]byte, n+8) // past the end: what no write may touch
			b := room[:n]
			copy(room, strings.Repeat(string(rune('a'+rng.IntN(26))), n)+"########")
			all.Write(b)
			if rng.IntN(2) == 0 {
				_, err := w.writeShared(b)
				require.NoError(t, err)
				if i == 0 {
					first = b
				}
				shared = append(shared, room)
			} else {
				_, err := w.Write(b)
				require.NoError(t, err)
				for i := range b {
					b[i] = '!' // a copied write's buffer is the caller's again
				}
			}
		}
		for _, room := range shared {
			assert.True(t, strings.HasSuffix(string(room), "########"), "a shared write's array was written past its end: %q", room)
		}
		want := all.String()
		assert.Equal(t, want, rec.Body.String())
		assert.Equal(t, len(want), w.bytes)
		got := string(w.shared) + string(w.body)
		assert.Equal(t, want[:min(len(want), max(w.capture, 0))], got, "capture %d", w.capture)
		if len(first) > 0 && w.capture > 0 {
			require.NotEmpty(t, w.shared)
			assert.Equal(t, unsafe.SliceData(first), unsafe.SliceData(w.shared), "a shared first write is kept by reference")
		}
	}
}
