package todos

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

// dynamoRoundTrip is what the benchmark's fake store sleeps per call,
// standing in for a DynamoDB GetItem from Lambda in the same region.
const dynamoRoundTrip = 200 * time.Microsecond

// BenchmarkGetTodo compares GET /todos/{id} through the handler with the
// store called every time ("uncached") and behind CachedStore ("cached",
// READ_CACHE_TTL's default) over a store that takes dynamoRoundTrip per
// read. Run it from the repository root with `go test -bench GetTodo ./lambda-src/internal/todos`.
func BenchmarkGetTodo(b *testing.B) {
	id := testID(1)
	for _, bc := range []struct {
		name string
		wrap func(Store) Store
	}{
		{"uncached", func(s Store) Store { return s }},
		{"cached", func(s Store) Store { return NewCachedStore(s, CacheOptions{TTL: 2 * time.Second}) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			store := newMemStore()
			store.getDelay = dynamoRoundTrip
			store.add(Todo{ID: id, Owner: "bench-user", Title: "benchmark", CreatedAt: fixedNow})
			h := &Handler{Store: bc.wrap(store), Auth: fixedAuth("bench-user"), Logger: slog.New(slog.DiscardHandler)}
			req := itemReq("GET", id)
			ctx := context.Background()
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n++
				resp, err := h.Handle(ctx, req)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("%d %v", resp.StatusCode, err)
				}
			}
			b.ReportMetric(float64(store.count("get"))/float64(n), "store-calls/op")
		})
	}
}
