package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
	"github.com/ghlmock/ghlmock/mockserver/tlsca"
)

func init() {
	commands = append(commands, command{name: "tls", run: runTLS})
}

const tlsUsage = `Usage:
  ghlmock tls ca [--state FILE | --tls-dir DIR]   print the certificate of the CA serve --tls uses (PEM),
                                                  making the CA first if there is none yet
`

// runTLS is ghlmock tls: "ca" prints the CA's certificate, so a user can
// trust it before or while the mock runs.
func runTLS(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "ca" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprint(stdout, tlsUsage)
			return nil
		}
		fmt.Fprint(stderr, tlsUsage)
		return exitCode(2)
	}
	fs := newFlagSet("tls ca", stderr)
	state := fs.String("state", "", "the --state database of the serve --tls whose CA to print (the CA is kept in it)")
	dir := fs.String("tls-dir", "", "the --tls-dir of the serve --tls whose CA to print (default, without --state: ghlmock/tls in the user's configuration directory)")
	if err := parseFlags(fs, args[1:], getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	ca, where, created, err := caForPrint(ctx, *state, *dir)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stderr, "ghlmock tls ca: made a new certificate authority, kept in %s\n", where)
	}
	_, err = stdout.Write(ca.CertPEM())
	return err
}

// caForPrint finds the CA serve --tls would use with the same flags,
// making it when there is none (so that it can be trusted before the first
// serve --tls). A state database in use by a running ghlmock is only read.
func caForPrint(ctx context.Context, state, dir string) (*tlsca.CA, string, bool, error) {
	if dir != "" || state == "" {
		k, err := tlsDirKeeper(dir)
		if err != nil {
			return nil, "", false, err
		}
		ca, created, err := tlsca.LoadOrCreate(ctx, k, time.Now())
		return ca, k.Where(), created, err
	}
	if _, err := os.Stat(state); err == nil {
		db, err := sqlite.Open(ctx, state, sqlite.Options{ReadOnly: true})
		if err != nil {
			return nil, "", false, err
		}
		k := sqlite.MetaValue{DB: db, Key: mockserver.TLSMetaKey}
		raw, err := k.Load(ctx)
		_ = db.Close()
		if err != nil {
			return nil, "", false, fmt.Errorf("--state %s: %w", state, err)
		}
		if raw != nil {
			ca, err := tlsca.Parse(raw)
			if err != nil {
				return nil, "", false, fmt.Errorf("--state %s: the CA kept in it: %w", state, err)
			}
			return ca, k.Where(), false, nil
		}
	}
	db, err := sqlite.Open(ctx, state, sqlite.Options{})
	if err != nil {
		var r *sqlite.Refusal
		if errors.As(err, &r) && strings.Contains(r.Reason, "another ghlmock") {
			return nil, "", false, fmt.Errorf("--state %s holds no CA yet and a ghlmock is using it: restart that one with --tls (it makes the CA), or stop it and run ghlmock tls ca again", state)
		}
		return nil, "", false, err
	}
	defer func() { _ = db.Close() }()
	k := sqlite.MetaValue{DB: db, Key: mockserver.TLSMetaKey}
	ca, created, err := tlsca.LoadOrCreate(ctx, k, time.Now())
	return ca, k.Where(), created, err
}

// tlsDirKeeper is the directory the CA is kept in: dir, or the default.
func tlsDirKeeper(dir string) (tlsca.Dir, error) {
	if dir != "" {
		return tlsca.Dir(dir), nil
	}
	return tlsca.DefaultDir()
}

// serveTLSConfig is what serve --tls serves with: a certificate for GHL's
// host and the loopback names, issued at start by the CA kept in --tls-dir,
// else in the --state database, else in the default directory.
func serveTLSConfig(ctx context.Context, f *serveFlags, srv *mockserver.Server, logger *slog.Logger) (*tls.Config, error) {
	var k tlsca.Keeper
	if sk, ok := srv.TLSKeeper(); ok && f.tlsDir == "" {
		k = sk
	} else {
		d, err := tlsDirKeeper(f.tlsDir)
		if err != nil {
			return nil, err
		}
		k = d
	}
	now := time.Now() // certificates are checked against the real clock, not the mock's
	ca, created, err := tlsca.LoadOrCreate(ctx, k, now)
	if err != nil {
		return nil, err
	}
	cfg, err := ca.ServerConfig(now)
	if err != nil {
		return nil, err
	}
	trust := "ghlmock tls ca"
	switch {
	case f.tlsDir != "":
		trust += " --tls-dir " + f.tlsDir
	case f.state != "":
		trust += " --state " + f.state
	}
	logger.Info("serving TLS", "names", strings.Join(tlsca.Names, ","), "ca", k.Where(), "newCA", created,
		"trust", trust+" > ghlmock-ca.pem; NODE_EXTRA_CA_CERTS=ghlmock-ca.pem")
	return cfg, nil
}

// tlsHosts are the names serve --tls adds to the admin API's allowed hosts:
// GHL's host, which a client reaches the mock by through a hosts entry or a
// resolver of its own. No web page can rebind that name to the mock (its
// owner is HighLevel), so it is as safe as localhost.
func tlsHosts() []string { return []string{tlsca.Host} }
