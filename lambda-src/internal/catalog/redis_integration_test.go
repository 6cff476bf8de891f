package catalog

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// startRedis runs Debian's redis-server for t with the function's cache user (ACLRules, password "pw-…") and returns
// the server and a client logged in as that user. Skipped when redis-server is not installed, unless TF_ACC is set
// (as `make test` does), where that is a failure.
func startRedis(t testing.TB) (*sandbox.Redis, *redis.Client) {
	t.Helper()
	srv, err := sandbox.StartRedis(context.Background(), sandbox.RedisOptions{Dir: t.TempDir()})
	if errors.Is(err, sandbox.ErrNoRedis) && os.Getenv("TF_ACC") == "" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	ctx := context.Background()
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr, DisableIdentity: true})
	defer admin.Close()
	args := []any{"ACL", "SETUSER", "catalog-app", "reset", ">pw-integration"}
	for _, f := range strings.Fields(ACLRules) {
		args = append(args, f)
	}
	if err := admin.Do(ctx, args...).Err(); err != nil {
		t.Fatalf("ACL SETUSER %v: %v", args, err)
	}
	opts, err := RedisOptions(srv.Addr, false, Credentials{Username: "catalog-app", Password: "pw-integration"})
	if err != nil {
		t.Fatal(err)
	}
	app := redis.NewClient(opts)
	t.Cleanup(func() { app.Close() })
	return srv, app
}

// TestRedisIntegration runs the handler against a real redis-server as the least-privileged cache user the module
// creates: read-through with the TTL set on the key, hit after miss, a read-through once redis has expired the key,
// invalidation on write, and degraded service when the server is gone.
func TestRedisIntegration(t *testing.T) {
	srv, app := startRedis(t)
	ctx := context.Background()
	store := newFakeStore(widget)
	// Expiry is redis's own (SET … PX TTL): the test checks the TTL on the key and has redis expire it early (PEXPIRE)
	// rather than sleeping one out, so the TTL can be a realistic one.
	h := &Handler{Store: store, Cache: &RedisCache{Client: app}, TTL: time.Hour, Logger: slog.New(slog.DiscardHandler)}
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr, DisableIdentity: true})
	defer admin.Close()
	key := CacheKey(widget.ID)
	get := func() (int, string, Item) {
		r, err := h.Handle(ctx, request(http.MethodGet, widget.ID, ""))
		if err != nil {
			t.Fatal(err)
		}
		var it Item
		if r.StatusCode == 200 {
			it = decodeItem(t, r)
		}
		return r.StatusCode, r.Headers["X-Cache"], it
	}

	if code, xc, it := get(); code != 200 || xc != CacheMiss || it != widget {
		t.Fatalf("first GET: %d %s %+v", code, xc, it)
	}
	// The key expires after the TTL: at most h.TTL left, and no more gone than the few calls since took.
	if pttl, err := admin.PTTL(ctx, key).Result(); err != nil || pttl <= h.TTL-time.Minute || pttl > h.TTL {
		t.Fatalf("PTTL of the cached item: %v, %v; want the %v TTL", pttl, err, h.TTL)
	}
	ttl, err := app.Do(ctx, "PTTL", key).Int64()
	if err == nil {
		t.Fatalf("PTTL is not among the user's commands, yet it ran (%d)", ttl)
	}
	if code, xc, it := get(); code != 200 || xc != CacheHit || it != widget {
		t.Fatalf("second GET: %d %s %+v", code, xc, it)
	}
	if store.gets != 1 {
		t.Fatalf("table read %d times, want 1", store.gets)
	}

	// redis expires the entry (now, rather than after the TTL): the next GET reads the table again.
	if ok, err := admin.PExpire(ctx, key, time.Millisecond).Result(); err != nil || !ok {
		t.Fatalf("PEXPIRE of the cached item: %v, %v", ok, err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		n, err := admin.Exists(waitCtx, key).Result()
		if err == nil && n == 0 {
			break
		}
		select {
		case <-waitCtx.Done():
			t.Fatalf("redis did not expire the cached item within 10s: exists=%d, %v", n, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if code, xc, it := get(); code != 200 || xc != CacheMiss || it != widget {
		t.Fatalf("GET after the entry expired: %d %s %+v, want a miss", code, xc, it)
	}
	if store.gets != 2 {
		t.Fatalf("table read %d times after the entry expired, want 2", store.gets)
	}

	// A write drops the cached copy.
	if r, _ := h.Handle(ctx, request(http.MethodPut, widget.ID, `{"name":"Widget v2","price_cents":1}`)); r.StatusCode != 200 {
		t.Fatalf("PUT: %d %s", r.StatusCode, r.Body)
	}
	// (EXISTS is not among the cache user's commands: the administrator looks.)
	if n, err := admin.Exists(ctx, key).Result(); err != nil || n != 0 {
		t.Fatalf("the cached item after the write: exists=%d, %v; want dropped", n, err)
	}
	if _, xc, it := get(); xc != CacheMiss || it.Name != "Widget v2" {
		t.Fatalf("GET after PUT: %s %+v", xc, it)
	}

	// Least privilege: no other keys, no administration.
	for _, cmd := range [][]any{{"GET", "orders:1"}, {"SET", "other", "x"}, {"KEYS", "*"}, {"FLUSHALL"}, {"CONFIG", "GET", "*"}} {
		if err := app.Do(ctx, cmd...).Err(); err == nil || !strings.Contains(err.Error(), "NOPERM") {
			t.Errorf("%v as the cache user: %v, want NOPERM", cmd, err)
		}
	}

	// The server goes away: answers keep coming from the table.
	srv.Stop()
	if code, xc, it := get(); code != 200 || xc != CacheBypass || it.Name != "Widget v2" {
		t.Fatalf("GET with redis down: %d %s %+v", code, xc, it)
	}
}

func TestRedisWrongPasswordDegrades(t *testing.T) {
	srv, _ := startRedis(t)
	opts, _ := RedisOptions(srv.Addr, false, Credentials{Username: "catalog-app", Password: "wrong"})
	c := redis.NewClient(opts)
	defer c.Close()
	h := &Handler{Store: newFakeStore(widget), Cache: &RedisCache{Client: c}, TTL: time.Minute, Logger: slog.New(slog.DiscardHandler)}
	r, _ := h.Handle(context.Background(), request(http.MethodGet, widget.ID, ""))
	if r.StatusCode != 200 || r.Headers["X-Cache"] != CacheBypass {
		t.Fatalf("GET with a wrong cache password: %d %s", r.StatusCode, r.Headers["X-Cache"])
	}
}
