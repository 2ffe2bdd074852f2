// Command ghlmock is a stateful fake of the GoHighLevel API v2 Contacts
// endpoints and a contract-test harness that runs the same scenarios against
// the fake and against the real API.
//
// Usage:
//
//	ghlmock serve     [--addr 127.0.0.1:8080] [--seed 1] [--fixtures PATH] …
//	ghlmock fixtures  --json [--fixtures PATH] [--seed N]
//	ghlmock contract  [--base-url URL --token T --location-id L] [--tags …] [--json F] [--junit F]
//	ghlmock health    [--addr HOST:PORT | --url URL] [--wait 30s]
//	ghlmock oauth     authorize|decode
//	ghlmock tls ca    [--state FILE | --tls-dir DIR]
//	ghlmock spec
//	ghlmock version   (or ghlmock --version)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	if err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		fmt.Fprintln(os.Stderr, "ghlmock:", err)
		os.Exit(1)
	}
}

// exitCode ends the program with a status and no further message (the
// command already said what went wrong).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const usage = `ghlmock: a stateful fake of the GoHighLevel Contacts API v2, and its contract suite.

Usage:
  ghlmock serve      start the mock server
  ghlmock fixtures   print the resolved fixtures (--json)
  ghlmock contract   run the contract scenarios against a server
  ghlmock webhooks   print the webhook signing key (keys) or check a receiver (check)
  ghlmock oauth      authorize an OAuth app on a running mock; decode a token
  ghlmock tls ca     print the certificate of the CA serve --tls uses
  ghlmock spec       print the embedded OpenAPI document
  ghlmock health     ask a running mock whether it is healthy (exit 0 or 1)
  ghlmock version    print the version (also: ghlmock --version)

Run "ghlmock COMMAND -h" for a command's flags.
`

// run is the whole program; main only wires it to the process. Tests call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCode(2)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "spec":
		return runSpec(stdout)
	case "version", "--version", "-version":
		return runVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	for _, c := range commands {
		if c.name == cmd {
			return c.run(ctx, rest, stdout, stderr, getenv)
		}
	}
	fmt.Fprintf(stderr, "ghlmock: unknown command %q\n\n%s", cmd, usage)
	return exitCode(2)
}

// command is a subcommand with flags; the list grows as features land.
type command struct {
	name string
	run  func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error
}

var commands []command
