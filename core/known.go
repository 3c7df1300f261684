package core

import (
	"fmt"
	"os"
	"os/user"
	"time"
)

// KnownIssue is a decision recorded about failures in one module: a test, or every
// failure whose message has a signature (see the analysis package's groups), is a known
// issue, with a reason and optionally a link to a bug tracker and an expiry date. While
// it applies, the failures it matches are listed apart and left out of regression counts.
type KnownIssue struct {
	ID     int64
	Module ModuleRef
	// Test, when set, is the test it is about; otherwise Signature is.
	Test      *TestID
	Signature string
	Reason    string
	Link      string
	// Expires is the last day (YYYY-MM-DD, local time) it applies; empty: never.
	Expires string
	Who     string
	When    time.Time
}

// CurrentUser names who records a known issue: the login name, else $USER.
func CurrentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// DateLayout is how known issues' expiry dates are written.
const DateLayout = "2006-01-02"

// Expired reports whether the expiry date has passed on the local date of now.
func (k KnownIssue) Expired(now time.Time) bool {
	return k.Expires != "" && now.Format(DateLayout) > k.Expires
}

// Subject is what it is about: "CLASSNAME::NAME" or "signature SIGNATURE".
func (k KnownIssue) Subject() string {
	if k.Test != nil {
		return k.Test.String()
	}
	return "signature " + k.Signature
}

// Validate checks what a user gives when adding one.
func (k KnownIssue) Validate() error {
	switch {
	case k.Test == nil && k.Signature == "":
		return fmt.Errorf("a known issue needs a test or a signature")
	case k.Test != nil && k.Signature != "":
		return fmt.Errorf("a known issue is about a test or a signature, not both")
	case k.Reason == "":
		return fmt.Errorf("a known issue needs a reason")
	}
	if k.Expires != "" {
		if _, err := time.Parse(DateLayout, k.Expires); err != nil {
			return fmt.Errorf("expiry %q: want YYYY-MM-DD", k.Expires)
		}
	}
	return nil
}
