// Package catalog is the logic of microservices service B: a REST API over a
// catalog of items whose source of truth is a DynamoDB table, read through a
// Redis/Valkey cache (ElastiCache) with a TTL.
package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
)

// Item is one catalog entry, as stored in the table and the cache and as
// returned by the API.
type Item struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PriceCents int64  `json:"price_cents"`
	UpdatedAt  string `json:"updated_at"`
}

// Store is the source of truth (the DynamoDB table).
type Store interface {
	// GetItem returns the item, or found = false when there is none.
	GetItem(ctx context.Context, id string) (item Item, found bool, err error)
	PutItem(ctx context.Context, item Item) error
}

// Cache is the read-through cache (Redis/Valkey). A miss is (nil, false, nil);
// an error means the cache could not be asked.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Delete(ctx context.Context, key string) error
}

// Values of the X-Cache response header.
const (
	CacheHit    = "hit"    // served from the cache
	CacheMiss   = "miss"   // read from the table (and stored in the cache)
	CacheBypass = "bypass" // the cache is unavailable: read from the table, degraded
)

// Limits of the API.
const (
	MaxBodyBytes = 4096
	MaxNameRunes = 200
	// DefaultCooldown is how long the handler stops asking a failed cache.
	DefaultCooldown = 2 * time.Second
)

// KeyPrefix is the prefix of every cache key; the function's cache user may
// only touch keys under it.
const KeyPrefix = "catalog:"

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// CacheKey is the cache key of an item.
func CacheKey(id string) string { return KeyPrefix + "item:" + id }

// ValidID reports whether id is 1-64 letters, digits, '_' or '-'.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Handler serves, behind an API Gateway REST API with an AWS_PROXY
// integration:
//
//	GET /items/{id}  200 Item, header X-Cache: hit | miss | bypass; 404 unknown
//	PUT /items/{id}  200 Item, body {"name": "...", "price_cents": N}; the
//	                 table is written first, then the cached copy is dropped
//
// 400 for an invalid id or body, 413 for a body over MaxBodyBytes, 405 for
// other methods, 500 when the table fails. Errors are JSON {"error": "..."}
// with fixed messages: what the JSON decoder said about a body (which
// quotes it) is logged, bounded, and never returned. When the cache fails the handler
// keeps answering from the table (X-Cache: bypass), logs it, and leaves the
// cache alone for Cooldown before trying again.
type Handler struct {
	Store Store
	// Cache may be nil: every read then goes to the table.
	Cache Cache
	// TTL of a cached item; must be positive.
	TTL time.Duration
	// Cooldown after a cache failure; default DefaultCooldown.
	Cooldown time.Duration
	// Now defaults to time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger

	mu        sync.Mutex
	downUntil time.Time
}

type errorBody struct {
	Error string `json:"error"`
}

// Handle is the Lambda entry point; it never returns an error (every failure
// is an HTTP response, not a 502).
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (resp events.APIGatewayProxyResponse, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.logger().ErrorContext(ctx, "panic while handling request", "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()), "request_id", req.RequestContext.RequestID)
			resp, err = jsonResponse(http.StatusInternalServerError, errorBody{"internal error"}), nil
		}
	}()
	if h.Store == nil || h.TTL <= 0 {
		h.logger().ErrorContext(ctx, "handler is not configured (store or TTL missing); refusing every request")
		return jsonResponse(http.StatusInternalServerError, errorBody{"internal error"}), nil
	}
	id, ok := req.PathParameters["id"]
	if !ok || (req.Resource != "" && req.Resource != "/items/{id}") {
		return jsonResponse(http.StatusNotFound, errorBody{"route not found"}), nil
	}
	if !ValidID(id) {
		return jsonResponse(http.StatusBadRequest, errorBody{"id must be 1-64 letters, digits, '_' or '-'"}), nil
	}
	switch req.HTTPMethod {
	case http.MethodGet:
		return h.get(ctx, id, req.RequestContext.RequestID), nil
	case http.MethodPut:
		return h.put(ctx, id, req), nil
	default:
		r := jsonResponse(http.StatusMethodNotAllowed, errorBody{"method not allowed"})
		r.Headers["Allow"] = "GET, PUT"
		return r, nil
	}
}

func (h *Handler) get(ctx context.Context, id, requestID string) events.APIGatewayProxyResponse {
	key := CacheKey(id)
	status := CacheMiss
	if h.cacheUsable() {
		raw, found, err := h.Cache.Get(ctx, key)
		switch {
		case err != nil:
			h.cacheFailed(ctx, "get", err, requestID)
			status = CacheBypass
		case found:
			var item Item
			if derr := json.Unmarshal(raw, &item); derr == nil && item.ID == id {
				return withCache(jsonResponse(http.StatusOK, item), CacheHit)
			}
			// A corrupt or foreign entry: drop it and read the table.
			h.logger().WarnContext(ctx, "dropping unreadable cache entry", "key", key, "request_id", requestID)
			if err := h.Cache.Delete(ctx, key); err != nil {
				h.cacheFailed(ctx, "delete", err, requestID)
			}
		}
	} else {
		status = CacheBypass
	}

	item, found, err := h.Store.GetItem(ctx, id)
	if err != nil {
		h.logger().ErrorContext(ctx, "reading the items table failed", "error", err.Error(), "request_id", requestID)
		return withCache(jsonResponse(http.StatusInternalServerError, errorBody{"internal error"}), status)
	}
	if !found {
		return withCache(jsonResponse(http.StatusNotFound, errorBody{"item not found"}), status)
	}
	if status == CacheMiss && h.cacheUsable() {
		raw, _ := json.Marshal(item)
		if err := h.Cache.Set(ctx, key, raw, h.TTL); err != nil {
			h.cacheFailed(ctx, "set", err, requestID)
		}
	}
	return withCache(jsonResponse(http.StatusOK, item), status)
}

