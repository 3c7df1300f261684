package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/assertdiff"
	"github.com/regtracker/regtracker/core/format"
)

// changeJSON is one listed test of `regressions --json`.
type changeJSON struct {
	Classname  string `json:"classname"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	BaseStatus string `json:"base_status"` // "absent" for a new failure
	Message    string `json:"message"`
	// Expected and Actual: the two values of a failed equality assertion, when the
	// message is worded as a common assertion library words it.
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	// Known is the known issue a failing test falls under.
	Known *knownRefJSON `json:"known_issue,omitempty"`
	// For regressions: the jobs it last passed and first failed in, and the commits
	// between them, suspects first.
	LastPassed  *string       `json:"last_passed,omitempty"`
	FirstFailed *string       `json:"first_failed,omitempty"`
	Changes     *[]commitJSON `json:"changes,omitempty"` // for regressions, [] when none
	Suspects    int           `json:"suspects,omitempty"`
}

// commitJSON is one commit of `regressions --json` and `changes --json`.
type commitJSON struct {
	ID      string   `json:"id"`
	Author  string   `json:"author"`
	Time    string   `json:"time"`
	Message string   `json:"message"`
	Paths   []string `json:"paths"`
	Build   int64    `json:"build,omitempty"`
}

func commitsJSON(cs []core.Commit) []commitJSON {
	out := make([]commitJSON, 0, len(cs))
	for _, c := range cs {
		paths := c.Paths
		if paths == nil {
			paths = []string{}
		}
		out = append(out, commitJSON{c.ID, c.Author, c.Time.Format(time.RFC3339), c.Message, paths, c.Build})
	}
	return out
}

type knownRefJSON struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
	Link   string `json:"link,omitempty"`
}

type comparisonJSON struct {
	Job          string       `json:"job"`
	Base         *string      `json:"base"`
	Regressions  []changeJSON `json:"regressions"`
	Fixed        []changeJSON `json:"fixed"`
	StillFailing []changeJSON `json:"still_failing"`
	NewFailures  []changeJSON `json:"new_failures"`
	// Known: regressions under a known issue, not counted among Regressions.
	Known        []changeJSON `json:"known"`
	NewTests     int64        `json:"new_tests"`
	RemovedTests int64        `json:"removed_tests"`
}

func changesJSON(cs []analysis.Change) []changeJSON {
	out := make([]changeJSON, 0, len(cs))
	for _, c := range cs {
		ch := changeJSON{Classname: c.Test.Classname, Name: c.Test.Name, Status: c.Status.String(), BaseStatus: c.BaseWord(), Message: c.Message}
		if v, ok := assertdiff.Parse(c.Message); ok {
			ch.Expected, ch.Actual = v.Expected, v.Actual
		}
		if c.Known != nil {
			ch.Known = &knownRefJSON{ID: c.Known.ID, Reason: c.Known.Reason, Link: c.Known.Link}
		}
		if c.LastPassed != nil {
			lp, ff := c.LastPassed.String(), c.FirstFailed.String()
			ch.LastPassed, ch.FirstFailed = &lp, &ff
			cs := commitsJSON(c.Changes)
			ch.Changes, ch.Suspects = &cs, c.Suspects
		}
		out = append(out, ch)
	}
	return out
}

// oneOperand parses flags and requires exactly one operand, named what.
func oneOperand(f *flags, args []string, what string) (string, error) {
	ops, err := f.parse(args)
	if err != nil {
		return "", err
	}
	if len(ops) != 1 {
		return "", usagef("want one %s, got %d operands", what, len(ops))
	}
	return ops[0], nil
}

// baseFlag adds --base to f; its result parses it after f.parse (nil: the job before).
func baseFlag(f *flags) func() (*core.JobRef, error) {
	arg := f.String("base", "", "compare with this job RELEASE/MODULE/NUMBER instead of the one before")
	return func() (*core.JobRef, error) {
		if *arg == "" {
			return nil, nil
		}
		b, err := core.ParseJobRef(*arg, false)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		return &b, nil
	}
}

func jobOperand(f *flags, args []string) (core.JobRef, error) {
	s, err := oneOperand(f, args, "job RELEASE/MODULE/NUMBER")
	if err != nil {
		return core.JobRef{}, err
	}
	ref, err := core.ParseJobRef(s, false)
	if err != nil {
		return ref, usageError{err.Error()}
	}
	return ref, nil
}

func moduleOperand(f *flags, args []string) (core.ModuleRef, error) {
	s, err := oneOperand(f, args, "module RELEASE/MODULE")
	if err != nil {
		return core.ModuleRef{}, err
	}
	m, err := core.ParseModuleRef(s)
	if err != nil {
		return m, usageError{err.Error()}
	}
	return m, nil
}

func runRegressions(ctx context.Context, e *env, args []string) error {
	f := newFlags("regressions", e)
	baseOf := baseFlag(f)
	ref, err := jobOperand(f, args)
	if err != nil {
		return err
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
	c, err := analysis.Compare(ctx, st, ref, base)
	if err != nil {
		return err
	}
	if f.json {
		out := comparisonJSON{Job: c.Job.String(), Regressions: changesJSON(c.Regressions), Fixed: changesJSON(c.Fixed),
			StillFailing: changesJSON(c.StillFailing), NewFailures: changesJSON(c.NewFailures), Known: changesJSON(c.Known),
			NewTests: c.NewTests, RemovedTests: c.RemovedTests}
		if c.Base != nil {
			b := c.Base.String()
			out.Base = &b
		}
		return writeJSON(e, out)
	}
	if c.Base == nil {
		fmt.Fprintf(e.stdout, "%s is the first job of %s: nothing to compare with (use --base); every test is new: %s",
			c.Job, c.Job.ModuleRef, format.Counted(int64(len(c.NewFailures)), "new failure"))
	} else {
		fmt.Fprintf(e.stdout, "%s against %s: %s, %s fixed, %s still failing, %s, %s, %s removed",
			c.Job, c.Base, format.Counted(int64(len(c.Regressions)), "regression"), format.Count(int64(len(c.Fixed))),
			format.Count(int64(len(c.StillFailing))), format.Counted(int64(len(c.NewFailures)), "new failure"),
			format.Counted(c.NewTests, "new test"), format.Count(c.RemovedTests))
	}
	if len(c.Known) > 0 {
		fmt.Fprintf(e.stdout, "; %s not counted", format.Counted(int64(len(c.Known)), "known regression"))
	}
	fmt.Fprintln(e.stdout)
	for _, sec := range []struct {
		title string
		list  []analysis.Change
	}{{"Regressions", c.Regressions}, {"New failures", c.NewFailures}, {"Fixed", c.Fixed}, {"Still failing", c.StillFailing},
		{"Known issues (not counted)", c.Known}} {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(e.stdout, "\n%s (%s)\n", sec.title, format.Count(int64(len(sec.list))))
		rows := make([][]string, 0, len(sec.list))
		withChanges := false
		for _, ch := range changesJSON(sec.list) {
			row := []string{ch.Classname + "::" + ch.Name, ch.BaseStatus + " -> " + ch.Status, oneLine(ch.Message, 80)}
			if ch.LastPassed != nil {
				withChanges = true
				suspect := ""
				if ch.Suspects > 0 {
					first := (*ch.Changes)[0]
					suspect = shortID(first.ID) + " " + oneLine(first.Message, 50)
				}
				row = append(row, strconv.Itoa(len(*ch.Changes)), suspect)
			} else {
				row = append(row, "", "")
			}
			rows = append(rows, row)
		}
		if withChanges {
			table(e.stdout, []string{"TEST", "CHANGE", "MESSAGE", "CHANGES", "FIRST SUSPECT"}, rows, "lllrl")
		} else {
			for i := range rows {
				rows[i] = rows[i][:3]
			}
			table(e.stdout, []string{"TEST", "CHANGE", "MESSAGE"}, rows, "lll")
		}
	}
	return nil
}

// oneLine shortens a message to its first line of at most n characters.
func oneLine(s string, n int) string {
	for i, r := range s {
		if r == '\n' {
			s = s[:i]
			break
		}
	}
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

type trendJSON struct {
	Number          int64   `json:"number"`
	Tests           int64   `json:"tests"`
	Passed          int64   `json:"passed"`
	Failed          int64   `json:"failed"`
	Errors          int64   `json:"errors"`
	Skipped         int64   `json:"skipped"`
	Flaky           int64   `json:"flaky"`
	PassRate        float64 `json:"pass_rate"`
	Regressions     int64   `json:"regressions"`
	Fixed           int64   `json:"fixed"`
	DurationSeconds float64 `json:"duration_seconds"`
	ImportedAt      string  `json:"imported_at"`
}

func runTrend(ctx context.Context, e *env, args []string) error {
	f := newFlags("trend", e)
	m, err := moduleOperand(f, args)
	if err != nil {
		return err
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	points, err := analysis.Trend(ctx, st, m)
	if err != nil {
		return err
	}
	if f.json {
		out := make([]trendJSON, 0, len(points))
		for _, p := range points {
			j := p.Job
			out = append(out, trendJSON{j.Number, j.Tests, j.Passed, j.Failed, j.Errors, j.Skipped, j.Flaky,
				round(p.PassRate, 6), p.Regressions, p.Fixed, round(j.Duration, 3), j.ImportedAt.Format(time.RFC3339)})
		}
		return writeJSON(e, out)
	}
	if len(points) == 0 {
		fmt.Fprintf(e.stdout, "%s has no jobs\n", m)
		return nil
	}
	rows := make([][]string, 0, len(points))
	for _, p := range points {
		j := p.Job
		rows = append(rows, []string{strconv.FormatInt(j.Number, 10), format.Count(j.Tests), format.Count(j.Passed),
			format.Count(j.Failed), format.Count(j.Errors), format.Count(j.Skipped), format.Count(j.Flaky),
			fmt.Sprintf("%.1f%%", 100*p.PassRate), format.Count(p.Regressions), format.Count(p.Fixed),
			format.Duration(time.Duration(j.Duration * float64(time.Second)))})
	}
	table(e.stdout, []string{"JOB", "TESTS", "PASSED", "FAILED", "ERRORS", "SKIPPED", "FLAKY", "PASS RATE", "REGRESSIONS", "FIXED", "DURATION"}, rows, "rrrrrrrrrrr")
	return nil
}

type runJSON struct {
	Job             string  `json:"job"`
	Number          int64   `json:"number"`
	Status          string  `json:"status"`
	DurationSeconds float64 `json:"duration_seconds"`
	Message         string  `json:"message"`
	Expected        string  `json:"expected,omitempty"` // see changeJSON
	Actual          string  `json:"actual,omitempty"`
	Revision        string  `json:"revision,omitempty"`
}

type historyJSON struct {
	Test         string    `json:"test"`
	FailingSince *string   `json:"failing_since"`
	Age          int       `json:"age"`
	Runs         []runJSON `json:"runs"`
}

func runHistory(ctx context.Context, e *env, args []string) error {
	f := newFlags("history", e)
	ops, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(ops) != 2 {
		return usagef("want RELEASE/MODULE and CLASSNAME::NAME, got %d operands", len(ops))
	}
	m, err := core.ParseModuleRef(ops[0])
	if err != nil {
		return usageError{err.Error()}
	}
	test, err := core.ParseTestID(ops[1])
	if err != nil {
		return usageError{err.Error()}
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := analysis.TestHistory(ctx, st, m, test)
	if err != nil {
		return err
	}
	if f.json {
		out := historyJSON{Test: h.Test.String(), Age: h.Age, Runs: make([]runJSON, 0, len(h.Runs))}
		if h.FailingSince != nil {
			s := h.FailingSince.String()
			out.FailingSince = &s
		}
		for _, r := range h.Runs {
			run := runJSON{Job: r.Job.String(), Number: r.Job.Number, Status: r.Status.String(), DurationSeconds: round(r.Duration, 6),
				Message: r.Message, Revision: r.Revision}
			if v, ok := assertdiff.Parse(r.Message); ok && r.Status.IsFailure() {
				run.Expected, run.Actual = v.Expected, v.Actual
			}
			out.Runs = append(out.Runs, run)
		}
		return writeJSON(e, out)
	}
	fmt.Fprintf(e.stdout, "%s in %s: %d runs", h.Test, m, len(h.Runs))
	if h.FailingSince != nil {
		fmt.Fprintf(e.stdout, ", failing since %s (%d runs)", h.FailingSince, h.Age)
	}
	fmt.Fprintln(e.stdout)
	rows := make([][]string, 0, len(h.Runs))
	for _, r := range h.Runs {
		status := r.Status.String()
		if r.Flaky {
			status += " (flaky)"
		}
		rows = append(rows, []string{strconv.FormatInt(r.Job.Number, 10), status,
			format.Duration(time.Duration(r.Duration * float64(time.Second))), oneLine(r.Message, 80)})
	}
	table(e.stdout, []string{"JOB", "STATUS", "DURATION", "MESSAGE"}, rows, "rlrl")
	return nil
}

type flakyJSON struct {
	Classname  string  `json:"classname"`
	Name       string  `json:"name"`
	Runs       int     `json:"runs"`
	Failures   int     `json:"failures"`
	Flips      int     `json:"flips"`
	Score      float64 `json:"score"`
	LastStatus string  `json:"last_status"`
}

func runFlaky(ctx context.Context, e *env, args []string) error {
	f := newFlags("flaky", e)
	last := f.Int("last", analysis.DefaultFlakyWindow, "how many of the module's latest jobs to look at")
	m, err := moduleOperand(f, args)
	if err != nil {
		return err
	}
	if *last <= 0 {
		return usagef("--last must be positive")
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	tests, err := analysis.Flaky(ctx, st, m, *last)
	if err != nil {
		return err
	}
	if f.json {
		out := make([]flakyJSON, 0, len(tests))
		for _, t := range tests {
			out = append(out, flakyJSON{t.Test.Classname, t.Test.Name, t.Runs, t.Failures, t.Flips, round(t.Score, 6), t.LastStatus.String()})
		}
		return writeJSON(e, out)
	}
	if len(tests) == 0 {
		fmt.Fprintf(e.stdout, "no test of %s flipped in its last %d jobs\n", m, *last)
		return nil
	}
	rows := make([][]string, 0, len(tests))
	for _, t := range tests {
		rows = append(rows, []string{t.Test.String(), fmt.Sprintf("%.2f", t.Score), strconv.Itoa(t.Flips),
			strconv.Itoa(t.Failures), strconv.Itoa(t.Runs), t.LastStatus.String()})
	}
	table(e.stdout, []string{"TEST", "SCORE", "FLIPS", "FAILURES", "RUNS", "LAST"}, rows, "lrrrrl")
	return nil
}

type exampleJSON struct {
	Classname string `json:"classname"`
	Name      string `json:"name"`
	Message   string `json:"message"`
}

type groupJSON struct {
	Signature string      `json:"signature"`
	Count     int         `json:"count"`
	Example   exampleJSON `json:"example"`
}

func runGroups(ctx context.Context, e *env, args []string) error {
	f := newFlags("groups", e)
	ref, err := jobOperand(f, args)
	if err != nil {
		return err
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	groups, err := analysis.Groups(ctx, st, ref)
	if err != nil {
		return err
	}
	if f.json {
		out := make([]groupJSON, 0, len(groups))
		for _, g := range groups {
			out = append(out, groupJSON{g.Signature, g.Count, exampleJSON{g.Example.Test.Classname, g.Example.Test.Name, g.Example.Message}})
		}
		return writeJSON(e, out)
	}
	if len(groups) == 0 {
		fmt.Fprintf(e.stdout, "%s has no failures\n", ref)
		return nil
	}
	rows := make([][]string, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, []string{format.Count(int64(g.Count)), oneLine(g.Signature, 70), g.Example.Test.String()})
	}
	table(e.stdout, []string{"COUNT", "SIGNATURE", "EXAMPLE"}, rows, "rll")
	return nil
}

func shortID(id string) string {
	if len(id) > 10 {
		return id[:10]
	}
	return id
}

// runChanges lists the commits that entered with a job.
func runChanges(ctx context.Context, e *env, args []string) error {
	f := newFlags("changes", e)
	ref, err := jobOperand(f, args)
	if err != nil {
		return err
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	job, err := st.Job(ctx, ref)
	if err != nil {
		return err
	}
	jobs, err := st.Commits(ctx, ref.ModuleRef, ref.Number-1, ref.Number)
	if err != nil {
		return err
	}
	var commits []core.Commit
	for _, j := range jobs {
		commits = append(commits, j.Commits...)
	}
	if f.json {
		return writeJSON(e, struct {
			Job      string       `json:"job"`
			Revision string       `json:"revision"`
			Changes  []commitJSON `json:"changes"`
		}{ref.String(), job.Revision, commitsJSON(commits)})
	}
	rev := job.Revision
	if rev == "" {
		rev = "unknown"
	}
	fmt.Fprintf(e.stdout, "%s (revision %s): %d commits entered with it\n", ref, rev, len(commits))
	rows := make([][]string, 0, len(commits))
	for _, c := range commits {
		rows = append(rows, []string{shortID(c.ID), c.Author, c.Time.Local().Format("2006-01-02 15:04"), oneLine(c.Message, 60), strconv.Itoa(len(c.Paths))})
	}
	if len(rows) > 0 {
		table(e.stdout, []string{"COMMIT", "AUTHOR", "TIME", "MESSAGE", "PATHS"}, rows, "llllr")
	}
	return nil
}
