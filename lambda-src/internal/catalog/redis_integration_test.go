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
// creates: read-through with TTL, hit after miss, expiry, invalidation on write, and degraded service when the server
// is gone.
func TestRedisIntegration(t *testing.T) {
	srv, app := startRedis(t)
	ctx := context.Background()
	store := newFakeStore(widget)
	h := &Handler{Store: store, Cache: &RedisCache{Client: app}, TTL: time.Second, Logger: slog.New(slog.DiscardHandler)}
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
	ttl, err := app.Do(ctx, "PTTL", CacheKey(widget.ID)).Int64()
	if err == nil {
		t.Fatalf("PTTL is not among the user's commands, yet it ran (%d)", ttl)
	}
	if code, xc, it := get(); code != 200 || xc != CacheHit || it != widget {
		t.Fatalf("second GET: %d %s %+v", code, xc, it)
	}
	if store.gets != 1 {
		t.Fatalf("table read %d times, want 1", store.gets)
	}

	// The entry expires with its TTL (redis's own expiry).
	time.Sleep(1100 * time.Millisecond)
	if _, xc, _ := get(); xc != CacheMiss {
		t.Fatalf("GET after the TTL: X-Cache %s, want miss", xc)
	}

	// A write drops the cached copy.
	if r, _ := h.Handle(ctx, request(http.MethodPut, widget.ID, `{"name":"Widget v2","price_cents":1}`)); r.StatusCode != 200 {
		t.Fatalf("PUT: %d %s", r.StatusCode, r.Body)
	}
	if n, err := app.Exists(ctx, CacheKey(widget.ID)).Result(); err == nil && n != 0 {
		t.Fatal("the cached item survived the write")
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
