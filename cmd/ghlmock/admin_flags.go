package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
)

// adminFlags say who may use the admin API: the token (from a file or the
// environment, so that it stays off the command line, where every local
// user can read it with ps) and the host names it answers under.
type adminFlags struct {
	token        string
	tokenFile    string
	allowedHosts stringList
}

// stringList is a flag that may be given more than once.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	for _, v := range strings.Split(s, ",") { // GHLMOCK_ALLOWED_HOST=a,b
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

func (a *adminFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.token, "admin-token", "", "bearer token the admin API (/_mock/) requires; prefer GHLMOCK_ADMIN_TOKEN or --admin-token-file, which keep it off the command line")
	fs.StringVar(&a.tokenFile, "admin-token-file", "", "file holding the admin token (its first line)")
	fs.Var(&a.allowedHosts, "allowed-host", "a host name, besides localhost, IP addresses and the --addr host, that the admin API answers under without the admin token (repeatable)")
}

// resolve reads the token file, if any, and returns the admin token and
// the allowed hosts, the listen host among them.
func (a *adminFlags) resolve(addr string) (token string, hosts []string, err error) {
	token = a.token
	if a.tokenFile != "" {
		if token != "" {
			return "", nil, errors.New("set the admin token one way: --admin-token (GHLMOCK_ADMIN_TOKEN) or --admin-token-file, not both")
		}
		raw, err := os.ReadFile(a.tokenFile)
		if err != nil {
			return "", nil, fmt.Errorf("--admin-token-file: %w", err)
		}
		token, _, _ = strings.Cut(string(raw), "\n")
		if token = strings.TrimSpace(token); token == "" {
			return "", nil, fmt.Errorf("--admin-token-file %s: the file is empty: put the token on its first line", a.tokenFile)
		}
	}
	hosts = append(hosts, a.allowedHosts...)
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" && net.ParseIP(host) == nil {
		hosts = append(hosts, host)
	}
	return token, hosts, nil
}
