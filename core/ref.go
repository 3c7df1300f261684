package core

import (
	"fmt"
	"strconv"
	"strings"
)

// ModuleRef names a module of a release, written "RELEASE/MODULE" ("7.0/vpn").
type ModuleRef struct {
	Release string
	Module  string
}

func (m ModuleRef) String() string { return m.Release + "/" + m.Module }

// JobRef names one job (one build) of a module, written "RELEASE/MODULE/NUMBER".
// Number 0 means "not given yet".
type JobRef struct {
	ModuleRef
	Number int64
}

func (j JobRef) String() string {
	if j.Number == 0 {
		return j.ModuleRef.String()
	}
	return j.ModuleRef.String() + "/" + strconv.FormatInt(j.Number, 10)
}

// ParseModuleRef parses "RELEASE/MODULE".
func ParseModuleRef(s string) (ModuleRef, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 2 {
		return ModuleRef{}, fmt.Errorf("module %q: want RELEASE/MODULE, e.g. 7.0/vpn", s)
	}
	return moduleFromParts(s, parts[0], parts[1])
}

// ParseJobRef parses "RELEASE/MODULE/NUMBER", or "RELEASE/MODULE" when numberOptional is
// true (the number is then 0).
func ParseJobRef(s string, numberOptional bool) (JobRef, error) {
	parts := strings.Split(s, "/")
	want := "RELEASE/MODULE/NUMBER, e.g. 7.0/vpn/14"
	if numberOptional {
		want = "RELEASE/MODULE[/NUMBER], e.g. 7.0/vpn/14"
	}
	if len(parts) != 3 && !(numberOptional && len(parts) == 2) {
		return JobRef{}, fmt.Errorf("job %q: want %s", s, want)
	}
	m, err := moduleFromParts(s, parts[0], parts[1])
	if err != nil {
		return JobRef{}, err
	}
	ref := JobRef{ModuleRef: m}
	if len(parts) == 3 {
		n, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil || n <= 0 {
			return JobRef{}, fmt.Errorf("job %q: the number %q is not a positive whole number", s, parts[2])
		}
		ref.Number = n
	}
	return ref, nil
}

func moduleFromParts(whole, release, module string) (ModuleRef, error) {
	release, module = strings.TrimSpace(release), strings.TrimSpace(module)
	if release == "" || module == "" {
		return ModuleRef{}, fmt.Errorf("%q: release and module must not be empty", whole)
	}
	return ModuleRef{Release: release, Module: module}, nil
}
