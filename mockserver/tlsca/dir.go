package tlsca

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir keeps the CA in a directory: ca.pem, the certificate (the file to
// trust: NODE_EXTRA_CA_CERTS=DIR/ca.pem), and ca-key.pem, its private key,
// readable by its owner only.
type Dir string

// Files in a Dir.
const (
	CertFile = "ca.pem"
	KeyFile  = "ca-key.pem"
)

// DefaultDir is where the CA is kept when neither --tls-dir nor --state
// says: ghlmock/tls under the user's configuration directory (on Linux
// $XDG_CONFIG_HOME or ~/.config), not the cache, which may be wiped, and
// with it the trust a user gave the CA.
func DefaultDir() (Dir, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("tls: no directory to keep the CA in (%w): give --tls-dir", err)
	}
	return Dir(filepath.Join(base, "ghlmock", "tls")), nil
}

// Where implements Keeper.
func (d Dir) Where() string { return string(d) }

// Load implements Keeper: nil when the directory holds no CA; an error when
// it holds half of one.
func (d Dir) Load(context.Context) ([]byte, error) {
	cert, cerr := os.ReadFile(filepath.Join(string(d), CertFile))
	key, kerr := os.ReadFile(filepath.Join(string(d), KeyFile))
	switch {
	case errors.Is(cerr, fs.ErrNotExist) && errors.Is(kerr, fs.ErrNotExist):
		return nil, nil
	case cerr != nil:
		return nil, cerr
	case kerr != nil:
		return nil, kerr
	}
	return append(cert, key...), nil
}

// Save implements Keeper. It writes the key first, so that a directory
// with a certificate always has its key; neither file is replaced once
// there (Load found nothing, or Save is not called).
func (d Dir) Save(_ context.Context, pemBytes []byte) error {
	ca, err := Parse(pemBytes)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return err
	}
	if err := writeNew(filepath.Join(string(d), KeyFile), ca.KeyPEM(), 0o600); err != nil {
		return err
	}
	return writeNew(filepath.Join(string(d), CertFile), ca.CertPEM(), 0o644)
}

// writeNew writes a file that must not exist yet: two mocks starting at
// once must not each keep a CA of their own under the same name.
func writeNew(path string, b []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
