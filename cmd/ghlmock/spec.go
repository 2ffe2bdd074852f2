package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/ghlmock/ghlmock/openapi"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise it
// comes from the module's build information.
var version = ""

func runSpec(stdout io.Writer) error {
	_, err := stdout.Write(openapi.Document())
	return err
}

func runVersion(stdout io.Writer) error {
	v := version
	if v == "" {
		v = "(devel)"
		if bi, ok := debug.ReadBuildInfo(); ok {
			if bi.Main.Version != "" {
				v = bi.Main.Version
			}
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					v += " " + s.Value[:12]
				}
			}
		}
	}
	_, err := fmt.Fprintln(stdout, "ghlmock", v)
	return err
}
