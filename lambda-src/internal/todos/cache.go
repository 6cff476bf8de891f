package todos

import (
	"container/list"
	"context"
	"slices"
	"sync"
	"time"
)

// DefaultCacheEntries bounds a CachedStore when CacheOptions.MaxEntries is
// 0. An entry is one todo or one page of at most MaxPageSize todos (each
// under ~1 KiB), so the worst case stays within a small Lambda's memory.
const DefaultCacheEntries = 1000

// CacheOptions configure a CachedStore.
type CacheOptions struct {
	// TTL is how long a read result is served from the cache. ≤ 0 disables
	// caching: every call goes to the wrapped Store.
	TTL time.Duration
	// MaxEntries bounds the cache (least recently used entries go first);
	// default DefaultCacheEntries.
	MaxEntries int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// CacheStats are a CachedStore's counters.
type CacheStats struct {
	Hits, Misses, Entries int
}

// CachedStore is a Store decorator that serves Get results and List pages
// from a short-lived in-memory cache (read-through).
//
//   - Entries are keyed by owner (and id, or limit and cursor): one owner's
//     results are never served to another.
//   - Any write of an owner through this store (Put, Update, Delete, also
//     when it fails, as it may have applied) drops all of that owner's
//     entries, and a read that was in flight during the write does not
//     store its possibly older result. So a caller always reads its own
//     writes made through the same instance; writes made elsewhere (other
//     Lambda instances) show up within TTL.
//   - Errors are never cached. Cached slices are copied in and out.
//
// It is safe for concurrent use.
type CachedStore struct {
	next Store
	ttl  time.Duration
	max  int
	now  func() time.Time

	mu      sync.Mutex
	lru     *list.List // of *cacheEntry, most recently used first
	entries map[cacheKey]*list.Element
	owners  map[string]*ownerState
	epoch   uint64 // source of owner epochs, never reused
	hits    int
	misses  int
}

var _ Store = (*CachedStore)(nil)

type cacheKind uint8

const (
	kindGet cacheKind = iota + 1
	kindList
)

type cacheKey struct {
	owner string
	kind  cacheKind
	id    string // Get: the id; List: the cursor id ("" for the first page)
	limit int    // List only
}

type cacheEntry struct {
	key     cacheKey
	expires time.Time
	todo    Todo   // Get
	todos   []Todo // List
	next    string // List
}

// ownerState tracks an owner's entries and its epoch, which every write
// changes. It exists while the owner has entries or reads in flight.
type ownerState struct {
	epoch    uint64
	keys     map[cacheKey]struct{}
	inflight int
}

// NewCachedStore wraps next with a read-through cache.
func NewCachedStore(next Store, opts CacheOptions) *CachedStore {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultCacheEntries
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &CachedStore{
		next:    next,
		ttl:     opts.TTL,
		max:     opts.MaxEntries,
		now:     opts.Now,
		lru:     list.New(),
		entries: map[cacheKey]*list.Element{},
		owners:  map[string]*ownerState{},
	}
}

// Get implements Store.
func (c *CachedStore) Get(ctx context.Context, owner, id string) (Todo, error) {
	if c.ttl <= 0 {
		return c.next.Get(ctx, owner, id)
	}
	k := cacheKey{owner: owner, kind: kindGet, id: id}
	if e, ok := c.lookup(k); ok {
		return e.todo, nil
	}
	epoch := c.begin(owner)
	t, err := c.next.Get(ctx, owner, id)
	var e *cacheEntry
	if err == nil {
		e = &cacheEntry{key: k, todo: t}
	}
	c.finish(owner, epoch, e)
	return t, err
}

// List implements Store.
func (c *CachedStore) List(ctx context.Context, owner string, limit int, after string) ([]Todo, string, error) {
	if c.ttl <= 0 {
		return c.next.List(ctx, owner, limit, after)
	}
	k := cacheKey{owner: owner, kind: kindList, id: after, limit: limit}
	if e, ok := c.lookup(k); ok {
		return slices.Clone(e.todos), e.next, nil
	}
	epoch := c.begin(owner)
	todos, next, err := c.next.List(ctx, owner, limit, after)
	var e *cacheEntry
	if err == nil {
		e = &cacheEntry{key: k, todos: slices.Clone(todos), next: next}
		if e.todos == nil {
			e.todos = []Todo{}
		}
	}
	c.finish(owner, epoch, e)
	return todos, next, err
}

// Put implements Store and invalidates the owner's entries.
func (c *CachedStore) Put(ctx context.Context, t Todo) error {
	defer c.invalidate(t.Owner)
	return c.next.Put(ctx, t)
}

// Update implements Store and invalidates the owner's entries.
func (c *CachedStore) Update(ctx context.Context, owner, id string, p Patch) (Todo, error) {
	defer c.invalidate(owner)
	return c.next.Update(ctx, owner, id, p)
}

// Delete implements Store and invalidates the owner's entries.
func (c *CachedStore) Delete(ctx context.Context, owner, id string) error {
	defer c.invalidate(owner)
	return c.next.Delete(ctx, owner, id)
}

// Stats returns the cache's counters.
func (c *CachedStore) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits, Misses: c.misses, Entries: c.lru.Len()}
}

