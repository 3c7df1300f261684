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
	minRate := f.String("min-pass-rate", "", "fail when fewer of the tests that ran passed, in percent: 99, 99% or 99.5 (0.99 is refused: a fraction, or 0.99%? write 0.99% for the latter)")
	ref, err := jobOperand(f, args)
	if err != nil {
		return err
	}
	limits := analysis.GateLimits{MaxRegressions: *maxReg, MinPassRate: -1}
	if *minRate != "" {
		p, err := parsePercent(*minRate)
		if err != nil {
			return usagef("--min-pass-rate %v", err)
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

// parsePercent reads a pass rate in percent: "99", "99%", "99.5", "0.5%". A bare value
// between 0 and 1 is refused, as it is most likely a fraction (0.99 meant as 99%): read
// as percent it would let almost any job pass.
func parsePercent(s string) (float64, error) {
	text := strings.TrimSpace(s)
	explicit := strings.HasSuffix(text, "%")
	p, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(text, "%")), 64)
	switch {
	case err != nil || p < 0 || p > 100:
		return 0, fmt.Errorf("%q: want a percentage from 0 to 100 (99, 99%% or 99.5)", s)
	case !explicit && p > 0 && p < 1:
		return 0, fmt.Errorf("%q: the rate is in percent; did you mean %s%%? (write %s%% if you mean %s percent)",
			s, strconv.FormatFloat(p*100, 'f', -1, 64), text, text)
	}
	return p, nil
}
