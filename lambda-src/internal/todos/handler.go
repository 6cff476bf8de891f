package todos

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
)

const (
	// MaxBodyBytes is the largest accepted request body (after base64
	// decoding); larger bodies are rejected with 413.
	MaxBodyBytes = 16 << 10
	// MaxTitleRunes is the maximum length of a (trimmed) title in runes.
	MaxTitleRunes = 200
	// DefaultPageSize and MaxPageSize bound GET /todos?limit=N.
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// Authenticator finds the verified caller of a request; *auth.Authenticator
// is the implementation. Errors are answered with 401 (see auth.Challenge).
type Authenticator interface {
	Authenticate(ctx context.Context, req events.APIGatewayProxyRequest) (auth.Identity, error)
}

// Handler serves the MyTodoList REST API behind an API Gateway REST API with
// an AWS_PROXY integration:
//
//	GET    /todos?limit=N&cursor=C  200 {"todos": [...], "next_cursor": "..."}
//	POST   /todos                   201 the new todo
//	GET    /todos/{id}              200 the todo, 404
//	PATCH  /todos/{id}              200 the updated todo, 404
//	DELETE /todos/{id}              204, 404
//
// Every route needs an authenticated caller (401 otherwise) and only ever
// sees the caller's own todos. Errors are JSON {"error": "..."}: 400 invalid
// input, 404, 405 (with Allow), 413 body too large, 500 internal.
type Handler struct {
	// Store persists todos. Required.
	Store Store
	// Auth authenticates callers. Required: without it every request on a
	// route fails with 500.
	Auth Authenticator
	// Now returns the current time; defaults to time.Now.
	Now func() time.Time
	// Logger receives error logs; defaults to slog.Default().
	Logger *slog.Logger

	// newID generates todo ids; defaults to NewID. Overridden in tests.
	newID func(time.Time) (string, error)
}

// NewHandler returns a Handler using store and authn, with the default
// clock and logger.
func NewHandler(store Store, authn Authenticator) *Handler {
	return &Handler{Store: store, Auth: authn}
}

type route int

const (
	routeUnknown    route = iota
	routeCollection       // /todos
	routeItem             // /todos/{id}
)

const (
	allowCollection = "GET, POST"
	allowItem       = "GET, PATCH, DELETE"
)

// Handle is the Lambda entry point. It never returns a non-nil error: every
// failure is reported as an HTTP response so API Gateway does not turn it
// into a 502.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (resp events.APIGatewayProxyResponse, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.logger().ErrorContext(ctx, "panic while handling request",
				"panic", fmt.Sprint(r),
				"stack", string(debug.Stack()),
				"method", req.HTTPMethod,
				"resource", req.Resource,
				"request_id", req.RequestContext.RequestID)
			resp, err = internalError(), nil
		}
	}()

	rt, id := resolveRoute(req)
	m := req.HTTPMethod
	switch {
	case rt == routeUnknown:
		return errorResponse(http.StatusNotFound, "route not found"), nil
	case rt == routeCollection && m != http.MethodGet && m != http.MethodPost:
		return methodNotAllowed(allowCollection), nil
	case rt == routeItem && m != http.MethodGet && m != http.MethodPatch && m != http.MethodDelete:
		return methodNotAllowed(allowItem), nil
	}

	owner, denied, ok := h.authenticate(ctx, req)
	if !ok {
		return denied, nil
	}

	if rt == routeCollection {
		if m == http.MethodGet {
			return h.list(ctx, req, owner), nil
		}
		return h.create(ctx, req, owner), nil
	}
	if !ValidID(id) {
		return errorResponse(http.StatusBadRequest, "invalid todo id (want a ULID)"), nil
	}
	switch m {
	case http.MethodGet:
		return h.get(ctx, req, owner, id), nil
	case http.MethodPatch:
		return h.update(ctx, req, owner, id), nil
	default:
		return h.delete(ctx, req, owner, id), nil
	}
}

