package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

var widget = Item{ID: "widget-1", Name: "Widget", PriceCents: 1299, UpdatedAt: "2026-11-01T00:00:00Z"}

type env struct {
	h     *Handler
	store *fakeStore
	cache *fakeCache
	clk   *clock
	logs  *bytes.Buffer
}

func newEnv(items ...Item) *env {
	clk := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	logs := &bytes.Buffer{}
	e := &env{store: newFakeStore(items...), cache: newFakeCache(clk.Now), clk: clk, logs: logs}
	e.h = &Handler{Store: e.store, Cache: e.cache, TTL: time.Minute, Cooldown: 2 * time.Second, Now: clk.Now,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))}
	return e
}

func request(method, id, body string) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{
		HTTPMethod:     method,
		Resource:       "/items/{id}",
		Path:           "/items/" + id,
		PathParameters: map[string]string{"id": id},
		Body:           body,
		RequestContext: events.APIGatewayProxyRequestContext{RequestID: "req-1"},
	}
}

func (e *env) do(t *testing.T, method, id, body string) events.APIGatewayProxyResponse {
	t.Helper()
	resp, err := e.h.Handle(context.Background(), request(method, id, body))
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	if resp.Headers["Content-Type"] != "application/json" {
		t.Fatalf("Content-Type %q", resp.Headers["Content-Type"])
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &v); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", resp.Body, err)
	}
	return resp
}

func decodeItem(t *testing.T, resp events.APIGatewayProxyResponse) Item {
	t.Helper()
	var it Item
	if err := json.Unmarshal([]byte(resp.Body), &it); err != nil {
		t.Fatal(err)
	}
	return it
}

func TestGetReadsThroughTheCacheWithTTL(t *testing.T) {
	e := newEnv(widget)

	r := e.do(t, http.MethodGet, widget.ID, "")
	if r.StatusCode != 200 || r.Headers["X-Cache"] != CacheMiss || decodeItem(t, r) != widget {
		t.Fatalf("first GET: %d %s %s", r.StatusCode, r.Headers["X-Cache"], r.Body)
	}
	if e.cache.lastTTL != time.Minute {
		t.Fatalf("cached with TTL %v, want 1m", e.cache.lastTTL)
	}
	r = e.do(t, http.MethodGet, widget.ID, "")
	if r.StatusCode != 200 || r.Headers["X-Cache"] != CacheHit || decodeItem(t, r) != widget {
		t.Fatalf("second GET: %d %s %s", r.StatusCode, r.Headers["X-Cache"], r.Body)
	}
	if e.store.gets != 1 {
		t.Fatalf("table read %d times, want 1 (second GET from the cache)", e.store.gets)
	}

	e.clk.Advance(time.Minute)
	r = e.do(t, http.MethodGet, widget.ID, "")
	if r.Headers["X-Cache"] != CacheMiss || e.store.gets != 2 {
		t.Fatalf("GET after the TTL: X-Cache %s, table reads %d; want a miss and a second read", r.Headers["X-Cache"], e.store.gets)
	}
}

func TestPutWritesTheTableThenInvalidates(t *testing.T) {
	e := newEnv(widget)
	e.do(t, http.MethodGet, widget.ID, "") // cached

	r := e.do(t, http.MethodPut, widget.ID, `{"name":"Widget v2","price_cents":1500}`)
	got := decodeItem(t, r)
	if r.StatusCode != 200 || got.Name != "Widget v2" || got.PriceCents != 1500 || got.UpdatedAt != "2026-11-26T12:00:00Z" {
		t.Fatalf("PUT: %d %s", r.StatusCode, r.Body)
	}
	if e.store.items[widget.ID].Name != "Widget v2" {
		t.Fatal("table not written")
	}
	r = e.do(t, http.MethodGet, widget.ID, "")
	if r.Headers["X-Cache"] != CacheMiss || decodeItem(t, r).Name != "Widget v2" {
		t.Fatalf("GET after PUT: %s %s; want a miss with the new item", r.Headers["X-Cache"], r.Body)
	}
}

func TestCacheDownServesFromTheTable(t *testing.T) {
	e := newEnv(widget)
	e.cache.err = errCacheDown

	r := e.do(t, http.MethodGet, widget.ID, "")
	if r.StatusCode != 200 || r.Headers["X-Cache"] != CacheBypass || decodeItem(t, r) != widget {
		t.Fatalf("GET with the cache down: %d %s %s", r.StatusCode, r.Headers["X-Cache"], r.Body)
	}
	if !strings.Contains(e.logs.String(), "degraded") {
		t.Fatalf("no degraded log line: %s", e.logs)
	}
	// Within the cooldown the cache is not asked at all.
	calls := e.cache.calls
	r = e.do(t, http.MethodGet, widget.ID, "")
	if r.Headers["X-Cache"] != CacheBypass || e.cache.calls != calls {
		t.Fatalf("GET in the cooldown: X-Cache %s, cache calls %d → %d", r.Headers["X-Cache"], calls, e.cache.calls)
	}
	// Writes still succeed (the table is the source of truth).
	if r := e.do(t, http.MethodPut, widget.ID, `{"name":"W","price_cents":1}`); r.StatusCode != 200 {
		t.Fatalf("PUT with the cache down: %d %s", r.StatusCode, r.Body)
	}
	// The cache comes back: after the cooldown it is used again.
	e.cache.err = nil
	e.clk.Advance(3 * time.Second)
	if r := e.do(t, http.MethodGet, widget.ID, ""); r.Headers["X-Cache"] != CacheMiss {
		t.Fatalf("GET after recovery: X-Cache %s, want miss", r.Headers["X-Cache"])
	}
	if r := e.do(t, http.MethodGet, widget.ID, ""); r.Headers["X-Cache"] != CacheHit {
		t.Fatalf("second GET after recovery: X-Cache %s, want hit", r.Headers["X-Cache"])
	}
}

