package main

import (
	"fmt"
	"net"
	"strconv"
	"time"
)

// check refuses the values of serve's flags that serve cannot use, before
// anything starts, with a message that names the flag and says what it
// takes: an --addr without a port would otherwise fail deep in net.Listen as
// "missing port in address", and a negative count would be taken as "the
// default" without a word.
func (f *serveFlags) check() error {
	if err := checkAddr(f.addr); err != nil {
		return err
	}
	for _, c := range []struct {
		flag string
		n    int
		min  int
	}{
		{"contacts", f.contacts, 0},
		{"burst-limit", f.burstLimit, 0},
		{"daily-limit", f.dailyLimit, 0},
		{"journal-size", f.journalSize, 1},
		{"journal-bodies", f.journalBody, 0},
	} {
		if c.n < c.min {
			if c.min == 0 {
				return fmt.Errorf("--%s must not be negative, not %d", c.flag, c.n)
			}
			return fmt.Errorf("--%s must be at least %d, not %d", c.flag, c.min, c.n)
		}
	}
	for _, d := range []struct {
		flag string
		d    time.Duration
	}{
		{"burst-window", f.burstWindow},
		{"shutdown-grace", f.grace},
		{"state-every", f.stateEvery},
	} {
		if d.d < 0 {
			return fmt.Errorf("--%s must not be negative, not %s", d.flag, d.d)
		}
	}
	return nil
}

// checkAddr refuses an --addr that is not HOST:PORT with a numeric port.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q is not HOST:PORT: give a port too, e.g. 127.0.0.1:8080 (port 0 picks a free one; 0.0.0.0:8080 listens on every interface)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--addr %q: the port must be a number from 0 to 65535", addr)
	}
	return nil
}
