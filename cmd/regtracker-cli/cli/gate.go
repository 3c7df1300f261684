package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/regtracker/regtracker/core/analysis"
)

// runGate is a CI step: exit 1 with a one-line reason when the job falls short.
func runGate(ctx context.Context, e *env, args []string) error {
	f := newFlags("gate", e)
	baseOf := baseFlag(f)
	maxReg := f.Int("max-regressions", -1, "fail when more tests regressed than this (known issues not counted)")
	minRate := f.String("min-pass-rate", "", "fail when fewer of the tests that ran passed, in percent (e.g. 99.5)")
	ref, err := jobOperand(f, args)
	if err != nil {
		return err
	}
	limits := analysis.GateLimits{MaxRegressions: *maxReg, MinPassRate: -1}
	if *minRate != "" {
		p, err := strconv.ParseFloat(strings.TrimSuffix(*minRate, "%"), 64)
		if err != nil || p < 0 || p > 100 {
			return usagef("--min-pass-rate %q: want a percentage from 0 to 100", *minRate)
		}
		limits.MinPassRate = p
	}
	base, err := baseOf()
	if err != nil {
		return err
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := analysis.Gate(ctx, st, ref, base, limits)
	if err != nil {
		return err
	}
	if v.Pass {
		fmt.Fprintln(e.stdout, "gate passed: "+v.Reason)
		return nil
	}
	fmt.Fprintln(e.stdout, "gate failed: "+v.Reason)
	return reportedError{"gate failed"}
}