func TestNoCacheConfigured(t *testing.T) {
	e := newEnv(widget)
	e.h.Cache = nil
	if r := e.do(t, http.MethodGet, widget.ID, ""); r.StatusCode != 200 || r.Headers["X-Cache"] != CacheBypass {
		t.Fatalf("GET without a cache: %d %s", r.StatusCode, r.Headers["X-Cache"])
	}
	if r := e.do(t, http.MethodPut, widget.ID, `{"name":"W","price_cents":1}`); r.StatusCode != 200 {
		t.Fatalf("PUT without a cache: %d", r.StatusCode)
	}
}

func TestCorruptCacheEntryIsDropped(t *testing.T) {
	e := newEnv(widget)
	_ = e.cache.Set(context.Background(), CacheKey(widget.ID), []byte("{not json"), time.Hour)
	r := e.do(t, http.MethodGet, widget.ID, "")
	if r.StatusCode != 200 || r.Headers["X-Cache"] != CacheMiss || decodeItem(t, r) != widget {
		t.Fatalf("GET over a corrupt entry: %d %s %s", r.StatusCode, r.Headers["X-Cache"], r.Body)
	}
	if r := e.do(t, http.MethodGet, widget.ID, ""); r.Headers["X-Cache"] != CacheHit {
		t.Fatal("the entry was not replaced")
	}
}

func TestErrorsAndBadInput(t *testing.T) {
	tests := []struct {
		name   string
		method string
		id     string
		body   string
		setup  func(*env)
		status int
		errSub string
	}{
		{"unknown item", "GET", "nope", "", nil, 404, "not found"},
		{"id too long", "GET", strings.Repeat("a", 65), "", nil, 400, "id must be"},
		{"id with a slash", "GET", "../x", "", nil, 400, "id must be"},
		{"id with a space", "GET", "a b", "", nil, 400, "id must be"},
		{"empty id", "GET", "", "", nil, 400, "id must be"},
		{"id with a key pattern", "GET", "*", "", nil, 400, "id must be"},
		{"method", "DELETE", "x", "", nil, 405, "method"},
		{"put not JSON", "PUT", "x", "nope", nil, 400, InvalidJSONMessage},
		{"put unknown field", "PUT", "x", `{"name":"a","price_cents":1,"admin":true}`, nil, 400, InvalidJSONMessage},
		{"put no name", "PUT", "x", `{"price_cents":1}`, nil, 400, "name is required"},
		{"put blank name", "PUT", "x", `{"name":"  ","price_cents":1}`, nil, 400, "name is required"},
		{"put long name", "PUT", "x", `{"name":"` + strings.Repeat("é", 201) + `","price_cents":1}`, nil, 400, "at most 200"},
		{"put no price", "PUT", "x", `{"name":"a"}`, nil, 400, "price_cents is required"},
		{"put negative price", "PUT", "x", `{"name":"a","price_cents":-1}`, nil, 400, "negative"},
		{"put fractional price", "PUT", "x", `{"name":"a","price_cents":1.5}`, nil, 400, InvalidJSONMessage},
		{"put two objects", "PUT", "x", `{"name":"a","price_cents":1}{}`, nil, 400, "exactly one"},
		{"put trailing brace", "PUT", "x", `{"name":"a","price_cents":1}}`, nil, 400, "exactly one"},
		{"put huge body", "PUT", "x", `{"name":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, nil, 413, "larger than 4096 bytes"},
		{"table read fails", "GET", widget.ID, "", func(e *env) { e.store.getErr = errors.New("throttled") }, 500, "internal error"},
		{"table write fails", "PUT", widget.ID, `{"name":"a","price_cents":1}`, func(e *env) { e.store.putErr = errors.New("throttled") }, 500, "internal error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(widget)
			if tc.setup != nil {
				tc.setup(e)
			}
			r := e.do(t, tc.method, tc.id, tc.body)
			var body errorBody
			_ = json.Unmarshal([]byte(r.Body), &body)
			if r.StatusCode != tc.status || !strings.Contains(body.Error, tc.errSub) {
				t.Fatalf("%s %q: %d %s; want %d containing %q", tc.method, tc.id, r.StatusCode, r.Body, tc.status, tc.errSub)
			}
		})
	}
}

// TestPutBodyErrorsAreFixedText: whatever a refused body holds, the client
// gets a fixed message (the decoder's text quotes the body: field names,
// offsets, types), and the log gets the decoder's text, bounded.
func TestPutBodyErrorsAreFixedText(t *testing.T) {
	hostile := strings.Repeat("<script>", 400)
	for name, body := range map[string]string{
		"unknown field":      `{"name":"a","price_cents":1,"` + hostile + `":true}`,
		"syntax error":       `{"name":"a",` + hostile,
		"wrong type":         `{"name":{"` + hostile + `":1},"price_cents":1}`,
		"number overflow":    `{"name":"a","price_cents":1` + strings.Repeat("0", 400) + `}`,
		"not an object":      `["` + hostile + `"]`,
		"truncated":          `{"name":"a","price_cents":`,
		"invalid UTF-8 name": "{\"\xff" + hostile + "\":1}",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv()
			r := e.do(t, http.MethodPut, "x", body)
			want, _ := json.Marshal(errorBody{InvalidJSONMessage})
			if r.StatusCode != http.StatusBadRequest || r.Body != string(want) {
				t.Fatalf("%d %.300s; want 400 %s", r.StatusCode, r.Body, want)
			}
			logs := e.logs.String()
			if !strings.Contains(logs, `"msg":"PUT body refused"`) || !strings.Contains(logs, `"detail":"`) {
				t.Errorf("the decoder's reason is not logged:\n%s", logs)
			}
			for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
				if len(line) > 600 {
					t.Errorf("log line of %d bytes: %.300s…", len(line), line)
				}
			}
		})
	}
}

