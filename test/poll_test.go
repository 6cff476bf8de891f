package test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// The suites wait for things only by polling with a deadline — never by sleeping a fixed time and hoping.

// errNotYet is what a condition without a more telling reason reports while it does not hold.
var errNotYet = errors.New("not yet")

// poll calls cond until it returns nil, backing off from 100 ms to 2 s between calls, and returns nil then; when ctx
// ends first it returns ctx's error joined with cond's last one.
func poll(ctx context.Context, cond func() error) error {
	wait := 100 * time.Millisecond
	for {
		err := cond()
		if err == nil {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(ctx.Err(), fmt.Errorf("last: %w", err))
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// eventually polls cond (see poll) until it returns nil; the test fails, naming what it waited for and cond's last
// error, when within passes or the test's context ends first. cond may also end the test itself (t.Fatal).
func eventually(t *testing.T, within time.Duration, what string, cond func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	if err := poll(ctx, cond); err != nil {
		t.Fatalf("%s: not within %v: %v", what, within, err)
	}
}

// waitFor is eventually for a condition that has no reason to give.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	eventually(t, within, "condition", func() error {
		if cond() {
			return nil
		}
		return errNotYet
	})
}
