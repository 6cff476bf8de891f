package todos

import (
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewID(t *testing.T) {
	now := time.Now()
	prev := ""
	// Many ids in the same millisecond still increase (monotonic entropy).
	for range 1000 {
		id, err := NewID(now)
		if err != nil {
			t.Fatal(err)
		}
		if !ValidID(id) || len(id) != 26 {
			t.Fatalf("NewID = %q, not a canonical ULID", id)
		}
		if id <= prev {
			t.Fatalf("ids not increasing within one millisecond: %s then %s", prev, id)
		}
		prev = id
	}
	later, _ := NewID(now.Add(time.Millisecond))
	earlier, _ := NewID(now.Add(-time.Hour))
	if later <= prev || earlier >= prev {
		t.Errorf("ids do not follow time: earlier %s, now %s, later %s", earlier, prev, later)
	}

	// Safe for concurrent use, and unique.
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				id, err := NewID(now)
				mu.Lock()
				if err != nil || seen[id] {
					t.Errorf("NewID: %q %v (dup=%v)", id, err, seen[id])
				}
				seen[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestValidID(t *testing.T) {
	good := testID(1)
	for _, s := range []string{good, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "00000000000000000000000000"} {
		if !ValidID(s) {
			t.Errorf("ValidID(%q) = false", s)
		}
	}
	for _, s := range []string{"", "01arz3ndektsv4rrffq69g5fav", "8ZZZZZZZZZZZZZZZZZZZZZZZZZ", "01ARZ3NDEKTSV4RRFFQ69G5FA", "01ARZ3NDEKTSV4RRFFQ69G5FAVX",
		"01ARZ3NDEKTSV4RRFFQ69G5FAU", "01ARZ3NDEKTSV4RRFFQ69G5FAI", "01ARZ3NDEKTSV4RRFFQ69G5FA!", "01ARZ3NDEKTSV4RRFFQ69G5FA\xff"} {
		if ValidID(s) {
			t.Errorf("ValidID(%q) = true", s)
		}
	}
}

func TestCursor(t *testing.T) {
	id := testID(3)
	c := encodeCursor("user-a", id)
	if strings.ContainsAny(c, "+/=") {
		t.Errorf("cursor %q is not unpadded base64url", c)
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || string(raw) != `{"owner":"user-a","id":"`+id+`"}` {
		t.Errorf("cursor content %s %v", raw, err)
	}
	if got, err := decodeCursor("user-a", c); err != nil || got != id {
		t.Errorf("decode = %q %v", got, err)
	}
	if _, err := decodeCursor("user-b", c); err == nil {
		t.Error("another owner's cursor accepted")
	}
	// Owners with characters that need escaping round-trip.
	odd := "ü\"<>&\\ \u2028"
	if got, err := decodeCursor(odd, encodeCursor(odd, id)); err != nil || got != id {
		t.Errorf("odd owner: %q %v", got, err)
	}
}
