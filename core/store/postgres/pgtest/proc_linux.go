package pgtest

import "syscall"

// withParentDeath makes the server quit at once when the test binary dies, killed or
// not, so that no cluster outlives its tests.
func withParentDeath(attr *syscall.SysProcAttr) *syscall.SysProcAttr {
	a := *attr
	a.Pdeathsig = syscall.SIGQUIT
	return &a
}
