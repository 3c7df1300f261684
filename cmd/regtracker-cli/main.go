// Command regtracker-cli is regtracker without a window: the same core, for scripts and
// servers. It builds with CGO_ENABLED=0. See `regtracker-cli help`.
package main

import (
	"os"

	"github.com/regtracker/regtracker/cmd/regtracker-cli/cli"
)

func main() {
	os.Exit(cli.Run(cli.SignalContext(), os.Args[1:], os.Stdout, os.Stderr))
}
