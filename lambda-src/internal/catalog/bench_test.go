package catalog

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

// BenchmarkLookup compares GET /items/{id} served from a real redis-server (hit) with a read that misses the cache
// (GET miss, table read, SET) and with no cache at all. The table is an in-memory fake, so "miss" and "table-only"
// leave out DynamoDB's own round trip (a few ms in a region), which every hit saves.
// Run it with: go test ./lambda-src/internal/catalog -run '^$' -bench Lookup.
func BenchmarkLookup(b *testing.B) {
	_, app := startRedis(b)
	ctx := context.Background()
	store := newFakeStore(widget)
	cached := &Handler{Store: store, Cache: &RedisCache{Client: app}, TTL: time.Hour, Logger: slog.New(slog.DiscardHandler)}
	req := request(http.MethodGet, widget.ID, "")

	b.Run("redis-hit", func(b *testing.B) {
		if r, _ := cached.Handle(ctx, req); r.StatusCode != 200 {
			b.Fatal(r.Body)
		}
		for b.Loop() {
			if r, _ := cached.Handle(ctx, req); r.Headers["X-Cache"] != CacheHit {
				b.Fatalf("X-Cache %s", r.Headers["X-Cache"])
			}
		}
	})
	b.Run("redis-miss", func(b *testing.B) {
		for b.Loop() {
			_ = app.Del(ctx, CacheKey(widget.ID)).Err()
			if r, _ := cached.Handle(ctx, req); r.Headers["X-Cache"] != CacheMiss {
				b.Fatalf("X-Cache %s", r.Headers["X-Cache"])
			}
		}
	})
	b.Run("table-only", func(b *testing.B) {
		h := &Handler{Store: store, TTL: time.Hour, Logger: slog.New(slog.DiscardHandler)}
		for b.Loop() {
			if r, _ := h.Handle(ctx, req); r.StatusCode != 200 {
				b.Fatal(r.Body)
			}
		}
	})
}
