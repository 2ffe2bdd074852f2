// Package tlsca is the mock's own certificate authority, for clients that
// hard-code GHL's host (https://services.leadconnectorhq.com): serve --tls
// answers under that name with a certificate this CA signs, and a client that
// trusts the CA (NODE_EXTRA_CA_CERTS, the system store) and resolves the host
// to the mock reaches the mock unchanged.
//
// The CA is made once and kept (in the state database or a directory, see
// Keeper), so that the trust a user gives it survives restarts. Its
// certificate is name-constrained to GHL's domain and the loopback names: a
// CA in a trust store that could sign for any site would be a risk out of
// all proportion to a test tool, so even its key, if it leaked, signs for
// nothing else.
package tlsca

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Host is the host GHL's API v2 answers on.
const Host = "services.leadconnectorhq.com"

// Names are the names the served certificate is valid for: GHL's host and
// the loopback names.
var Names = []string{Host, "localhost", "127.0.0.1", "::1"}

// permittedDomains and permittedIPs are the CA's name constraints: what any
// certificate it signs may name.
var (
	permittedDomains = []string{"leadconnectorhq.com", "localhost"}
	permittedIPs     = []*net.IPNet{
		{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
		{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
	}
)

// Lifetimes: the CA lives long (a user trusts it once); the served
// certificate is issued at every start, within the 398 days browsers and
// Apple's clients accept.
const (
	caLifetime   = 10 * 365 * 24 * time.Hour
	leafLifetime = 397 * 24 * time.Hour
	// backdate covers clocks that lag the mock's by a little.
	backdate = time.Hour
)

// Keeper keeps the CA between runs: Load returns what Save stored (PEM:
// the certificate, then its private key), or nil when nothing is kept yet.
type Keeper interface {
	Load(ctx context.Context) ([]byte, error)
	Save(ctx context.Context, pemBytes []byte) error
	// Where says where the CA is kept, for messages and the README's steps.
	Where() string
}

// CA is a loaded certificate authority.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	der  []byte
}

// LoadOrCreate returns the CA k keeps, making and saving a new one when it
// keeps none. created reports that it is new (a client must be told to trust
// it).
func LoadOrCreate(ctx context.Context, k Keeper, now time.Time) (ca *CA, created bool, err error) {
	raw, err := k.Load(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("tls: load the CA from %s: %w", k.Where(), err)
	}
	if raw != nil {
		ca, err := Parse(raw)
		if err != nil {
			return nil, false, fmt.Errorf("tls: the CA kept in %s: %w", k.Where(), err)
		}
		if now.After(ca.cert.NotAfter) {
			return nil, false, fmt.Errorf("tls: the CA kept in %s expired on %s: remove it to make a new one (and trust the new one)", k.Where(), ca.cert.NotAfter.Format(time.DateOnly))
		}
		return ca, false, nil
	}
	ca, err = New(now)
	if err != nil {
		return nil, false, err
	}
	if err := k.Save(ctx, ca.PEM()); err != nil {
		return nil, false, fmt.Errorf("tls: keep the CA in %s: %w", k.Where(), err)
	}
	return ca, true, nil
}

// New makes a new CA, valid from now.
func New(now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tls: CA key: %w", err)
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Organization: []string{"ghlmock"},
			CommonName:   "ghlmock local CA " + now.UTC().Format("2006-01-02 15:04:05"),
		},
		NotBefore:                   now.Add(-backdate),
		NotAfter:                    now.Add(caLifetime),
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid:       true,
		IsCA:                        true,
		MaxPathLenZero:              true,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         permittedDomains,
		PermittedIPRanges:           permittedIPs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("tls: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("tls: CA certificate: %w", err)
	}
	return &CA{cert: cert, key: key, der: der}, nil
}

// Parse reads a CA from PEM: a CERTIFICATE block and a PRIVATE KEY block
// (PKCS #8, ECDSA), in either order.
func Parse(raw []byte) (*CA, error) {
	var ca CA
	for rest := raw; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			cert, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("its certificate: %w", err)
			}
			ca.cert, ca.der = cert, b.Bytes
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("its private key: %w", err)
			}
			ek, ok := k.(*ecdsa.PrivateKey)
			if !ok {
				return nil, errors.New("its private key is not an ECDSA key")
			}
			ca.key = ek
		}
	}
	switch {
	case ca.cert == nil:
		return nil, errors.New("no CERTIFICATE block")
	case ca.key == nil:
		return nil, errors.New("no PRIVATE KEY block")
	case !ca.cert.IsCA:
		return nil, errors.New("the certificate is not a CA's")
	case !ca.key.PublicKey.Equal(ca.cert.PublicKey):
		return nil, errors.New("the private key does not belong to the certificate")
	}
	return &ca, nil
}

// CertPEM is the CA's certificate, PEM-encoded: what a client trusts.
func (ca *CA) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.der})
}

// KeyPEM is the CA's private key, PEM-encoded (PKCS #8).
func (ca *CA) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(ca.key)
	if err != nil { // an ECDSA P-256 key always marshals
		panic("tlsca: marshal the CA key: " + err.Error())
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// PEM is the certificate and the key, as a Keeper keeps them.
func (ca *CA) PEM() []byte { return append(ca.CertPEM(), ca.KeyPEM()...) }

// Certificate is the CA's certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// Pool is a pool holding only the CA, for a client's tls.Config.RootCAs.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// Issue signs a new server certificate for names (DNS names or IP
// addresses), valid from now, with a fresh key.
func (ca *CA) Issue(now time.Time, names ...string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: server key: %w", err)
	}
	serial, err := serialNumber()
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"ghlmock"}, CommonName: names[0]},
		NotBefore:    now.Add(-backdate),
		NotAfter:     now.Add(leafLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if tmpl.NotAfter.After(ca.cert.NotAfter) {
		tmpl.NotAfter = ca.cert.NotAfter
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: server certificate: %w", err)
	}
	// Check it as a client will, name constraints included.
	for _, n := range names {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: n, Roots: ca.Pool(), CurrentTime: now}); err != nil {
			return tls.Certificate{}, fmt.Errorf("tls: the server certificate does not verify for %s: %w", n, err)
		}
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.der}, PrivateKey: key, Leaf: leaf}, nil
}

// ServerConfig is a tls.Config serving a certificate for Names, issued now.
func (ca *CA) ServerConfig(now time.Time) (*tls.Config, error) {
	cert, err := ca.Issue(now, Names...)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
	}, nil
}

func serialNumber() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("tls: serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}
