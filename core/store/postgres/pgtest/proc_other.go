//go:build unix && !linux

package pgtest

import "syscall"

// withParentDeath: only Linux can tie the server's life to the test binary's.
func withParentDeath(attr *syscall.SysProcAttr) *syscall.SysProcAttr { return attr }
