// Command regtracker-cli is regtracker without a window: the same core, for scripts and
// servers. It builds with CGO_ENABLED=0.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/regtracker/regtracker/cmd/regtracker-cli/cli"
)

func main() {
	// The first Ctrl-C (or SIGTERM) cancels the running command, which rolls back what
	// it was writing; a second one kills the process as usual.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	os.Exit(cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
