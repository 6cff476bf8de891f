// Package sandbox runs the local AWS used by refarch's tests and demo: kumo on a free loopback port, the deployed
// Lambda functions' Go bootstraps against kumo's Runtime API, and the provider settings that point OpenTofu at it.
//
// It is test and demo code only: modules never depend on it. Every wait has a deadline, every process it starts is
// stopped by Stop (and by the kernel if the parent dies first), and no port is fixed.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Static settings kumo accepts; they never reach real AWS.
const (
	DefaultRegion = "us-east-1"
	accessKey     = "test"
	secretKey     = "test"
)

// Options tune Start. The zero value is ready to use.
type Options struct {
	// KumoPath is the kumo binary; default $REFARCH_KUMO, else the pinned build in the tool cache.
	KumoPath string
	// Port is a fixed port to listen on; 0 (the default) picks a free loopback port.
	Port int
	// Region defaults to DefaultRegion.
	Region string
	// LogDir receives kumo.log and one log per function; default a new temporary directory, which Stop removes
	// (give a directory of your own to keep the logs).
	LogDir string
	// ReadyTimeout bounds the wait for kumo's health check; default 60s.
	ReadyTimeout time.Duration
	// Env is extra KEY=value environment for kumo, e.g. from WithRDSBackend.
	Env []string
}

// Sandbox is a running kumo plus the function runtimes started against it.
type Sandbox struct {
	// Endpoint is kumo's base URL, e.g. http://127.0.0.1:41234.
	Endpoint string
	// Region is the region every client and provider block uses.
	Region string
	// LogDir holds kumo.log and the functions' logs.
	LogDir string

	kumo     *exec.Cmd
	port     int
	exited   chan struct{}
	exitErr  error
	stopping chan struct{}
	stopOnce sync.Once
	// pollers are the goroutines DriveEventSource and DriveBucketNotifications started: Stop waits for them.
	pollers sync.WaitGroup
	// tempLogDir: LogDir is a temporary directory Start made, removed by Stop.
	tempLogDir bool

	mu        sync.Mutex
	functions map[string]*function
	streams   map[streamKey]*streamProgress // see WaitStreamDrained

	redis *Redis // see CacheEndpoint

	athenaURL string // see athena.go
	athenaSrv *http.Server
}

// ErrDied is returned (wrapped) by Err once kumo has exited without Stop being called.
var ErrDied = errors.New("sandbox: kumo exited unexpectedly")

// Start launches kumo and waits until it answers its health check.
func Start(ctx context.Context, opts Options) (*Sandbox, error) {
	var err error
	kumoPath := opts.KumoPath
	if kumoPath == "" {
		if kumoPath, err = ToolPath("REFARCH_KUMO", "kumo"); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = 60 * time.Second
	}
	tempLogDir := false
	if opts.LogDir == "" {
		if opts.LogDir, err = os.MkdirTemp("", "refarch-sandbox-"); err != nil {
			return nil, fmt.Errorf("sandbox: log directory: %w", err)
		}
		tempLogDir = true
	} else if err := os.MkdirAll(opts.LogDir, 0o755); err != nil {
		return nil, fmt.Errorf("sandbox: log directory: %w", err)
	}

	// A free port can be taken between our probe and kumo's bind; try a few before giving up.
	attempts := 3
	if opts.Port != 0 {
		attempts = 1
	}
	var lastErr error
	for i := 0; i < attempts; i++ {
		port := opts.Port
		if port == 0 {
			if port, err = freePort(); err != nil {
				return nil, err
			}
		} else if err := portFree(port); err != nil {
			return nil, fmt.Errorf("sandbox: port %d is busy (%v); stop what uses it or pass another port (0 picks a free one)", port, err)
		}
		sb, err := launch(ctx, kumoPath, port, opts)
		if err == nil {
			sb.tempLogDir = tempLogDir
			return sb, nil
		}
		lastErr = err
	}
	return nil, lastErr // the logs stay: the error points at them
}

func launch(ctx context.Context, kumoPath string, port int, opts Options) (*Sandbox, error) {
	logPath := filepath.Join(opts.LogDir, "kumo.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	cmd := exec.Command(kumoPath, "serve")
	cmd.Env = append(os.Environ(), "KUMO_HOST=127.0.0.1", "KUMO_PORT="+strconv.Itoa(port), "KUMO_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, opts.Env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childAttrs()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("sandbox: start kumo (%s): %w", kumoPath, err)
	}
	sb := &Sandbox{
		Endpoint:  "http://127.0.0.1:" + strconv.Itoa(port),
		Region:    opts.Region,
		LogDir:    opts.LogDir,
		kumo:      cmd,
		port:      port,
		exited:    make(chan struct{}),
		stopping:  make(chan struct{}),
		functions: map[string]*function{},
	}
	go func() {
		sb.exitErr = cmd.Wait()
		logFile.Close()
		close(sb.exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, opts.ReadyTimeout)
	defer cancel()
	if err := sb.waitHealthy(ctx); err != nil {
		sb.Stop()
		return nil, fmt.Errorf("%w (log: %s)", err, logPath)
	}
	if err := sb.startAthena(); err != nil {
		sb.Stop()
		return nil, err
	}
	return sb, nil
}

func (s *Sandbox) waitHealthy(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/health", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				select {
				case <-s.exited:
					// Ours exited (it could not bind): whoever answered is another kumo.
					return fmt.Errorf("sandbox: kumo exited before it was ready: %v", s.exitErr)
				default:
				}
				owned, known := listensOn(s.kumo.Process.Pid, s.port)
				if owned || !known {
					return nil
				}
				// Another process (a sandbox started at the same moment) answers on our port; ours will fail to
				// bind and exit, and Start tries another port.
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("sandbox: kumo exited before it was ready: %v", s.exitErr)
		case <-ctx.Done():
			return fmt.Errorf("sandbox: kumo did not answer %s/health in time", s.Endpoint)
		case <-tick.C:
		}
	}
}

