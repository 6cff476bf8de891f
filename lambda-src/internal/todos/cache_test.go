package todos

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable clock.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(fixedNow.UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func newCached(t *testing.T, ttl time.Duration, maxEntries int) (*CachedStore, *memStore, *fakeClock) {
	t.Helper()
	store := newMemStore()
	clock := newFakeClock()
	return NewCachedStore(store, CacheOptions{TTL: ttl, MaxEntries: maxEntries, Now: clock.Now}), store, clock
}

func TestCachedStoreGet(t *testing.T) {
	ctx := context.Background()
	c, store, clock := newCached(t, 2*time.Second, 0)
	td := seedStore(store, "a", 1)[0]

	for range 3 {
		got, err := c.Get(ctx, "a", td.ID)
		if err != nil || got != td {
			t.Fatalf("Get = %+v, %v", got, err)
		}
	}
	if n := store.count("get"); n != 1 {
		t.Errorf("store.Get called %d times, want 1", n)
	}
	if s := c.Stats(); s.Hits != 2 || s.Misses != 1 || s.Entries != 1 {
		t.Errorf("stats %+v", s)
	}

	clock.Advance(2 * time.Second) // expired at exactly TTL
	if _, err := c.Get(ctx, "a", td.ID); err != nil {
		t.Fatal(err)
	}
	if n := store.count("get"); n != 2 {
		t.Errorf("after TTL: store.Get called %d times, want 2", n)
	}

	// Errors (including not found) are not cached.
	for range 2 {
		if _, err := c.Get(ctx, "a", testID(99)); !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
	}
	store.failGet = errBoom
	for range 2 {
		if _, err := c.Get(ctx, "a", testID(98)); !errors.Is(err, errBoom) {
			t.Fatal(err)
		}
	}
	if n := store.count("get"); n != 6 {
		t.Errorf("store.Get called %d times, want 6 (errors never cached)", n)
	}
}

func seedStore(m *memStore, owner string, n int) []Todo {
	var out []Todo
	for i := 1; i <= n; i++ {
		td := Todo{ID: testID(i), Owner: owner, Title: fmt.Sprintf("%s %d", owner, i), CreatedAt: fixedNow.UTC()}
		m.add(td)
		out = append(out, td)
	}
	return out
}

// TestCachedStoreOwnerIsolation: the same id or page asked for by another
// owner is never answered from the first owner's entries.
func TestCachedStoreOwnerIsolation(t *testing.T) {
	ctx := context.Background()
	c, store, _ := newCached(t, time.Minute, 0)
	a := seedStore(store, "alice", 3)

	if _, err := c.Get(ctx, "alice", a[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.List(ctx, "alice", 10, ""); err != nil || len(got) != 3 {
		t.Fatalf("alice list: %v %v", got, err)
	}
	// Bob asks for Alice's id and for the same page.
	if got, err := c.Get(ctx, "bob", a[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob got alice's todo from the cache: %+v %v", got, err)
	}
	if got, next, err := c.List(ctx, "bob", 10, ""); err != nil || len(got) != 0 || next != "" {
		t.Fatalf("bob's list = %v %q %v", got, next, err)
	}
	// Bob's writes do not evict Alice's entries, and vice versa.
	if err := c.Put(ctx, Todo{ID: testID(50), Owner: "bob", Title: "b"}); err != nil {
		t.Fatal(err)
	}
	before := store.count("get")
	if _, err := c.Get(ctx, "alice", a[0].ID); err != nil || store.count("get") != before {
		t.Errorf("bob's write evicted alice's entry (%v)", err)
	}
}

// TestCachedStoreInvalidation: every write of an owner, successful or not,
// drops that owner's cached Gets and pages.
func TestCachedStoreInvalidation(t *testing.T) {
	ctx := context.Background()
	title := "changed"
	writes := []struct {
		name  string
		write func(c *CachedStore, m *memStore) error
	}{
		{"put", func(c *CachedStore, _ *memStore) error {
			return c.Put(ctx, Todo{ID: testID(10), Owner: "a", Title: "new"})
		}},
		{"update", func(c *CachedStore, _ *memStore) error {
			_, err := c.Update(ctx, "a", testID(1), Patch{Title: &title})
			return err
		}},
		{"delete", func(c *CachedStore, _ *memStore) error { return c.Delete(ctx, "a", testID(2)) }},
		{"failed put", func(c *CachedStore, m *memStore) error {
			m.failPut = errBoom
			return c.Put(ctx, Todo{ID: testID(10), Owner: "a", Title: "new"})
		}},
		{"failed update", func(c *CachedStore, m *memStore) error {
			m.failUpd = errBoom
			_, err := c.Update(ctx, "a", testID(1), Patch{Title: &title})
			return err
		}},
		{"failed delete", func(c *CachedStore, m *memStore) error {
			m.failDel = errBoom
			return c.Delete(ctx, "a", testID(2))
		}},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			c, store, _ := newCached(t, time.Hour, 0)
			seedStore(store, "a", 2)
			seedStore(store, "b", 2)
			warm := func() {
				for _, owner := range []string{"a", "b"} {
					if _, err := c.Get(ctx, owner, testID(1)); err != nil {
						t.Fatal(err)
					}
					if _, _, err := c.List(ctx, owner, 1, ""); err != nil {
						t.Fatal(err)
					}
					if _, _, err := c.List(ctx, owner, 10, testID(1)); err != nil {
						t.Fatal(err)
					}
				}
			}
			warm()
			if s := c.Stats(); s.Entries != 6 {
				t.Fatalf("entries %d, want 6", s.Entries)
			}
			_ = w.write(c, store)
			if s := c.Stats(); s.Entries != 3 {
				t.Errorf("after %s of a: %d entries, want b's 3", w.name, s.Entries)
			}
			gets, lists := store.count("get"), store.count("list")
			store.failPut, store.failUpd, store.failDel = nil, nil, nil
			warm()
			if store.count("get") != gets+1 || store.count("list") != lists+2 {
				t.Errorf("re-reads: %d gets, %d lists went to the store; want 1 and 2 (a's only)",
					store.count("get")-gets, store.count("list")-lists)
			}
		})
	}
}

// TestCachedStoreReadYourWrites goes through the handler: a PATCH is seen
// by the next GET and list although both were cached.
func TestCachedStoreReadYourWrites(t *testing.T) {
	env := newTestEnv()
	env.h.Store = NewCachedStore(env.store, CacheOptions{TTL: time.Hour})
	td := seed(env, "user-a", 1)[0]
	get := func() Todo { return decodeTodo(t, do(t, env.h, as("user-a", itemReq("GET", td.ID)))) }
	list := func() []Todo { return decodeList(t, do(t, env.h, as("user-a", listReq(nil)))).Todos }
	if get().Done || list()[0].Done {
		t.Fatal("seeded done")
	}
	do(t, env.h, as("user-a", patchReq(td.ID, `{"done":true}`)))
	if !get().Done || !list()[0].Done {
		t.Error("stale read after PATCH")
	}
	do(t, env.h, as("user-a", collectionReq("POST", `{"title":"second"}`)))
	if len(list()) != 2 {
		t.Error("stale list after POST")
	}
	do(t, env.h, as("user-a", itemReq("DELETE", td.ID)))
	if resp := do(t, env.h, as("user-a", itemReq("GET", td.ID))); resp.StatusCode != 404 {
		t.Errorf("GET after DELETE: %d", resp.StatusCode)
	}
	if len(list()) != 1 {
		t.Error("stale list after DELETE")
	}
}

// blockingStore blocks Get until released, to interleave a write with a read.
type blockingStore struct {
	*memStore
	entered chan struct{}
	release chan struct{}
}

func (b *blockingStore) Get(ctx context.Context, owner, id string) (Todo, error) {
	t, err := b.memStore.Get(ctx, owner, id)
	b.entered <- struct{}{}
	<-b.release
	return t, err
}

// TestCachedStoreReadDuringWrite: a read that fetched the old value while a
// write happened must not put that old value in the cache.
func TestCachedStoreReadDuringWrite(t *testing.T) {
	ctx := context.Background()
	store := newMemStore()
	td := seedStore(store, "a", 1)[0]
	b := &blockingStore{memStore: store, entered: make(chan struct{}), release: make(chan struct{})}
	c := NewCachedStore(b, CacheOptions{TTL: time.Hour})

	done := make(chan Todo)
	go func() {
		got, _ := c.Get(ctx, "a", td.ID) // reads the old title, then blocks
		done <- got
	}()
	<-b.entered
	title := "new"
	if _, err := c.Update(ctx, "a", td.ID, Patch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	close(b.release)
	if old := <-done; old.Title != td.Title {
		t.Fatalf("in-flight read got %q", old.Title)
	}
	go func() { <-b.entered }() // the next Get goes to the store again
	got, err := c.Get(ctx, "a", td.ID)
	if err != nil || got.Title != "new" {
		t.Errorf("after the write: %+v %v; the in-flight read cached a stale value", got, err)
	}
}

func TestCachedStoreBounded(t *testing.T) {
	ctx := context.Background()
	c, store, _ := newCached(t, time.Hour, 3)
	seedStore(store, "a", 5)
	for i := 1; i <= 5; i++ {
		if _, err := c.Get(ctx, "a", testID(i)); err != nil {
			t.Fatal(err)
		}
	}
	if s := c.Stats(); s.Entries != 3 {
		t.Fatalf("entries %d, want 3", s.Entries)
	}
	// 3, 4, 5 are cached (least recently used evicted first).
	before := store.count("get")
	for _, i := range []int{3, 4, 5} {
		if _, err := c.Get(ctx, "a", testID(i)); err != nil {
			t.Fatal(err)
		}
	}
	if store.count("get") != before {
		t.Error("recent entries were evicted")
	}
	if _, err := c.Get(ctx, "a", testID(1)); err != nil || store.count("get") != before+1 {
		t.Errorf("evicted entry served (%v)", err)
	}
	// Many owners: the per-owner bookkeeping is bounded too.
	for i := range 100 {
		owner := fmt.Sprintf("owner-%d", i)
		store.add(Todo{ID: testID(1), Owner: owner})
		if _, err := c.Get(ctx, owner, testID(1)); err != nil {
			t.Fatal(err)
		}
		_ = c.Delete(ctx, owner, testID(7)) // a write for an owner with nothing else cached
	}
	c.mu.Lock()
	owners := len(c.owners)
	c.mu.Unlock()
	if owners > 3 {
		t.Errorf("%d owner records kept for 3 entries", owners)
	}
}

func TestCachedStoreCopies(t *testing.T) {
	ctx := context.Background()
	c, store, _ := newCached(t, time.Hour, 0)
	seedStore(store, "a", 2)
	page, _, err := c.List(ctx, "a", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	page[0].Title = "mutated by a caller"
	again, _, _ := c.List(ctx, "a", 10, "")
	if again[0].Title == "mutated by a caller" {
		t.Error("cached page shares memory with callers")
	}
	if store.count("list") != 1 {
		t.Errorf("list calls %d, want 1", store.count("list"))
	}
}

func TestCachedStoreDisabled(t *testing.T) {
	ctx := context.Background()
	c, store, _ := newCached(t, 0, 0)
	seedStore(store, "a", 1)
	for range 3 {
		if _, err := c.Get(ctx, "a", testID(1)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.List(ctx, "a", 5, ""); err != nil {
			t.Fatal(err)
		}
	}
	if store.count("get") != 3 || store.count("list") != 3 || c.Stats().Entries != 0 {
		t.Errorf("TTL 0 cached: gets %d lists %d stats %+v", store.count("get"), store.count("list"), c.Stats())
	}
}

// TestCachedStoreConcurrent hammers one cache from many goroutines (run
// with -race when cgo is available); each owner must only ever see its own
// todos and, after its own write returns, its own write.
func TestCachedStoreConcurrent(t *testing.T) {
	ctx := context.Background()
	c, store, _ := newCached(t, time.Hour, 16)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		owner := fmt.Sprintf("owner-%d", w)
		seedStore(store, owner, 3)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				title := fmt.Sprintf("%s v%d", owner, i)
				if _, err := c.Update(ctx, owner, testID(1+i%3), Patch{Title: &title}); err != nil {
					errs <- err
					return
				}
				got, err := c.Get(ctx, owner, testID(1+i%3))
				if err != nil || got.Owner != owner || got.Title != title {
					errs <- fmt.Errorf("%s read %+v (%v), want title %q", owner, got, err, title)
					return
				}
				page, _, err := c.List(ctx, owner, 2, "")
				for _, td := range page {
					if td.Owner != owner {
						errs <- fmt.Errorf("%s saw %+v", owner, td)
						return
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
