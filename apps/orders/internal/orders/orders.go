// Package orders is the orders service's logic: a small JSON API over a Store. Services A (ECS on DynamoDB) and C
// (EC2 on PostgreSQL) of the Microservices architecture run the same API over different stores.
package orders

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
)

// Order is one order as the API and the stores see it.
type Order struct {
	ID        string    `json:"id"`
	Customer  string    `json:"customer"`
	Item      string    `json:"item"`
	Quantity  int       `json:"quantity"`
	CreatedAt time.Time `json:"created_at"`
}

// ErrNotFound is returned by Store.Get for an unknown id.
var ErrNotFound = errors.New("order not found")

// Store keeps orders. Implementations: PostgresStore, DynamoDBStore, and fakes in tests.
type Store interface {
	Put(ctx context.Context, o Order) error
	Get(ctx context.Context, id string) (Order, error)
	// Ping reports whether the store is reachable (the load balancer's health check).
	Ping(ctx context.Context) error
}

// Handler serves:
//
//	POST /orders       {"customer": "...", "item": "...", "quantity": 1..1000} → 201 Order
//	GET  /orders/{id}  → 200 Order | 404
//	GET  /healthz      → 200 {"status":"ok"} | 503 when the store does not answer
//
// Bad input is a 4xx with {"error": "..."}; store failures are a 500 with a generic message (details are logged).
type Handler struct {
	Store Store
	// Events, when set, gets an order.created event after each stored order. Publishing is best effort: a failure
	// is logged and the order still counts as created (a transactional outbox would make it exactly-once).
	Events Publisher
	// Source names the service in events (e.g. "service-c").
	Source string
	Log    *slog.Logger
	// Now and NewID default to time.Now and 16 random bytes in hex.
	Now   func() time.Time
	NewID func() string
}

var idPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

const maxBody = 16 << 10

// ServeHTTP routes a request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/healthz":
		h.health(w, r)
	case r.URL.Path == "/orders":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeError(w, http.StatusMethodNotAllowed, "use POST to create an order")
			return
		}
		h.create(w, r)
	case strings.HasPrefix(r.URL.Path, "/orders/"):
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeError(w, http.StatusMethodNotAllowed, "use GET to read an order")
			return
		}
		h.get(w, r, strings.TrimPrefix(r.URL.Path, "/orders/"))
	default:
		writeError(w, http.StatusNotFound, "no such route")
	}
}

func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.Store.Ping(ctx); err != nil {
		h.logger().Error("health check: store unreachable", "err", err)
		writeError(w, http.StatusServiceUnavailable, "store unreachable")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// InvalidJSONMessage is the error answered for an order body the JSON decoder refuses (syntax, types, unknown
// fields).
const InvalidJSONMessage = `invalid JSON: want one object {"customer": string, "item": string, "quantity": integer} and no other fields`

type createRequest struct {
	Customer *string `json:"customer"`
	Item     *string `json:"item"`
	Quantity *int    `json:"quantity"`
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusUnsupportedMediaType, "send the order as application/json")
		return
	}
	var req createRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", maxBody))
			return
		}
		// A fixed answer, whatever the decoder said: its text echoes the caller's input (an unknown field's name, a
		// value) and is no part of the API. The log gets it, clipped.
		h.logger().Info("order body refused", "detail", logtext.Clip(err.Error(), 200))
		writeError(w, http.StatusBadRequest, InvalidJSONMessage)
		return
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		writeError(w, http.StatusBadRequest, "invalid JSON: one object expected")
		return
	}
	if msg := validate(req); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	o := Order{ID: h.newID(), Customer: *req.Customer, Item: *req.Item, Quantity: *req.Quantity, CreatedAt: h.now().UTC().Truncate(time.Millisecond)}
	if err := h.Store.Put(r.Context(), o); err != nil {
		h.logger().Error("store order", "err", err)
		writeError(w, http.StatusInternalServerError, "could not store the order")
		return
	}
	if h.Events != nil {
		if err := h.Events.Publish(r.Context(), Event{Type: "order.created", Source: h.Source, Order: o}); err != nil {
			h.logger().Error("publish order.created", "id", o.ID, "err", err)
		}
	}
	w.Header().Set("Location", "/orders/"+o.ID)
	writeJSON(w, http.StatusCreated, o)
}

func validate(req createRequest) string {
	for _, f := range []struct {
		name string
		v    *string
	}{{"customer", req.Customer}, {"item", req.Item}} {
		switch {
		case f.v == nil:
			return f.name + " is required"
		case strings.TrimSpace(*f.v) == "" || utf8.RuneCountInString(*f.v) > 200:
			return f.name + " must be 1-200 characters"
		case !utf8.ValidString(*f.v) || strings.ContainsFunc(*f.v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return f.name + " must be printable text"
		}
	}
	if req.Quantity == nil || *req.Quantity < 1 || *req.Quantity > 1000 {
		return "quantity must be a whole number from 1 to 1000"
	}
	return ""
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, id string) {
	if !idPattern.MatchString(id) {
		writeError(w, http.StatusBadRequest, "order id must be 32 lowercase hex characters")
		return
	}
	o, err := h.Store.Get(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "order not found")
	case err != nil:
		h.logger().Error("read order", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the order")
	default:
		writeJSON(w, http.StatusOK, o)
	}
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) newID() string {
	if h.NewID != nil {
		return h.NewID()
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (h *Handler) logger() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
