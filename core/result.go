package core

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Result is one occurrence of a test case in a report. Within one job the same identity
// (Classname, Name) may occur several times (reruns, parameterised tests); every
// occurrence is a Result of its own.
type Result struct {
	// Classname and Name are the test's identity, the same across jobs, modules and
	// releases. Where a report leaves the classname empty, the enclosing suite's name
	// stands in (see IdentityClass).
	Classname string
	Name      string

	Status Status
	// Flaky marks a passed result that failed at least once before passing
	// (Surefire's <flakyFailure> or <flakyError>).
	Flaky bool
	// Duration is the case's time attribute in seconds; 0 when missing or unreadable.
	Duration float64

	// Message and Type come from the element that decided Status (<failure>, <error> or
	// <skipped>); Details is that element's text, typically a stack trace.
	Message string
	Type    string
	Details string
	// SystemOut and SystemErr are the case's captured output, in bounded form: a long
	// text keeps its head and its tail around an elision marker.
	SystemOut string
	SystemErr string
}

// CleanText returns s as valid UTF-8 without NUL: each invalid byte sequence and each
// NUL becomes U+FFFD. Decoders pass every text of a Result through it, so that a report
// reads the same from every store (a PostgreSQL text holds neither) and in every output.
func CleanText(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// IdentityClass returns the class part of a test's identity: the classname as written,
// or the enclosing suite's name where the classname is empty.
func IdentityClass(classname, suite string) string {
	if classname != "" {
		return classname
	}
	return suite
}

// Counts are the per-status totals of a set of results. Passed includes flaky results,
// which are also counted in Flaky.
type Counts struct {
	Tests   int64 `json:"tests"`
	Passed  int64 `json:"passed"`
	Failed  int64 `json:"failed"`
	Errors  int64 `json:"errors"`
	Skipped int64 `json:"skipped"`
	Flaky   int64 `json:"flaky"`
	// Duration is the sum of the results' durations in seconds.
	Duration float64 `json:"duration_seconds"`
}

// Add counts one result.
func (c *Counts) Add(r *Result) {
	c.Tests++
	switch r.Status {
	case Passed:
		c.Passed++
		if r.Flaky {
			c.Flaky++
		}
	case Failed:
		c.Failed++
	case Error:
		c.Errors++
	case Skipped:
		c.Skipped++
	}
	c.Duration += r.Duration
}

// TestID is a test's identity, written "CLASSNAME::NAME".
type TestID struct {
	Classname string
	Name      string
}

func (t TestID) String() string { return t.Classname + "::" + t.Name }

// ParseTestID parses "CLASSNAME::NAME". The name may itself contain "::"; the first
// separator splits.
func ParseTestID(s string) (TestID, error) {
	class, name, ok := strings.Cut(s, "::")
	if !ok {
		return TestID{}, fmt.Errorf("test %q: want CLASSNAME::NAME", s)
	}
	return TestID{Classname: class, Name: name}, nil
}