// Exited is closed once kumo has exited, on its own or through Stop; Err then says which.
func (s *Sandbox) Exited() <-chan struct{} { return s.exited }

// Err is nil while kumo runs (or after Stop) and wraps ErrDied, with the log's path, once it has died on its own.
func (s *Sandbox) Err() error {
	select {
	case <-s.exited:
	default:
		return nil
	}
	select {
	case <-s.stopping:
		return nil
	default:
	}
	return fmt.Errorf("%w (%v); see %s", ErrDied, s.exitErr, filepath.Join(s.LogDir, "kumo.log"))
}

// Stop ends the event-source and bucket-notification pollers and waits for them, then every function runtime, then
// kumo, waiting at most a few seconds for each before killing it; last it removes LogDir if Start made it.
func (s *Sandbox) Stop() {
	s.stopOnce.Do(func() {
		close(s.stopping)
		s.pollers.Wait() // they see stopping and cancel their context
		s.mu.Lock()
		fns := s.functions
		s.functions = map[string]*function{}
		s.mu.Unlock()
		for _, fn := range fns {
			fn.stop()
		}
		if s.athenaSrv != nil {
			_ = s.athenaSrv.Close()
		}
		terminate(s.kumo, s.exited)
		if s.tempLogDir {
			_ = os.RemoveAll(s.LogDir)
		}
	})
}

// pollerContext is ctx, canceled also when the sandbox stops or kumo dies: what a poller runs under.
func (s *Sandbox) pollerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-ctx.Done():
		case <-s.stopping:
		case <-s.exited:
		}
		cancel()
	}()
	return ctx, cancel
}

// goPoller runs f in a goroutine that Stop waits for.
func (s *Sandbox) goPoller(f func()) {
	s.pollers.Add(1)
	go func() {
		defer s.pollers.Done()
		f()
	}()
}

// Env is the environment that points AWS SDKs and CLIs at the sandbox.
func (s *Sandbox) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + accessKey,
		"AWS_SECRET_ACCESS_KEY=" + secretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + s.Region,
		"AWS_DEFAULT_REGION=" + s.Region,
		"AWS_ENDPOINT_URL=" + s.Endpoint,
		"AWS_EC2_METADATA_DISABLED=true",
		// Not an SDK setting: handlers that read it (lambda-src/thumbnail) address kumo's S3 path-style, as
		// <bucket>.127.0.0.1 does not resolve.
		"AWS_S3_USE_PATH_STYLE=true",
	}
}

// AWSConfig is an SDK configuration for clients that talk to the sandbox.
func (s *Sandbox) AWSConfig(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx,
		config.WithRegion(s.Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(accessKey, secretKey, "")),
		config.WithBaseEndpoint(s.Endpoint),
		config.WithEC2IMDSClientEnableState(0),
	)
}

// HTTPClient is a client with a deadline for calling the sandbox's data plane.
func (s *Sandbox) HTTPClient() *http.Client { return &http.Client{Timeout: 30 * time.Second} }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("sandbox: no free loopback port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("sandbox: listener address %v is not TCP", l.Addr())
	}
	return addr.Port, nil
}

func portFree(port int) error {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return err
	}
	return l.Close()
}

// terminate sends SIGTERM to the process group, then SIGKILL after a grace period.
func terminate(cmd *exec.Cmd, exited <-chan struct{}) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	pgid := -cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-exited
	}
}

// ToolPath finds a pinned tool (kumo, tofu, ...): the environment variable the Makefile sets, else the tool cache.
func ToolPath(envVar, name string) (string, error) {
	if p := os.Getenv(envVar); p != "" {
		return p, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	out, err := exec.Command(filepath.Join(root, "tools", "tool.sh"), "path", name).Output()
	if err != nil {
		return "", fmt.Errorf("%s is not built yet: run 'make tools' (or set %s to its path)", name, envVar)
	}
	return strings.TrimSpace(string(out)), nil
}

// RepoRoot is the directory holding the project's go.mod, found from the working directory upwards.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "versions.env")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("sandbox: not inside the refarch repository (no tools/versions.env above the working directory)")
		}
		dir = parent
	}
}
