package analysis

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/regtracker/regtracker/core"
)

// Now is the clock known issues expire by; tests set it.
var Now = time.Now

// known are the known issues that apply to a module now: not expired.
type known struct {
	tests map[core.TestID]*core.KnownIssue
	sigs  map[string]*core.KnownIssue
	// stamp names them (their ids), to tell whether kept counts left out the same ones.
	stamp string
}

func activeKnown(ctx context.Context, st Store, module core.ModuleRef) (known, error) {
	all, err := st.KnownIssues(ctx, &module)
	k := known{tests: map[core.TestID]*core.KnownIssue{}, sigs: map[string]*core.KnownIssue{}}
	if err != nil {
		return k, err
	}
	now := Now()
	var ids []string
	for i := range all {
		ki := &all[i]
		if ki.Expired(now) {
			continue
		}
		if ki.Test != nil {
			k.tests[*ki.Test] = ki
		} else {
			k.sigs[ki.Signature] = ki
		}
		ids = append(ids, strconv.FormatInt(ki.ID, 10))
	}
	k.stamp = strings.Join(ids, ",")
	return k, nil
}

func (k known) empty() bool { return len(k.tests) == 0 && len(k.sigs) == 0 }

// match returns the known issue a failing test with this message falls under, if any.
func (k known) match(test core.TestID, message string) *core.KnownIssue {
	if ki := k.tests[test]; ki != nil {
		return ki
	}
	if len(k.sigs) > 0 {
		return k.sigs[Signature(message)]
	}
	return nil
}
