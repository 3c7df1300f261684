package cli

import (
	"context"
	"fmt"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/store/backend"
	"github.com/regtracker/regtracker/core/storecopy"
)

// runCopy copies the jobs, known issues and source clones one store has and another
// lacks.
func runCopy(ctx context.Context, e *env, args []string) error {
	f := newFlags("copy", e)
	fromArg := f.String("from", "", "the store to copy from (a database file or a postgres:// URL)")
	toArg := f.String("to", "", "the store to copy into (a file, created if needed, or a postgres:// URL)")
	ops, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(ops) != 0 || *fromArg == "" || *toArg == "" {
		return usagef("want --from DB and --to DB, and no operands")
	}
	if f.db != "" {
		return usagef("copy takes --from and --to, not --db")
	}
	from, err := backend.Open(ctx, *fromArg)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := backend.Open(ctx, *toArg)
	if err != nil {
		return err
	}
	defer to.Close()
	progress := func(job core.JobRef, i, n int) {
		if !f.json && isTerminal(e.stderr) {
			fmt.Fprintf(e.stderr, "\r%s (%d of %d)   ", job, i+1, n)
		}
	}
	sum, err := storecopy.Copy(ctx, from, to, progress)
	if !f.json && isTerminal(e.stderr) {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if f.json {
		return writeJSON(e, struct {
			From string `json:"from"`
			To   string `json:"to"`
			storecopy.Summary
		}{from.Path(), to.Path(), sum})
	}
	fmt.Fprintf(e.stdout, "copied %s jobs (%s results), %s known issues and %s source clones from %s to %s; %s jobs were there already\n",
		format.Count(int64(sum.Jobs)), format.Count(sum.Results), format.Count(int64(sum.KnownIssues)), format.Count(int64(sum.Repos)),
		from.Path(), to.Path(), format.Count(int64(sum.Skipped)))
	return nil
}
