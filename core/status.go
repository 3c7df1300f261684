package core

import "fmt"

// Status is the outcome of one test result. The numeric order is the order of precedence
// used when one case carries several outcomes: a higher Status wins (see Worse).
type Status uint8

const (
	Passed Status = iota
	Skipped
	Error
	Failed
)

var statusNames = [...]string{Passed: "passed", Skipped: "skipped", Error: "error", Failed: "failed"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// ParseStatus is the inverse of Status.String.
func ParseStatus(s string) (Status, error) {
	for i, n := range statusNames {
		if n == s {
			return Status(i), nil
		}
	}
	return 0, fmt.Errorf("unknown status %q (want passed, failed, error or skipped)", s)
}

// Worse returns the status that takes precedence: failed > error > skipped > passed.
func Worse(a, b Status) Status {
	if b > a {
		return b
	}
	return a
}

// IsFailure reports whether s counts as a failing run (failed or error).
func (s Status) IsFailure() bool { return s == Failed || s == Error }
