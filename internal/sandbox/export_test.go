package sandbox

import (
	"context"
	"time"
)

// PIDForTest exposes kumo's process id to the package's tests.
func PIDForTest(s *Sandbox) int { return s.kumo.Process.Pid }

// LaunchForTest starts kumo on a given port without Start's free-port checks.
func LaunchForTest(ctx context.Context, kumoPath string, port int, logDir string) (*Sandbox, error) {
	return launch(ctx, kumoPath, port, Options{LogDir: logDir, Region: DefaultRegion, ReadyTimeout: 20 * time.Second})
}

// PortForTest is the port kumo was asked to listen on.
func PortForTest(s *Sandbox) int { return s.port }
