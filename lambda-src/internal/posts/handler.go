package posts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
)

const (
	// DefaultLimit and MaxLimit bound GET /api/posts?limit=.
	DefaultLimit = 20
	MaxLimit     = 100
	// scanCap bounds how many published posts a listing reads before sorting.
	scanCap = 1000
)

// validID is a post id: a URL slug.
var validID = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$`)

// Handler serves, behind an API Gateway REST API with an AWS_PROXY
// integration and without authorization:
//
//	GET /api/posts[?limit=N]  200 {"posts": [...]} newest first, without bodies (N: 1..100, default 20)
//	GET /api/posts/{id}       200 the post; 404 when absent or unpublished; 400 for an id that is not a slug
//
// 404/405 for other routes and methods, 500 on a DynamoDB failure. Errors are
// JSON {"error": "..."}.
type Handler struct {
	Store Store
	// CacheSeconds is the max-age of successful responses (0: no-store).
	CacheSeconds int
	// Now defaults to time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// ListResponse is the body of GET /api/posts.
type ListResponse struct {
	Posts []Post `json:"posts"`
}

// Handle is the Lambda entry point; every failure is an HTTP response.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (resp events.APIGatewayProxyResponse, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.logger().ErrorContext(ctx, "panic while handling request", "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()), "request_id", req.RequestContext.RequestID)
			resp, err = errorResponse(http.StatusInternalServerError, "internal error"), nil
		}
	}()

	id, isItem, ok := resolveRoute(req)
	if !ok {
		return errorResponse(http.StatusNotFound, "route not found"), nil
	}
	if req.HTTPMethod != http.MethodGet {
		r := errorResponse(http.StatusMethodNotAllowed, "method not allowed")
		r.Headers["Allow"] = http.MethodGet
		return r, nil
	}
	if h.Store == nil {
		h.logger().ErrorContext(ctx, "handler has no store; refusing every request")
		return errorResponse(http.StatusInternalServerError, "internal error"), nil
	}
	if isItem {
		return h.get(ctx, req, id), nil
	}
	return h.list(ctx, req), nil
}

func (h *Handler) get(ctx context.Context, req events.APIGatewayProxyRequest, id string) events.APIGatewayProxyResponse {
	if !validID.MatchString(id) {
		return errorResponse(http.StatusBadRequest, "post id must be a slug: 1 to 100 lowercase letters, digits and inner hyphens")
	}
	p, err := h.Store.Get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return errorResponse(http.StatusNotFound, "post not found")
	case err != nil:
		h.logger().ErrorContext(ctx, "reading a post failed", "id", id, "error", err.Error(), "request_id", req.RequestContext.RequestID)
		return errorResponse(http.StatusInternalServerError, "internal error")
	case !h.visible(p):
		return errorResponse(http.StatusNotFound, "post not found")
	}
	return h.ok(p)
}

func (h *Handler) list(ctx context.Context, req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	limit := DefaultLimit
	for k, v := range req.QueryStringParameters {
		if k != "limit" {
			return errorResponse(http.StatusBadRequest, fmt.Sprintf("unknown query parameter %q; the only one is \"limit\"", logtext.Clip(k, 40)))
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return errorResponse(http.StatusBadRequest, fmt.Sprintf("limit must be a whole number from 1 to %d", MaxLimit))
		}
		limit = n
	}
	all, err := h.Store.List(ctx, scanCap)
	if err != nil {
		h.logger().ErrorContext(ctx, "listing posts failed", "error", err.Error(), "request_id", req.RequestContext.RequestID)
		return errorResponse(http.StatusInternalServerError, "internal error")
	}
	posts := make([]Post, 0, len(all))
	for _, p := range all {
		if h.visible(p) {
			p.Body = ""
			posts = append(posts, p)
		}
	}
	newestFirst(posts)
	if len(posts) > limit {
		posts = posts[:limit]
	}
	return h.ok(ListResponse{Posts: posts})
}

// visible: published, and not scheduled for later.
func (h *Handler) visible(p Post) bool {
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	return p.Published && !p.PublishedAt.After(now())
}

func (h *Handler) ok(v any) events.APIGatewayProxyResponse {
	b, err := json.Marshal(v)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, "internal error")
	}
	cache := "no-store"
	if h.CacheSeconds > 0 {
		cache = "public, max-age=" + strconv.Itoa(h.CacheSeconds)
	}
	return events.APIGatewayProxyResponse{
		StatusCode: http.StatusOK,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": cache},
		Body:       string(b),
	}
}

// resolveRoute maps a request to a route. API Gateway sets Resource to the
// route template and the path parameters; without them (a proxy or an
// emulator that passes only the path), the path is matched, with or without a
// leading stage segment.
func resolveRoute(req events.APIGatewayProxyRequest) (id string, item, ok bool) {
	switch req.Resource {
	case "/api/posts":
		return "", false, true
	case "/api/posts/{id}":
		id, ok := req.PathParameters["id"]
		return id, true, ok
	}
	segs := strings.Split(strings.Trim(req.Path, "/"), "/")
	if len(segs) > 0 && segs[0] != "api" {
		segs = segs[1:] // the stage
	}
	switch {
	case len(segs) == 2 && segs[0] == "api" && segs[1] == "posts":
		return "", false, true
	case len(segs) == 3 && segs[0] == "api" && segs[1] == "posts":
		return segs[2], true, true
	}
	return "", false, false
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

func errorResponse(status int, msg string) events.APIGatewayProxyResponse {
	b, _ := json.Marshal(map[string]string{"error": msg})
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
		Body:       string(b),
	}
}
