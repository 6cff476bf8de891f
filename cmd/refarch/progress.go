package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// reporter prints progress and results as text for people or, with --json, as one JSON object per line.
type reporter struct {
	json bool
	mu   sync.Mutex
}

func newReporter(jsonOut bool) *reporter { return &reporter{json: jsonOut} }

func (r *reporter) emit(v map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

// step announces a step.
func (r *reporter) step(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if r.json {
		r.emit(map[string]any{"event": "step", "message": msg, "time": time.Now().UTC().Format(time.RFC3339)})
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Println("==> " + msg)
}

// long runs fn, saying every 15 s that it is still running.
func (r *reporter) long(what string, fn func() error) error {
	r.step("%s", what)
	start := time.Now()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if r.json {
					r.emit(map[string]any{"event": "progress", "message": what, "elapsed_seconds": int(time.Since(start).Seconds())})
				} else {
					r.mu.Lock()
					fmt.Printf("    … %s (%s)\n", what, time.Since(start).Round(time.Second))
					r.mu.Unlock()
				}
			}
		}
	}()
	err := fn()
	close(done)
	if err == nil && !r.json {
		r.mu.Lock()
		fmt.Printf("    done in %s\n", time.Since(start).Round(time.Second))
		r.mu.Unlock()
	}
	return err
}

// result prints a named result: key: value lines, or one JSON object.
func (r *reporter) result(name string, fields map[string]any) {
	if r.json {
		out := map[string]any{"event": "result", "name": name}
		for k, v := range fields {
			out[k] = v
		}
		r.emit(out)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Println(name)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fields[k]
		if l, ok := v.([]string); ok {
			v = strings.Join(l, ", ")
		}
		fmt.Printf("  %-26s %v\n", k, v)
	}
}

// warn goes to stderr in both modes.
func (r *reporter) warn(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "refarch: "+format+"\n", args...)
}
