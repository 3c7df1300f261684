package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
)

type slowerJSON struct {
	Classname    string  `json:"classname"`
	Name         string  `json:"name"`
	Duration     float64 `json:"duration_seconds"`
	Baseline     float64 `json:"baseline_seconds"`
	BaselineRuns int     `json:"baseline_runs"`
}

// parseSeconds reads a duration: "500ms", "2s", or a number of seconds.
func parseSeconds(s string) (float64, error) {
	if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 0 {
		return v, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a duration such as 500ms or 2s", s)
	}
	return d.Seconds(), nil
}

func runSlower(ctx context.Context, e *env, args []string) error {
	f := newFlags("slower", e)
	factor := f.Float64("factor", 2, "at least this many times the test's usual time")
	minInc := f.String("min-increase", "500ms", "and at least this much longer")
	ref, err := jobOperand(f, args)
	if err != nil {
		return err
	}
	if *factor < 1 {
		return usagef("--factor %g: want 1 or more", *factor)
	}
	minIncrease, err := parseSeconds(*minInc)
	if err != nil {
		return usagef("--min-increase %v", err)
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	slower, err := analysis.Slower(ctx, st, ref, *factor, minIncrease)
	if err != nil {
		return err
	}
	if f.json {
		out := struct {
			Job    string       `json:"job"`
			Slower []slowerJSON `json:"slower"`
		}{Job: ref.String(), Slower: make([]slowerJSON, 0, len(slower))}
		for _, s := range slower {
			out.Slower = append(out.Slower, slowerJSON{s.Test.Classname, s.Test.Name, round(s.Duration, 6), round(s.Baseline, 6), s.BaselineRuns})
		}
		return writeJSON(e, out)
	}
	fmt.Fprintf(e.stdout, "%s: %s tests took at least %gx their usual time and %s more\n", ref, format.Count(int64(len(slower))),
		*factor, format.Duration(time.Duration(minIncrease*float64(time.Second))))
	rows := make([][]string, 0, len(slower))
	for _, s := range slower {
		rows = append(rows, []string{s.Test.String(), fmt.Sprintf("%.3f s", s.Duration), fmt.Sprintf("%.3f s", s.Baseline),
			strconv.Itoa(s.BaselineRuns), fmt.Sprintf("+%.3f s", s.Increase())})
	}
	if len(rows) > 0 {
		table(e.stdout, []string{"TEST", "TIME", "USUAL", "RUNS", "INCREASE"}, rows, "lrrrr")
	}
	return nil
}
