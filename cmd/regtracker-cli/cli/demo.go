package cli

import (
	"context"
	"fmt"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/demo"
	"github.com/regtracker/regtracker/core/format"
)

type demoJSON struct {
	Jobs    int   `json:"jobs"`
	Results int64 `json:"results"`
}

func runDemo(ctx context.Context, e *env, args []string) error {
	f := newFlags("demo", e)
	ops, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return usagef("unexpected operand %q", ops[0])
	}
	st, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var sum demoJSON
	err = demo.Fill(ctx, st, func(j core.Job) {
		sum.Jobs++
		sum.Results += j.Tests
		if !f.json && isTerminal(e.stderr) {
			fmt.Fprintf(e.stderr, "\rimported %s", j.JobRef)
		}
	})
	if err != nil {
		return fmt.Errorf("%w (demo fills a new database: give one with --db)", err)
	}
	// Keep each module's trend counts, so that the first look is fast.
	for _, rel := range demo.Releases {
		for _, mod := range demo.Modules {
			if _, err := analysis.Trend(ctx, st, core.ModuleRef{Release: rel, Module: mod}); err != nil {
				return err
			}
		}
	}
	if f.json {
		return writeJSON(e, sum)
	}
	if isTerminal(e.stderr) {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
	fmt.Fprintf(e.stdout, "demo history in %s: %d jobs of %d modules in %d releases, %s results\n",
		st.Path(), sum.Jobs, len(demo.Modules), len(demo.Releases), format.Count(sum.Results))
	return nil
}
