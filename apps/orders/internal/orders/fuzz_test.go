package orders

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzHandler: whatever the body or path, the handler answers JSON, never panics and never blames the store (5xx)
// for bad input.
func FuzzHandler(f *testing.F) {
	f.Add("POST", "/orders", `{"customer":"ada","item":"book","quantity":3}`)
	f.Add("POST", "/orders", `{"customer":"a\u0000","item":"","quantity":-1}`)
	f.Add("GET", "/orders/0123456789abcdef0123456789abcdef", "")
	f.Add("GET", "/orders/..%2F..%2Fetc", "")
	f.Add("POST", "/orders", `[1,2,3]`)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t\r\n?#") || (method != "GET" && method != "POST") {
			return
		}
		if _, err := url.ParseRequestURI("http://orders.local" + path); err != nil {
			return // not a request a client can send
		}
		h := &Handler{Store: &fakeStore{orders: map[string]Order{}}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		req := httptest.NewRequest(method, "http://orders.local"+path, strings.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q %q: HTTP %d %s", method, path, body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: body is not JSON: %q", method, path, rec.Body)
		}
	})
}
