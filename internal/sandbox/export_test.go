package sandbox

// PIDForTest exposes kumo's process id to the package's tests.
func PIDForTest(s *Sandbox) int { return s.kumo.Process.Pid }