// authenticate returns the caller's owner id, or the response to send
// instead: 401 with WWW-Authenticate for every authentication failure.
func (h *Handler) authenticate(ctx context.Context, req events.APIGatewayProxyRequest) (string, events.APIGatewayProxyResponse, bool) {
	if h.Auth == nil {
		h.logger().ErrorContext(ctx, "handler has no authenticator; refusing every request",
			"request_id", req.RequestContext.RequestID)
		return "", internalError(), false
	}
	id, err := h.Auth.Authenticate(ctx, req)
	if err == nil && id.Subject == "" { // an Authenticator bug; fail closed
		err = fmt.Errorf("%w: empty subject", auth.ErrInvalidToken)
	}
	if err != nil {
		// The reason comes from the verifier and never holds the token.
		h.logger().InfoContext(ctx, "authentication failed",
			"reason", logtext.Clip(err.Error(), 200),
			"method", req.HTTPMethod,
			"resource", req.Resource,
			"request_id", req.RequestContext.RequestID)
		status, challenge, msg := auth.Challenge(err)
		resp := errorResponse(status, msg)
		resp.Headers["WWW-Authenticate"] = challenge
		return "", resp, false
	}
	return id.Subject, events.APIGatewayProxyResponse{}, true
}

// resolveRoute maps a request to a route. It prefers the API Gateway resource
// template (e.g. "/todos/{id}" with PathParameters["id"]) and falls back to
// the concrete path. For REST APIs the stage is not part of Path, but a
// single leading segment such as a stage or base-path mapping is tolerated.
func resolveRoute(req events.APIGatewayProxyRequest) (route, string) {
	switch req.Resource {
	case "/todos":
		return routeCollection, ""
	case "/todos/{id}":
		if id := req.PathParameters["id"]; id != "" {
			return routeItem, id
		}
	}

	p := strings.Trim(req.Path, "/")
	if p == "" {
		return routeUnknown, ""
	}
	segs := strings.Split(p, "/")
	match := func(s []string) (route, string, bool) {
		switch {
		case len(s) == 1 && s[0] == "todos":
			return routeCollection, "", true
		case len(s) == 2 && s[0] == "todos" && s[1] != "":
			return routeItem, s[1], true
		}
		return routeUnknown, "", false
	}
	if rt, id, ok := match(segs); ok {
		return rt, id
	}
	if len(segs) > 1 && segs[0] != "" {
		if rt, id, ok := match(segs[1:]); ok {
			return rt, id
		}
	}
	return routeUnknown, ""
}

