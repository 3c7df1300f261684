package analysis

import (
	"context"
	"fmt"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
)

// GateLimits are what a job must meet; a negative value is no limit.
type GateLimits struct {
	MaxRegressions int
	MinPassRate    float64 // percent, 0-100
}

// Verdict is a gate's answer about one job.
type Verdict struct {
	Pass   bool
	Reason string // one line: why it fails, or what it met
	// Regressions counts the regressions that no known issue covers; Known those that
	// one does.
	Regressions, Known int
	// PassRate is the percentage of the tests that ran (not skipped) that passed,
	// failing tests under a known issue left out.
	PassRate float64
	Base     *core.JobRef
}

// Gate checks job against limits, comparing it with base or the job before it.
func Gate(ctx context.Context, st Store, job core.JobRef, base *core.JobRef, limits GateLimits) (Verdict, error) {
	c, err := Compare(ctx, st, job, base)
	if err != nil {
		return Verdict{}, err
	}
	j, err := st.Job(ctx, job)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Regressions: len(c.Regressions), Known: len(c.Known), Base: c.Base}
	knownFailing := int64(len(c.Known))
	for _, l := range [][]Change{c.StillFailing, c.NewFailures} {
		for _, ch := range l {
			if ch.Known != nil {
				knownFailing++
			}
		}
	}
	if ran := j.Tests - j.Skipped - knownFailing; ran > 0 {
		v.PassRate = 100 * float64(j.Passed) / float64(ran)
	}
	against := "no base job"
	if c.Base != nil {
		against = "against " + c.Base.String()
	}
	switch {
	case limits.MaxRegressions >= 0 && v.Regressions > limits.MaxRegressions:
		v.Reason = fmt.Sprintf("%s: %s %s, more than the %s allowed", job, format.Counted(int64(v.Regressions), "regression"),
			against, format.Count(int64(limits.MaxRegressions)))
	case limits.MinPassRate >= 0 && v.PassRate < limits.MinPassRate:
		v.Reason = fmt.Sprintf("%s: pass rate %.2f%%, below the %.2f%% required", job, v.PassRate, limits.MinPassRate)
	default:
		v.Pass = true
		v.Reason = fmt.Sprintf("%s: %s %s, pass rate %.2f%%", job, format.Counted(int64(v.Regressions), "regression"), against, v.PassRate)
	}
	if v.Known > 0 {
		v.Reason += fmt.Sprintf(" (%s known, not counted)", format.Count(int64(v.Known)))
	}
	return v, nil
}
