package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
)

// knownJSON is one known issue of `known list --json` and `known add --json`.
type knownJSON struct {
	ID        int64  `json:"id"`
	Module    string `json:"module"`
	Test      string `json:"test,omitempty"`
	Signature string `json:"signature,omitempty"`
	Reason    string `json:"reason"`
	Link      string `json:"link"`
	Expires   string `json:"expires"`
	Expired   bool   `json:"expired"`
	Who       string `json:"who"`
	When      string `json:"when"`
}

func knownToJSON(k core.KnownIssue) knownJSON {
	out := knownJSON{ID: k.ID, Module: k.Module.String(), Signature: k.Signature, Reason: k.Reason, Link: k.Link,
		Expires: k.Expires, Expired: k.Expired(analysis.Now()), Who: k.Who, When: k.When.Format(time.RFC3339)}
	if k.Test != nil {
		out.Test = k.Test.String()
	}
	return out
}

func runKnown(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want add, list or remove")
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		printHelp(e.stdout, "known", nil)
		return flag.ErrHelp
	case "add":
		return runKnownAdd(ctx, e, args[1:])
	case "list":
		return runKnownList(ctx, e, args[1:])
	case "remove":
		return runKnownRemove(ctx, e, args[1:])
	}
	return usagef("unknown known command %q: want add, list or remove", args[0])
}

func runKnownAdd(ctx context.Context, e *env, args []string) error {
	f := newFlags("known add", e)
	sig := f.String("signature", "", "a failure signature, as `groups` prints it, instead of a test")
	reason := f.String("reason", "", "why the failures are known (required)")
	link := f.String("link", "", "a link, e.g. the bug tracker's issue")
	expires := f.String("expires", "", "the last day it applies, YYYY-MM-DD (default: never)")
	ops, err := f.parse(args)
	if err != nil {
		return err
	}
	want := 2
	if *sig != "" {
		want = 1
	}
	if len(ops) != want {
		return usagef("want RELEASE/MODULE and CLASSNAME::NAME, or RELEASE/MODULE with --signature")
	}
	m, err := core.ParseModuleRef(ops[0])
	if err != nil {
		return usageError{err.Error()}
	}
	k := core.KnownIssue{Module: m, Signature: *sig, Reason: *reason, Link: *link, Expires: *expires, Who: core.CurrentUser()}
	if *sig == "" {
		id, err := core.ParseTestID(ops[1])
		if err != nil {
			return usageError{err.Error()}
		}
		k.Test = &id
	}
	if err := k.Validate(); err != nil {
		return usageError{err.Error()}
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if k, err = st.AddKnownIssue(ctx, k); err != nil {
		return err
	}
	if f.json {
		return writeJSON(e, knownToJSON(k))
	}
	fmt.Fprintf(e.stdout, "known issue %d: %s in %s: %s\n", k.ID, k.Subject(), k.Module, k.Reason)
	return nil
}

func runKnownList(ctx context.Context, e *env, args []string) error {
	f := newFlags("known list", e)
	ops, err := f.parse(args)
	if err != nil {
		return err
	}
	var module *core.ModuleRef
	switch len(ops) {
	case 0:
	case 1:
		m, err := core.ParseModuleRef(ops[0])
		if err != nil {
			return usageError{err.Error()}
		}
		module = &m
	default:
		return usagef("want at most one module RELEASE/MODULE")
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := st.KnownIssues(ctx, module)
	if err != nil {
		return err
	}
	if f.json {
		out := make([]knownJSON, 0, len(all))
		for _, k := range all {
			out = append(out, knownToJSON(k))
		}
		return writeJSON(e, out)
	}
	if len(all) == 0 {
		fmt.Fprintln(e.stdout, "no known issues")
		return nil
	}
	rows := make([][]string, 0, len(all))
	for _, k := range all {
		j := knownToJSON(k)
		expires := j.Expires
		if j.Expired {
			expires += " (expired)"
		}
		rows = append(rows, []string{strconv.FormatInt(k.ID, 10), j.Module, oneLine(k.Subject(), 60), oneLine(k.Reason, 40),
			k.Link, expires, k.Who, k.When.Local().Format("2006-01-02 15:04")})
	}
	table(e.stdout, []string{"ID", "MODULE", "TEST OR SIGNATURE", "REASON", "LINK", "EXPIRES", "WHO", "WHEN"}, rows, "rlllllll")
	return nil
}

func runKnownRemove(ctx context.Context, e *env, args []string) error {
	f := newFlags("known remove", e)
	s, err := oneOperand(f, args, "known issue ID")
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return usagef("known issue ID %q: want a number (see known list)", s)
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	k, err := st.RemoveKnownIssue(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed known issue %d: %s in %s\n", k.ID, k.Subject(), k.Module)
	return nil
}
