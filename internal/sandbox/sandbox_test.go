package sandbox_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

func TestSandboxServesAWSAPIsOnLoopback(t *testing.T) {
	sb := sandboxtest.Start(t)
	if !strings.HasPrefix(sb.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %s is not on loopback", sb.Endpoint)
	}
	cfg, err := sb.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dynamodb.NewFromConfig(cfg).ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("DynamoDB ListTables against the sandbox: %v", err)
	}
	override := sb.Override()
	for _, want := range []string{`provider "aws"`, `provider "refarch"`, `dynamodb       = "` + sb.Endpoint + `"`, "skip_requesting_account_id  = true"} {
		if !strings.Contains(override, want) {
			t.Errorf("override lacks %q:\n%s", want, override)
		}
	}
}

func TestSandboxBusyPortIsOneClearError(t *testing.T) {
	if _, err := sandbox.RepoRoot(); err != nil {
		t.Skip(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", l.Addr())
	}
	port := addr.Port
	_, err = sandbox.Start(context.Background(), sandbox.Options{KumoPath: "/bin/true", Port: port, LogDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(port)+" is busy") {
		t.Fatalf("got %v, want a 'port %d is busy' error", err, port)
	}
}

func TestSandboxThatDiesIsReported(t *testing.T) {
	sb := sandboxtest.Start(t)
	// Kill kumo behind the harness's back, as a crash would.
	pid := kumoPID(t, sb)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sb.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("Exited() not closed 10 s after kumo was killed")
	}
	if err := sb.Err(); !errors.Is(err, sandbox.ErrDied) {
		t.Fatalf("Err() = %v, want ErrDied", err)
	}
	sb.Stop() // the cleanup would otherwise report the death we caused
}

func TestSandboxMissingToolSaysWhatToDo(t *testing.T) {
	t.Setenv("REFARCH_KUMO", "")
	t.Setenv("REFARCH_CACHE", t.TempDir())
	if _, err := sandbox.RepoRoot(); err != nil {
		t.Skip(err)
	}
	_, err := sandbox.Start(context.Background(), sandbox.Options{LogDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "make tools") {
		t.Fatalf("got %v, want an error telling to run 'make tools'", err)
	}
}

func kumoPID(t *testing.T, sb *sandbox.Sandbox) int {
	t.Helper()
	pid := sandbox.PIDForTest(sb)
	if pid == 0 || os.Getpid() == pid {
		t.Fatal("no kumo process")
	}
	return pid
}

// TestSandboxDoesNotAdoptAnotherKumo: a sandbox whose port was taken by another one starting at the same moment
// must not mistake the other kumo's health answers for its own (the two tests would then share one kumo).
func TestSandboxDoesNotAdoptAnotherKumo(t *testing.T) {
	kumo := os.Getenv("REFARCH_KUMO")
	if kumo == "" {
		t.Skip("REFARCH_KUMO is not set: `make test` builds kumo")
	}
	first := sandboxtest.Start(t)
	second, err := sandbox.LaunchForTest(context.Background(), kumo, sandbox.PortForTest(first), t.TempDir())
	if err == nil {
		second.Stop()
		t.Fatal("a second kumo on a taken port reported ready: it answered with the first one's health check")
	}
	sandboxtest.Alive(t, first)
}

// TestStopRemovesItsTemporaryLogDir: a sandbox started without a LogDir leaves no temporary directory behind once
// stopped; one given a LogDir keeps it (the caller's logs).
func TestStopRemovesItsTemporaryLogDir(t *testing.T) {
	kept := t.TempDir()
	for _, dir := range []string{"", kept} {
		sb, err := sandbox.Start(context.Background(), sandbox.Options{LogDir: dir})
		if err != nil {
			if os.Getenv("TF_ACC") == "" && os.Getenv("REFARCH_KUMO") == "" {
				t.Skipf("local AWS sandbox unavailable (%v); `make test` builds it and runs this test", err)
			}
			t.Fatal(err)
		}
		logDir := sb.LogDir
		if _, err := os.Stat(filepath.Join(logDir, "kumo.log")); err != nil {
			t.Fatalf("while it runs: %v", err)
		}
		sb.Stop()
		_, err = os.Stat(logDir)
		switch {
		case dir == "" && !errors.Is(err, fs.ErrNotExist):
			t.Errorf("the temporary log directory %s outlived the sandbox (stat: %v)", logDir, err)
		case dir != "" && err != nil:
			t.Errorf("the given log directory %s is gone after Stop: %v", logDir, err)
		}
	}
}
