package junit

import (
	"fmt"

	"github.com/regtracker/regtracker/core"
)

// Re-runs. Runners that retry failed tests (gotestsum --rerun-fails, Jest's and
// Playwright's retries written by some reporters) append each attempt as another
// <testcase> of the same suite with the same classname and name. Within one suite
// element:
//
//   - in a suite with a go.version property (gotestsum), Go test names are unique, so
//     every repeat is an attempt: the test is one result with its last attempt's verdict,
//     flaky when it passed after failing;
//   - elsewhere, a test that occurs more than once and whose last occurrence passed after
//     an earlier failure or error is one result, passed and flaky, as Surefire writes a
//     re-run with <flakyFailure>; any other repeats (parameterised cases with equal
//     names, a test that failed every time) stay one result per <testcase>, as Jenkins
//     counts them.
//
// A flaky result keeps the message, type and details of its last failed attempt, its
// details headed by how many attempts there were.
//
// The decoder holds a suite's cases until the suite ends, at most maxPending cases or
// maxPendingText bytes of their texts: past that, what is held is settled and passed on,
// and a later attempt of a test already passed on counts on its own.

const (
	maxPending     = 50_000
	maxPendingText = 16 << 20
)

// rerunQueue holds the cases of the suite being read, and the settled cases not yet
// returned by Next.
type rerunQueue struct {
	cases  []pendingCase
	ready  int // cases[:ready] are settled; cases[out:ready] not yet returned
	out    int
	suite  int                 // the suite of the cases held
	goIDs  map[int]bool        // suites with a go.version property
	groups map[core.TestID]int // identity -> index of its first case in cases
	text   int                 // bytes of texts held
}

type pendingCase struct {
	res  core.Result
	next int  // index of the next case of the same test, 0 when none
	last int  // for a group's first case: index of its last case
	gone bool // folded into its group's first case
}

// next returns a settled case, if any. When every case held was returned, the queue
// starts afresh.
func (q *rerunQueue) next(res *core.Result) bool {
	for q.out < q.ready {
		c := &q.cases[q.out]
		q.out++
		if !c.gone {
			*res = c.res
			c.res = core.Result{} // let its strings go
			return true
		}
	}
	if q.ready == len(q.cases) {
		q.cases, q.ready, q.out = q.cases[:0], 0, 0
	}
	return false
}

// goSuite marks the suite id as written by gotestsum.
func (q *rerunQueue) goSuite(id int) {
	if q.goIDs == nil {
		q.goIDs = map[int]bool{}
	}
	q.goIDs[id] = true
}

// full reports whether the cases held must be settled before a case of suite is added:
// the suite changed, or the cases held reached their bounds.
func (q *rerunQueue) full(suite int) bool {
	held := len(q.cases) - q.ready
	return held > 0 && (suite != q.suite || held >= maxPending || q.text > maxPendingText)
}

// add holds a case of the suite id. The caller settles first when full says so, and
// returns the settled cases before adding.
func (q *rerunQueue) add(r core.Result, suite int) {
	q.suite = suite
	if q.groups == nil {
		q.groups = map[core.TestID]int{}
	}
	i := len(q.cases)
	q.cases = append(q.cases, pendingCase{res: r, last: i})
	q.text += len(r.Message) + len(r.Details) + len(r.SystemOut) + len(r.SystemErr)
	id := core.TestID{Classname: r.Classname, Name: r.Name}
	if first, ok := q.groups[id]; ok {
		q.cases[q.cases[first].last].next = i
		q.cases[first].last = i
	} else {
		q.groups[id] = i
	}
}

// endSuite settles the cases held: the re-runs of each test are folded.
func (q *rerunQueue) endSuite() {
	isGo := q.goIDs[q.suite]
	for _, first := range q.groups {
		if q.cases[first].last != first {
			q.fold(first, isGo)
		}
	}
	clear(q.groups)
	delete(q.goIDs, q.suite)
	q.ready, q.text = len(q.cases), 0
}

// fold settles the cases of one test whose first case is cases[first].
func (q *rerunQueue) fold(first int, isGo bool) {
	attempts, failedBefore, lastFailed := 0, false, -1
	last := q.cases[first].last
	for i := first; ; i = q.cases[i].next {
		attempts++
		st := q.cases[i].res.Status
		if i != last && (st == core.Failed || st == core.Error) {
			failedBefore, lastFailed = true, i
		}
		if i == last {
			break
		}
	}
	final := q.cases[last].res
	passedAfterFailing := final.Status == core.Passed && failedBefore
	if !isGo && !passedAfterFailing {
		return // one result per <testcase>
	}
	if passedAfterFailing {
		failed := q.cases[lastFailed].res
		final.Flaky = true
		final.Message, final.Type = failed.Message, failed.Type
		final.Details = attemptsHeader(attempts, failed.Details)
	}
	q.cases[first].res = final
	for i := q.cases[first].next; i != 0; i = q.cases[i].next {
		q.cases[i].gone = true
	}
}

// attemptsHeader heads the details of the last failed attempt of a test that passed on
// attempt n.
func attemptsHeader(n int, details string) string {
	head := fmt.Sprintf("passed on attempt %d", n)
	if details == "" {
		return head
	}
	return head + "; the last failed attempt:\n" + details
}