func TestPutBodySizeLimit(t *testing.T) {
	// A body of exactly MaxBodyBytes is read; one byte more is 413 before any parsing.
	pad := func(n int) string {
		b := `{"name":"a","price_cents":1}`
		return b + strings.Repeat(" ", n-len(b))
	}
	e := newEnv()
	if r := e.do(t, http.MethodPut, "x", pad(MaxBodyBytes)); r.StatusCode != http.StatusOK {
		t.Fatalf("body of %d bytes: %d %s", MaxBodyBytes, r.StatusCode, r.Body)
	}
	for _, n := range []int{MaxBodyBytes + 1, 10 << 20} {
		r := e.do(t, http.MethodPut, "x", pad(n))
		if r.StatusCode != http.StatusRequestEntityTooLarge || r.Body != `{"error":"body is larger than 4096 bytes"}` {
			t.Fatalf("body of %d bytes: %d %s, want 413", n, r.StatusCode, r.Body)
		}
	}
}

func TestPutWithBase64BodyIsRefused(t *testing.T) {
	e := newEnv()
	req := request("PUT", "x", "eyJuYW1lIjoiYSJ9")
	req.IsBase64Encoded = true
	r, _ := e.h.Handle(context.Background(), req)
	if r.StatusCode != 400 {
		t.Fatalf("status %d", r.StatusCode)
	}
}

func TestWrongRouteAndMisconfiguration(t *testing.T) {
	e := newEnv()
	req := request("GET", "x", "")
	req.Resource = "/other/{id}"
	if r, _ := e.h.Handle(context.Background(), req); r.StatusCode != 404 {
		t.Fatalf("other route: %d", r.StatusCode)
	}
	h := &Handler{Logger: slog.New(slog.DiscardHandler)}
	if r, _ := h.Handle(context.Background(), request("GET", "x", "")); r.StatusCode != 500 {
		t.Fatalf("unconfigured handler: %d", r.StatusCode)
	}
}

type panickyStore struct{ fakeStore }

func (*panickyStore) GetItem(context.Context, string) (Item, bool, error) { panic("boom") }

func TestPanicBecomes500(t *testing.T) {
	e := newEnv()
	e.h.Store = &panickyStore{}
	r, err := e.h.Handle(context.Background(), request("GET", "x", ""))
	if err != nil || r.StatusCode != 500 {
		t.Fatalf("%d %v", r.StatusCode, err)
	}
}

func FuzzHandle(f *testing.F) {
	f.Add("GET", "widget-1", "")
	f.Add("PUT", "x", `{"name":"a","price_cents":1}`)
	f.Add("PUT", "x", `{"name":null,"price_cents":"1"}`)
	f.Fuzz(func(t *testing.T, method, id, body string) {
		e := newEnv(widget)
		r, err := e.h.Handle(context.Background(), request(method, id, body))
		if err != nil {
			t.Fatal(err)
		}
		if r.StatusCode >= 500 {
			t.Fatalf("%s %q %q → %d %s", method, id, body, r.StatusCode, r.Body)
		}
		if !json.Valid([]byte(r.Body)) {
			t.Fatalf("body %q is not JSON", r.Body)
		}
	})
}
