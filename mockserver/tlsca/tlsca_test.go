package tlsca_test

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/tlsca"
)

var now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

func TestServedCertificateVerifiesForEveryName(t *testing.T) {
	ca, err := tlsca.New(now)
	require.NoError(t, err)
	cfg, err := ca.ServerConfig(now)
	require.NoError(t, err)
	leaf := cfg.Certificates[0].Leaf
	for _, name := range tlsca.Names {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: ca.Pool(), CurrentTime: now})
		assert.NoError(t, err, name)
	}
	_, err = leaf.Verify(x509.VerifyOptions{DNSName: "api.example.com", Roots: ca.Pool(), CurrentTime: now})
	assert.Error(t, err, "a name the certificate does not carry")
	_, err = leaf.Verify(x509.VerifyOptions{DNSName: tlsca.Host, Roots: x509.NewCertPool(), CurrentTime: now})
	assert.Error(t, err, "a client that does not trust the CA")
}

func TestCASignsOnlyForGHLAndLoopback(t *testing.T) {
	ca, err := tlsca.New(now)
	require.NoError(t, err)
	for _, name := range []string{"example.com", "leadconnectorhq.com.evil.test", "10.0.0.1"} {
		_, err := ca.Issue(now, name)
		assert.Error(t, err, "%s is outside the CA's name constraints", name)
	}
	_, err = ca.Issue(now, "marketplace.leadconnectorhq.com", "127.0.0.2")
	assert.NoError(t, err, "inside them")
}

func TestDirKeepsTheCA(t *testing.T) {
	dir := tlsca.Dir(filepath.Join(t.TempDir(), "tls"))
	first, created, err := tlsca.LoadOrCreate(t.Context(), dir, now)
	require.NoError(t, err)
	assert.True(t, created)
	again, created, err := tlsca.LoadOrCreate(t.Context(), dir, now.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, created, "kept, not made again")
	assert.Equal(t, first.CertPEM(), again.CertPEM())

	cert, err := os.ReadFile(filepath.Join(string(dir), tlsca.CertFile))
	require.NoError(t, err)
	assert.Equal(t, first.CertPEM(), cert, "ca.pem is the certificate alone, the file to trust")
	st, err := os.Stat(filepath.Join(string(dir), tlsca.KeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the key is its owner's only")
}

func TestDirRefusesHalfACA(t *testing.T) {
	dir := t.TempDir()
	ca, err := tlsca.New(now)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, tlsca.CertFile), ca.CertPEM(), 0o644))
	_, _, err = tlsca.LoadOrCreate(t.Context(), tlsca.Dir(dir), now)
	assert.Error(t, err, "a certificate without its key is not replaced by a new CA")
}

func TestParseRefusesAKeyOfAnotherCA(t *testing.T) {
	a, err := tlsca.New(now)
	require.NoError(t, err)
	b, err := tlsca.New(now)
	require.NoError(t, err)
	_, err = tlsca.Parse(append(a.CertPEM(), b.KeyPEM()...))
	assert.ErrorContains(t, err, "does not belong")
	got, err := tlsca.Parse(a.PEM())
	require.NoError(t, err)
	assert.Equal(t, a.CertPEM(), got.CertPEM())
}

func TestExpiredCAIsRefused(t *testing.T) {
	dir := tlsca.Dir(t.TempDir())
	_, _, err := tlsca.LoadOrCreate(t.Context(), dir, now)
	require.NoError(t, err)
	_, _, err = tlsca.LoadOrCreate(t.Context(), dir, now.Add(11*365*24*time.Hour))
	assert.ErrorContains(t, err, "expired")
}
