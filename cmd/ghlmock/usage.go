package main

import (
	"flag"
	"fmt"
	"strings"
)

// commandUsage is what "ghlmock COMMAND -h" prints: the flags spelled as
// the README spells them (--addr, not Go's -addr; both work), each with the
// GHLMOCK_<FLAG> variable that also sets it.
func commandUsage(fs *flag.FlagSet) func() {
	return func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: ghlmock %s [flags]\n\nFlags (each also read from the environment variable shown; a flag given wins):\n", fs.Name())
		fs.VisitAll(func(f *flag.Flag) {
			typ, usage := flag.UnquoteUsage(f)
			line := "  --" + f.Name
			if typ != "" {
				line += " " + typ
			}
			fmt.Fprintf(w, "%s\n      %s", line, strings.ReplaceAll(usage, "\n", "\n      "))
			if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "0s" {
				fmt.Fprintf(w, " (default %s)", d)
			}
			fmt.Fprintf(w, " [%s]\n", envName(f.Name))
		})
	}
}
