//go:build !linux

package sandbox

import "syscall"

// childAttrs puts a child in its own process group so Stop ends its children too.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// listensOn cannot tell on this system; the health check alone decides.
func listensOn(int, int) (owned, known bool) { return false, false }