// listResponse is the GET /todos body. NextCursor is omitted on the last page.
type listResponse struct {
	Todos      []Todo `json:"todos"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func (h *Handler) list(ctx context.Context, req events.APIGatewayProxyRequest, owner string) events.APIGatewayProxyResponse {
	limit := DefaultPageSize
	if v, ok := req.QueryStringParameters["limit"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			return errorResponse(http.StatusBadRequest, fmt.Sprintf("limit must be an integer from 1 to %d", MaxPageSize))
		}
		limit = n
	}
	var after string
	if c := req.QueryStringParameters["cursor"]; c != "" {
		var err error
		if after, err = decodeCursor(owner, c); err != nil {
			return errorResponse(http.StatusBadRequest, "invalid cursor")
		}
	}

	todos, next, err := h.Store.List(ctx, owner, limit, after)
	if err != nil {
		return h.storeFailure(ctx, req, "list todos", err)
	}
	out := listResponse{Todos: todos}
	if out.Todos == nil {
		out.Todos = []Todo{}
	}
	if next != "" {
		out.NextCursor = encodeCursor(owner, next)
	}
	return h.jsonResponse(ctx, req, http.StatusOK, out)
}

func (h *Handler) get(ctx context.Context, req events.APIGatewayProxyRequest, owner, id string) events.APIGatewayProxyResponse {
	t, err := h.Store.Get(ctx, owner, id)
	if errors.Is(err, ErrNotFound) {
		return errorResponse(http.StatusNotFound, "todo not found")
	}
	if err != nil {
		return h.storeFailure(ctx, req, "get todo", err)
	}
	return h.jsonResponse(ctx, req, http.StatusOK, t)
}

// createRequest is the POST /todos body. Pointers distinguish missing/null
// fields from zero values; a null done means false.
type createRequest struct {
	Title *string `json:"title"`
	Done  *bool   `json:"done"`
}

func (h *Handler) create(ctx context.Context, req events.APIGatewayProxyRequest, owner string) events.APIGatewayProxyResponse {
	body, status, msg := readBody(req)
	if status != 0 {
		return errorResponse(status, msg)
	}
	var in createRequest
	if msg := decodeObject(body, &in); msg != "" {
		return errorResponse(http.StatusBadRequest, msg)
	}
	if in.Title == nil {
		return errorResponse(http.StatusBadRequest, "title is required")
	}
	title, msg := validTitle(*in.Title)
	if msg != "" {
		return errorResponse(http.StatusBadRequest, msg)
	}

	now := h.clock()
	id, err := h.generateID(now)
	if err != nil {
		return h.storeFailure(ctx, req, "generate id", err)
	}
	t := Todo{
		ID:    id,
		Owner: owner,
		Title: title,
		Done:  in.Done != nil && *in.Done,
		// Whole seconds in UTC so created_at serialises as plain RFC3339.
		CreatedAt: now.UTC().Truncate(time.Second),
	}
	if err := h.Store.Put(ctx, t); err != nil {
		return h.storeFailure(ctx, req, "put todo", err)
	}
	return h.jsonResponse(ctx, req, http.StatusCreated, t)
}

// patchRequest is the PATCH /todos/{id} body: optional fields that, when
// present, must not be null.
type patchRequest struct {
	Title optional[string] `json:"title"`
	Done  optional[bool]   `json:"done"`
}

// optional records whether a JSON field was present and whether it was null.
type optional[T any] struct {
	Set, Null bool
	V         T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

func (h *Handler) update(ctx context.Context, req events.APIGatewayProxyRequest, owner, id string) events.APIGatewayProxyResponse {
	body, status, msg := readBody(req)
	if status != 0 {
		return errorResponse(status, msg)
	}
	var in patchRequest
	if msg := decodeObject(body, &in); msg != "" {
		return errorResponse(http.StatusBadRequest, msg)
	}
	var p Patch
	switch {
	case in.Title.Null:
		return errorResponse(http.StatusBadRequest, "title must be a string")
	case in.Title.Set:
		title, msg := validTitle(in.Title.V)
		if msg != "" {
			return errorResponse(http.StatusBadRequest, msg)
		}
		p.Title = &title
	}
	switch {
	case in.Done.Null:
		return errorResponse(http.StatusBadRequest, "done must be a boolean")
	case in.Done.Set:
		p.Done = &in.Done.V
	}
	if p.Title == nil && p.Done == nil {
		return errorResponse(http.StatusBadRequest, `request body must set "title" or "done"`)
	}

	t, err := h.Store.Update(ctx, owner, id, p)
	if errors.Is(err, ErrNotFound) {
		return errorResponse(http.StatusNotFound, "todo not found")
	}
	if err != nil {
		return h.storeFailure(ctx, req, "update todo", err)
	}
	return h.jsonResponse(ctx, req, http.StatusOK, t)
}

func (h *Handler) delete(ctx context.Context, req events.APIGatewayProxyRequest, owner, id string) events.APIGatewayProxyResponse {
	err := h.Store.Delete(ctx, owner, id)
	if errors.Is(err, ErrNotFound) {
		return errorResponse(http.StatusNotFound, "todo not found")
	}
	if err != nil {
		return h.storeFailure(ctx, req, "delete todo", err)
	}
	return events.APIGatewayProxyResponse{StatusCode: http.StatusNoContent}
}

// validTitle trims a title and checks its length; it returns a non-empty
// client message when it is invalid.
func validTitle(raw string) (string, string) {
	title := strings.TrimSpace(raw)
	if title == "" {
		return "", "title is required"
	}
	if n := utf8.RuneCountInString(title); n > MaxTitleRunes {
		return "", fmt.Sprintf("title must be at most %d characters (got %d)", MaxTitleRunes, n)
	}
	return title, ""
}

// readBody returns the raw request body, decoding base64 when API Gateway
// flagged it. On failure it returns a non-zero status and a client message.
func readBody(req events.APIGatewayProxyRequest) ([]byte, int, string) {
	tooLarge := fmt.Sprintf("request body too large (max %d bytes)", MaxBodyBytes)
	if !req.IsBase64Encoded {
		if len(req.Body) > MaxBodyBytes {
			return nil, http.StatusRequestEntityTooLarge, tooLarge
		}
		return []byte(req.Body), 0, ""
	}
	// Reject before decoding anything that cannot fit once decoded.
	if len(req.Body) > base64.StdEncoding.EncodedLen(MaxBodyBytes) {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	b, err := base64.StdEncoding.DecodeString(req.Body)
	if err != nil {
		return nil, http.StatusBadRequest, "request body is not valid base64"
	}
	if len(b) > MaxBodyBytes {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	return b, 0, ""
}

// decodeObject parses body as exactly one JSON object into dst (a pointer
// to a struct), refusing unknown fields. It returns a non-empty
// client-facing message on failure.
func decodeObject(body []byte, dst any) string {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return "request body is required"
	}
	if trimmed[0] != '{' {
		return "request body must be a JSON object"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeErrorMessage(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "request body must contain a single JSON object"
	}
	return ""
}

func decodeErrorMessage(err error) string {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		switch typeErr.Field {
		case "title":
			return "title must be a string"
		case "done":
			return "done must be a boolean"
		case "":
			return "request body must be a JSON object"
		default:
			return fmt.Sprintf("field %q has the wrong type", logtext.Clip(typeErr.Field, 64))
		}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return "unknown field " + logtext.Clip(name, 66) + ` (allowed fields: "title", "done")`
	default:
		// Syntax errors, unexpected EOF, invalid UTF-8 and the like.
		return "request body is not valid JSON"
	}
}

func (h *Handler) clock() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) generateID(t time.Time) (string, error) {
	if h.newID != nil {
		return h.newID(t)
	}
	return NewID(t)
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

// storeFailure logs err (never the request body or headers) and returns a
// generic 500.
func (h *Handler) storeFailure(ctx context.Context, req events.APIGatewayProxyRequest, op string, err error) events.APIGatewayProxyResponse {
	h.logger().ErrorContext(ctx, "request failed",
		"op", op,
		"error", err.Error(),
		"method", req.HTTPMethod,
		"resource", req.Resource,
		"request_id", req.RequestContext.RequestID)
	return internalError()
}

func (h *Handler) jsonResponse(ctx context.Context, req events.APIGatewayProxyRequest, status int, v any) events.APIGatewayProxyResponse {
	b, err := json.Marshal(v)
	if err != nil {
		return h.storeFailure(ctx, req, "encode response", err)
	}
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(b),
	}
}

func errorResponse(status int, msg string) events.APIGatewayProxyResponse {
	b, err := json.Marshal(map[string]string{"error": msg})
	if err != nil { // unreachable: a string map always encodes
		b = []byte(`{"error":"internal error"}`)
	}
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(b),
	}
}

func internalError() events.APIGatewayProxyResponse {
	return errorResponse(http.StatusInternalServerError, "internal error")
}

func methodNotAllowed(allow string) events.APIGatewayProxyResponse {
	r := errorResponse(http.StatusMethodNotAllowed, "method not allowed")
	r.Headers["Allow"] = allow
	return r
}
