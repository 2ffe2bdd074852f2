package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// dashDash finds a flag the flag package names with one dash in an error.
var dashDash = regexp.MustCompile(`(: |flag )-([a-z])`)

// newFlagSet returns a flag set that reports its own errors to stderr and
// never exits the process.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = commandUsage(fs)
	return fs
}

// envName is the environment variable that also sets a flag:
// --burst-limit reads GHLMOCK_BURST_LIMIT.
func envName(flagName string) string {
	return "GHLMOCK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args, then fills every flag the command line left unset
// from its GHLMOCK_<FLAG> environment variable: the command line wins over
// the environment, which wins over the default.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	// The flag package would print its error with the whole usage; say it
	// once instead, spelling the flag as -h and the README do.
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		return fmt.Errorf("%s (ghlmock %s -h lists the flags)", dashDash.ReplaceAllString(err.Error(), "$1--$2"), fs.Name())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
			}
		}
	})
	return err
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