// putBody is the PUT request body; unknown fields are refused.
type putBody struct {
	Name       *string `json:"name"`
	PriceCents *int64  `json:"price_cents"`
}

// InvalidJSONMessage is the error answered for a PUT body the JSON decoder
// refuses (syntax, types, unknown fields), whatever the decoder said.
const InvalidJSONMessage = `invalid JSON body: want one object {"name": string, "price_cents": integer} and no other fields`

// badBody is a refused PUT body: the status and fixed message the client
// gets, and for the log what the decoder said.
type badBody struct {
	status int
	msg    string
	detail string
}

func refuse(msg string) *badBody { return &badBody{status: http.StatusBadRequest, msg: msg} }

func (h *Handler) put(ctx context.Context, id string, req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	body, bad := decodePut(req)
	if bad != nil {
		if bad.detail != "" {
			h.logger().InfoContext(ctx, "PUT body refused", "status", bad.status, "detail", logtext.Clip(bad.detail, 200),
				"request_id", req.RequestContext.RequestID)
		}
		return jsonResponse(bad.status, errorBody{bad.msg})
	}
	item := Item{ID: id, Name: *body.Name, PriceCents: *body.PriceCents, UpdatedAt: h.now().UTC().Format(time.RFC3339Nano)}
	if err := h.Store.PutItem(ctx, item); err != nil {
		h.logger().ErrorContext(ctx, "writing the items table failed", "error", err.Error(), "request_id", req.RequestContext.RequestID)
		return jsonResponse(http.StatusInternalServerError, errorBody{"internal error"})
	}
	// Invalidate after the write, so the next read fetches the new item. If the cache cannot be reached, the stale
	// copy lives at most TTL.
	if h.Cache != nil {
		if err := h.Cache.Delete(ctx, CacheKey(id)); err != nil {
			h.cacheFailed(ctx, "delete", err, req.RequestContext.RequestID)
			h.logger().WarnContext(ctx, "cached item not invalidated; it expires with its TTL", "id", id, "ttl", h.TTL.String())
		}
	}
	return jsonResponse(http.StatusOK, item)
}

func decodePut(req events.APIGatewayProxyRequest) (putBody, *badBody) {
	var b putBody
	if req.IsBase64Encoded {
		return b, refuse("body must be JSON text")
	}
	// The proxy event holds the whole body already (API Gateway caps it at
	// 10 MB), so its length is known before any of it is parsed.
	if len(req.Body) > MaxBodyBytes {
		return b, &badBody{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("body is larger than %d bytes", MaxBodyBytes),
			detail: fmt.Sprintf("%d bytes", len(req.Body))}
	}
	dec := json.NewDecoder(strings.NewReader(req.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, &badBody{status: http.StatusBadRequest, msg: InvalidJSONMessage, detail: err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return b, refuse("body must hold exactly one JSON object")
	}
	switch {
	case b.Name == nil || strings.TrimSpace(*b.Name) == "":
		return b, refuse("name is required")
	case !utf8.ValidString(*b.Name) || utf8.RuneCountInString(*b.Name) > MaxNameRunes:
		return b, refuse(fmt.Sprintf("name must be valid UTF-8 of at most %d characters", MaxNameRunes))
	case b.PriceCents == nil:
		return b, refuse("price_cents is required")
	case *b.PriceCents < 0:
		return b, refuse("price_cents must not be negative")
	}
	return b, nil
}

func (h *Handler) cacheUsable() bool {
	if h.Cache == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.now().Before(h.downUntil)
}

func (h *Handler) cacheFailed(ctx context.Context, op string, err error, requestID string) {
	cooldown := h.Cooldown
	if cooldown <= 0 {
		cooldown = DefaultCooldown
	}
	h.mu.Lock()
	h.downUntil = h.now().Add(cooldown)
	h.mu.Unlock()
	h.logger().WarnContext(ctx, "cache unavailable; serving from the table (degraded)", "op", op,
		"error", logtext.Clip(err.Error(), 200), "retry_after", cooldown.String(), "request_id", requestID)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

func jsonResponse(status int, v any) events.APIGatewayProxyResponse {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
		Body:       string(b),
	}
}

func withCache(r events.APIGatewayProxyResponse, status string) events.APIGatewayProxyResponse {
	r.Headers["X-Cache"] = status
	return r
}

// ErrNotConfigured is returned by ParseConfig for a missing variable.
var ErrNotConfigured = errors.New("missing required environment variable")

// ACLRules is the access string of the function's cache user (modules/lambda-cache-service, local
// cache_access_string): GET, SET and DEL of catalog:* keys and the connection handshake, nothing else.
const ACLRules = "on ~catalog:* -@all +get +set +del +ping +hello"
