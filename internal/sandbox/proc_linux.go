package sandbox

import "syscall"

// childAttrs puts a child in its own process group (so Stop ends its children too) and has the kernel kill it if
// the test or demo process dies without calling Stop.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
