package analysis

import (
	"context"

	"github.com/regtracker/regtracker/core"
)

// Run is one job's result for a test.
type Run struct {
	Job      core.JobRef
	Status   core.Status
	Flaky    bool
	Duration float64
	Message  string
	Revision string // the source revision the job was built from, "" when not known
}

// History is a test's runs across the jobs of a module.
type History struct {
	Test core.TestID
	Runs []Run // the jobs that ran the test, by number
	// FailingSince is the first job of the unbroken run of failed or error results that
	// ends with the latest run, and Age the number of results in it; nil and 0 when the
	// latest run did not fail. Jobs that did not run the test do not break the run.
	FailingSince *core.JobRef
	Age          int
}

// TestHistory returns the history of test in module.
func TestHistory(ctx context.Context, st Store, module core.ModuleRef, test core.TestID) (History, error) {
	h := History{Test: test}
	key, err := st.TestKey(ctx, test)
	if err != nil {
		return h, err
	}
	states, err := st.TestHistory(ctx, module, key)
	if err != nil {
		return h, err
	}
	for _, s := range states {
		if s.Present {
			h.Runs = append(h.Runs, Run{Job: s.Job.JobRef, Status: s.State.Status, Flaky: s.State.Flaky,
				Duration: s.Duration, Message: s.Message, Revision: s.Job.Revision})
		}
	}
	h.FailingSince, h.Age = failingSince(h.Runs)
	return h, nil
}

// failingSince finds the current unbroken run of failures at the end of runs.
func failingSince(runs []Run) (*core.JobRef, int) {
	age := 0
	for i := len(runs) - 1; i >= 0 && runs[i].Status.IsFailure(); i-- {
		age++
	}
	if age == 0 {
		return nil, 0
	}
	since := runs[len(runs)-age].Job
	return &since, age
}
