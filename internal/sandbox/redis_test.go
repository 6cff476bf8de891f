package sandbox_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

// startRedis starts a redis-server for t, or skips when Debian's redis-server package is not installed (unless
// TF_ACC is set, as `make test` does, where it is a failure).
func startRedis(t *testing.T) *sandbox.Redis {
	t.Helper()
	r, err := sandbox.StartRedis(context.Background(), sandbox.RedisOptions{Dir: t.TempDir()})
	if errors.Is(err, sandbox.ErrNoRedis) && os.Getenv("TF_ACC") == "" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

func TestStartRedisServesOnLoopbackAndStops(t *testing.T) {
	r := startRedis(t)
	if r.Host != "127.0.0.1" || r.Port == 0 {
		t.Fatalf("redis on %s, want a loopback port", r.Addr)
	}
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: r.Addr, DisableIdentity: true})
	defer c.Close()
	if err := c.Set(ctx, "k", "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("GET k = %q, %v", got, err)
	}
	// No persistence: a test's data never outlives its server.
	if cfg, err := c.ConfigGet(ctx, "save").Result(); err != nil || cfg["save"] != "" {
		t.Fatalf("CONFIG GET save = %v, %v; want snapshots off", cfg, err)
	}

	r.Stop()
	r.Stop() // idempotent
	if r.Running() {
		t.Fatal("redis-server still running after Stop")
	}
	c2 := redis.NewClient(&redis.Options{Addr: r.Addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1, DisableIdentity: true})
	defer c2.Close()
	if err := c2.Ping(ctx).Err(); err == nil {
		t.Fatal("PING answered after Stop")
	}
}

func TestStartRedisTwiceUsesTwoPorts(t *testing.T) {
	a, b := startRedis(t), startRedis(t)
	if a.Addr == b.Addr {
		t.Fatalf("both servers on %s", a.Addr)
	}
}

func TestStartRedisWithoutBinary(t *testing.T) {
	_, err := sandbox.StartRedis(context.Background(), sandbox.RedisOptions{Path: "/nonexistent/redis-server", Dir: t.TempDir()})
	if err == nil {
		t.Fatal("StartRedis with a missing binary succeeded")
	}
}

func TestSandboxStopsItsRedis(t *testing.T) {
	sb := sandboxtest.Start(t)
	r, err := sb.StartRedis(context.Background())
	if errors.Is(err, sandbox.ErrNoRedis) && os.Getenv("TF_ACC") == "" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Dir, sb.LogDir) {
		t.Fatalf("redis directory %s is outside the sandbox's %s", r.Dir, sb.LogDir)
	}
	sb.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for r.Running() {
		if time.Now().After(deadline) {
			t.Fatal("redis-server still running after the sandbox stopped")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
