package catalog

import (
	"context"
	"errors"
	"sync"
	"time"
)

type fakeStore struct {
	mu     sync.Mutex
	items  map[string]Item
	gets   int
	puts   int
	getErr error
	putErr error
}

func newFakeStore(items ...Item) *fakeStore {
	s := &fakeStore{items: map[string]Item{}}
	for _, it := range items {
		s.items[it.ID] = it
	}
	return s
}

func (s *fakeStore) GetItem(_ context.Context, id string) (Item, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	if s.getErr != nil {
		return Item{}, false, s.getErr
	}
	it, ok := s.items[id]
	return it, ok, nil
}

func (s *fakeStore) PutItem(_ context.Context, it Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts++
	if s.putErr != nil {
		return s.putErr
	}
	s.items[it.ID] = it
	return nil
}

type cacheEntry struct {
	value   []byte
	expires time.Time
}

// fakeCache is an in-memory Cache with expiry on a settable clock; err makes every call fail (a cache that is down).
type fakeCache struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]cacheEntry
	err     error
	calls   int
	lastTTL time.Duration
}

func newFakeCache(now func() time.Time) *fakeCache {
	return &fakeCache{now: now, entries: map[string]cacheEntry{}}
}

var errCacheDown = errors.New("dial tcp 10.0.1.5:6379: i/o timeout")

func (c *fakeCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.err != nil {
		return nil, false, c.err
	}
	e, ok := c.entries[key]
	if !ok || !c.now().Before(e.expires) {
		return nil, false, nil
	}
	return e.value, true, nil
}

func (c *fakeCache) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.err != nil {
		return c.err
	}
	c.lastTTL = ttl
	c.entries[key] = cacheEntry{value: append([]byte(nil), value...), expires: c.now().Add(ttl)}
	return nil
}

func (c *fakeCache) Delete(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.err != nil {
		return c.err
	}
	delete(c.entries, key)
	return nil
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
