package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// kumo stores ElastiCache replication groups but runs no cache (and has no subnet groups or users), so sandbox runs
// put a real redis-server — Debian's package — behind the cache endpoint a function is configured with.

// ErrNoRedis is returned (wrapped) by StartRedis when no redis-server binary is found.
var ErrNoRedis = errors.New("sandbox: redis-server is not installed (Debian: apt-get install -y redis-server)")

// RedisOptions tune StartRedis. The zero value is ready to use.
type RedisOptions struct {
	// Path is the redis-server binary; default $REFARCH_REDIS_SERVER, else redis-server on PATH, else
	// /usr/bin/redis-server.
	Path string
	// Dir is the server's working directory (its log is redis.log there); default a new temporary directory.
	Dir string
	// ReadyTimeout bounds the wait for the first PONG; default 20s.
	ReadyTimeout time.Duration
}

// Redis is a redis-server on a free loopback port, without persistence.
type Redis struct {
	// Addr is host:port, e.g. 127.0.0.1:41235.
	Addr string
	// Host and Port are Addr's parts.
	Host string
	Port int
	// Dir is the server's directory; LogPath its log.
	Dir     string
	LogPath string

	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
	tempDir  bool // Dir is a temporary directory StartRedis made, removed by Stop
}

// RedisServerPath finds redis-server as RedisOptions.Path describes.
func RedisServerPath() (string, error) {
	if p := os.Getenv("REFARCH_REDIS_SERVER"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/redis-server"); err == nil {
		return "/usr/bin/redis-server", nil
	}
	return "", ErrNoRedis
}

// StartRedis launches redis-server bound to 127.0.0.1 on a free port (protected mode on, no snapshots, no AOF) and
// waits until it answers PING. Stop ends it; so does the kernel if this process dies first.
func StartRedis(ctx context.Context, opts RedisOptions) (*Redis, error) {
	var err error
	path := opts.Path
	if path == "" {
		if path, err = RedisServerPath(); err != nil {
			return nil, err
		}
	}
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = 20 * time.Second
	}
	tempDir := false
	if opts.Dir == "" {
		if opts.Dir, err = os.MkdirTemp("", "refarch-redis-"); err != nil {
			return nil, fmt.Errorf("sandbox: redis directory: %w", err)
		}
		tempDir = true
	} else if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("sandbox: redis directory: %w", err)
	}
	// A free port can be taken between our probe and the server's bind; try a few.
	var lastErr error
	for i := 0; i < 3; i++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		r, err := launchRedis(ctx, path, port, opts)
		if err == nil {
			r.tempDir = tempDir
			return r, nil
		}
		lastErr = err
	}
	return nil, lastErr // the log stays: the error points at it
}

func launchRedis(ctx context.Context, path string, port int, opts RedisOptions) (*Redis, error) {
	logPath := filepath.Join(opts.Dir, "redis.log")
	cmd := exec.Command(path,
		"--bind", "127.0.0.1",
		"--port", strconv.Itoa(port),
		"--protected-mode", "yes",
		"--dir", opts.Dir,
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--logfile", logPath,
	)
	cmd.SysProcAttr = childAttrs()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("sandbox: start redis-server (%s): %w", path, err)
	}
	r := &Redis{
		Addr:    "127.0.0.1:" + strconv.Itoa(port),
		Host:    "127.0.0.1",
		Port:    port,
		Dir:     opts.Dir,
		LogPath: logPath,
		cmd:     cmd,
		exited:  make(chan struct{}),
	}
	go func() {
		_ = cmd.Wait()
		close(r.exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, opts.ReadyTimeout)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: r.Addr, DialTimeout: time.Second, MaxRetries: -1, DisableIdentity: true})
	defer c.Close()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		// Dial first: a PING before the server listens would make go-redis log its failed dials.
		if conn, err := net.DialTimeout("tcp", r.Addr, time.Second); err == nil {
			conn.Close()
			if c.Ping(ctx).Err() == nil {
				return r, nil
			}
		}
		select {
		case <-r.exited:
			return nil, fmt.Errorf("sandbox: redis-server exited at start; see %s", logPath)
		case <-ctx.Done():
			r.Stop()
			return nil, fmt.Errorf("sandbox: redis-server did not answer PING on %s in time; see %s", r.Addr, logPath)
		case <-tick.C:
		}
	}
}

// Stop ends the server (SIGTERM, then SIGKILL after a grace period) and removes Dir if StartRedis made it. It is
// safe to call more than once.
func (r *Redis) Stop() {
	r.stopOnce.Do(func() {
		terminate(r.cmd, r.exited)
		if r.tempDir {
			_ = os.RemoveAll(r.Dir)
		}
	})
}

// Running reports whether the server process is still alive.
func (r *Redis) Running() bool {
	select {
	case <-r.exited:
		return false
	default:
		return true
	}
}

// StartRedis starts a redis-server (see the package-level StartRedis) whose directory and log sit in the sandbox's
// LogDir, and stops it when the sandbox stops or dies.
func (s *Sandbox) StartRedis(ctx context.Context) (*Redis, error) {
	if err := s.Err(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(s.LogDir, "redis-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	r, err := StartRedis(ctx, RedisOptions{Dir: dir})
	if err != nil {
		return nil, err
	}
	go func() {
		select {
		case <-s.stopping:
		case <-s.exited:
		case <-r.exited:
		}
		r.Stop()
	}()
	return r, nil
}
