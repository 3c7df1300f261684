package analysis

import (
	"context"

	"github.com/regtracker/regtracker/core"
)

// TrendPoint is one job of a module's trend.
type TrendPoint struct {
	Job core.Job
	// PassRate is Passed / (Tests - Skipped), 0 when nothing ran.
	PassRate           float64
	Regressions, Fixed int64
}

// PassRate is passed over the tests that ran (not skipped), 0 when none ran.
func PassRate(c core.Counts) float64 {
	if ran := c.Tests - c.Skipped; ran > 0 {
		return float64(c.Passed) / float64(ran)
	}
	return 0
}

// Trend returns every job of module by number with its pass rate and its regressions
// and fixed tests against the job before it. Those counts are kept with the jobs; the
// ones missing or made stale by a job imported in between are computed and kept now.
func Trend(ctx context.Context, st Store, module core.ModuleRef) ([]TrendPoint, error) {
	jobs, diffs, err := st.JobsWithDiffs(ctx, module)
	if err != nil {
		return nil, err
	}
	kn, err := activeKnown(ctx, st, module)
	if err != nil {
		return nil, err
	}
	out := make([]TrendPoint, len(jobs))
	for i, j := range jobs {
		p := TrendPoint{Job: j, PassRate: PassRate(j.Counts), Regressions: diffs[i].Regressions, Fixed: diffs[i].Fixed}
		// Kept counts are stale when the base changed, or the known issues that apply
		// (one added, removed or expired).
		if !diffs[i].Current || diffs[i].KnownSet != kn.stamp {
			var base *core.JobRef
			if i > 0 {
				base = &jobs[i-1].JobRef
			}
			if p.Regressions, p.Fixed, err = storeDiff(ctx, st, j.JobRef, base, kn); err != nil {
				return nil, err
			}
		}
		out[i] = p
	}
	return out, nil
}

// storeDiff computes and keeps job's counts against base (none when base is nil),
// leaving out the known issues kn.
func storeDiff(ctx context.Context, st Store, job core.JobRef, base *core.JobRef, kn known) (regressions, fixes int64, err error) {
	if base != nil {
		if regressions, fixes, err = diffCounts(ctx, st, job, *base, kn); err != nil {
			return 0, 0, err
		}
	}
	return regressions, fixes, st.SetDiffCounts(ctx, job, base, regressions, fixes, kn.stamp)
}

// Refresh brings the kept trend counts up to date after job was imported: its own, and
// those of the job after it, whose base it may have become.
func Refresh(ctx context.Context, st Store, job core.JobRef) error {
	kn, err := activeKnown(ctx, st, job.ModuleRef)
	if err != nil {
		return err
	}
	for _, j := range []core.JobRef{job} {
		base, ok, err := st.Base(ctx, j)
		if err != nil {
			return err
		}
		var b *core.JobRef
		if ok {
			b = &base
		}
		if _, _, err := storeDiff(ctx, st, j, b, kn); err != nil {
			return err
		}
	}
	next, ok, err := st.Next(ctx, job)
	if err != nil || !ok {
		return err
	}
	_, _, err = storeDiff(ctx, st, next, &job, kn)
	return err
}