// lookup returns a live entry for k (its fields must not be modified).
func (c *CachedStore) lookup(k cacheKey) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if ok {
		// The list holds only *cacheEntry; anything else would be a miss, never a panic.
		if e, isEntry := el.Value.(*cacheEntry); isEntry && c.now().Before(e.expires) {
			c.lru.MoveToFront(el)
			c.hits++
			return e, true
		}
		c.remove(el)
	}
	c.misses++
	return nil, false
}

// begin registers a read of owner's data and returns the owner's epoch.
func (c *CachedStore) begin(owner string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.owners[owner]
	if st == nil {
		c.epoch++
		st = &ownerState{epoch: c.epoch, keys: map[cacheKey]struct{}{}}
		c.owners[owner] = st
	}
	st.inflight++
	return st.epoch
}

// finish ends a read begun at epoch and stores e (if non-nil) unless a
// write of the owner happened in between.
func (c *CachedStore) finish(owner string, epoch uint64, e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.owners[owner] // non-nil: inflight > 0 keeps it
	if e != nil && st.epoch == epoch {
		if old, ok := c.entries[e.key]; ok {
			c.remove(old)
		}
		e.expires = c.now().Add(c.ttl)
		c.entries[e.key] = c.lru.PushFront(e)
		st.keys[e.key] = struct{}{}
		for c.lru.Len() > c.max {
			c.remove(c.lru.Back())
		}
	}
	st.inflight-- // only now: until here it keeps st registered
	c.release(owner)
}

// invalidate drops owner's entries and moves it to a new epoch so that
// reads in flight do not store what they read.
func (c *CachedStore) invalidate(owner string) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.owners[owner]
	if st == nil {
		return // nothing cached, nothing in flight
	}
	c.epoch++
	st.epoch = c.epoch
	for k := range st.keys {
		c.remove(c.entries[k])
	}
	c.release(owner)
}

// remove drops one entry. Callers hold mu.
func (c *CachedStore) remove(el *list.Element) {
	e, ok := c.lru.Remove(el).(*cacheEntry)
	if !ok {
		return
	}
	delete(c.entries, e.key)
	if st := c.owners[e.key.owner]; st != nil {
		delete(st.keys, e.key)
		c.release(e.key.owner)
	}
}

// release forgets an owner with no entries and no reads in flight. Callers
// hold mu.
func (c *CachedStore) release(owner string) {
	if st := c.owners[owner]; st != nil && st.inflight == 0 && len(st.keys) == 0 {
		delete(c.owners, owner)
	}
}
