package todos

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

const (
	// MaxBodyBytes is the largest accepted request body (after base64
	// decoding); larger bodies are rejected with 413.
	MaxBodyBytes = 16 << 10
	// MaxTitleRunes is the maximum length of a (trimmed) title in runes.
	MaxTitleRunes = 200
	// AnonymousOwner owns every todo created without authorizer claims.
	AnonymousOwner = "anonymous"

	// maxIDBytes bounds path ids: DynamoDB sort keys cannot exceed 1024
	// bytes, so a longer id can never exist.
	maxIDBytes = 1024
)

// Handler serves the MyTodoList REST API behind an API Gateway REST API with
// an AWS_PROXY integration.
type Handler struct {
	// Store persists todos. Required.
	Store Store
	// Now returns the current time; defaults to time.Now().UTC().
	Now func() time.Time
	// Logger receives error logs; defaults to slog.Default().
	Logger *slog.Logger

	// newID generates todo ids; defaults to randomID. Overridden in tests.
	newID func() (string, error)
}

// NewHandler returns a Handler using store and default clock/logger.
func NewHandler(store Store) *Handler {
	return &Handler{Store: store}
}

type route int

const (
	routeUnknown    route = iota
	routeCollection       // /todos
	routeItem             // /todos/{id}
)

// Handle is the Lambda entry point. It never returns a non-nil error: every
// failure is reported as a JSON HTTP response so API Gateway does not turn it
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
	switch rt {
	case routeCollection:
		switch req.HTTPMethod {
		case http.MethodGet:
			return h.list(ctx, req)
		case http.MethodPost:
			return h.create(ctx, req)
		default:
			return methodNotAllowed("GET, POST"), nil
		}
	case routeItem:
		if req.HTTPMethod != http.MethodGet {
			return methodNotAllowed("GET"), nil
		}
		return h.get(ctx, req, id)
	default:
		return errorResponse(http.StatusNotFound, "route not found"), nil
	}
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

// ownerOf returns the identity that owns the caller's todos: the "sub" claim
// of the Cognito user-pool authorizer.
//
// WALKING-SKELETON FALLBACK: the API is currently deployed without an
// authorizer, so when no claims are present at all the owner is the shared
// AnonymousOwner ("anonymous"). Remove this fallback once the Cognito
// authorizer is mandatory. If claims ARE present but carry no usable "sub",
// ok is false and the request is rejected (never silently anonymous).
func ownerOf(req events.APIGatewayProxyRequest) (owner string, ok bool) {
	raw, present := req.RequestContext.Authorizer["claims"]
	if !present || raw == nil {
		return AnonymousOwner, true
	}
	var sub any
	switch c := raw.(type) {
	case map[string]any:
		sub = c["sub"]
	case map[string]string:
		sub = c["sub"]
	default:
		return "", false
	}
	s, isString := sub.(string)
	if !isString || s == "" || len(s) > maxIDBytes || !utf8.ValidString(s) {
		return "", false
	}
	return s, true
}

func (h *Handler) list(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	owner, ok := ownerOf(req)
	if !ok {
		return unauthorized(), nil
	}
	todos, err := h.Store.List(ctx, owner)
	if err != nil {
		return h.storeFailure(ctx, req, "list todos", err), nil
	}
	if todos == nil {
		todos = []Todo{}
	}
	sortTodos(todos)
	return h.jsonResponse(ctx, req, http.StatusOK, struct {
		Todos []Todo `json:"todos"`
	}{todos}), nil
}

func (h *Handler) get(ctx context.Context, req events.APIGatewayProxyRequest, id string) (events.APIGatewayProxyResponse, error) {
	owner, ok := ownerOf(req)
	if !ok {
		return unauthorized(), nil
	}
	// An id that could not be a DynamoDB key cannot exist.
	if len(id) > maxIDBytes || !utf8.ValidString(id) {
		return errorResponse(http.StatusNotFound, "todo not found"), nil
	}
	t, err := h.Store.Get(ctx, owner, id)
	if errors.Is(err, ErrNotFound) {
		return errorResponse(http.StatusNotFound, "todo not found"), nil
	}
	if err != nil {
		return h.storeFailure(ctx, req, "get todo", err), nil
	}
	return h.jsonResponse(ctx, req, http.StatusOK, t), nil
}

// createRequest is the POST /todos body. Pointers distinguish missing/null
// fields from zero values.
type createRequest struct {
	Title *string `json:"title"`
	Done  *bool   `json:"done"`
}

func (h *Handler) create(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	owner, ok := ownerOf(req)
	if !ok {
		return unauthorized(), nil
	}
	body, status, msg := readBody(req)
	if status != 0 {
		return errorResponse(status, msg), nil
	}
	in, msg := decodeCreate(body)
	if msg != "" {
		return errorResponse(http.StatusBadRequest, msg), nil
	}

	title := strings.TrimSpace(*in.Title)
	if title == "" {
		return errorResponse(http.StatusBadRequest, "title is required"), nil
	}
	if n := utf8.RuneCountInString(title); n > MaxTitleRunes {
		return errorResponse(http.StatusBadRequest,
			fmt.Sprintf("title must be at most %d characters (got %d)", MaxTitleRunes, n)), nil
	}

	id, err := h.generateID()
	if err != nil {
		return h.storeFailure(ctx, req, "generate id", err), nil
	}
	t := Todo{
		ID:        id,
		Owner:     owner,
		Title:     title,
		Done:      in.Done != nil && *in.Done,
		CreatedAt: h.now(),
	}
	if err := h.Store.Put(ctx, t); err != nil {
		return h.storeFailure(ctx, req, "put todo", err), nil
	}
	return h.jsonResponse(ctx, req, http.StatusCreated, t), nil
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

// decodeCreate parses and structurally validates a POST /todos body. It
// returns a non-empty client-facing message on failure.
func decodeCreate(body []byte) (createRequest, string) {
	var in createRequest
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return in, "request body is required"
	}
	if trimmed[0] != '{' {
		return in, "request body must be a JSON object"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, decodeErrorMessage(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return in, "request body must contain a single JSON object"
	}
	if in.Title == nil {
		return in, "title is required"
	}
	return in, ""
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
			return fmt.Sprintf("field %q has the wrong type", truncate(typeErr.Field, 64))
		}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return "unknown field " + truncate(name, 66) + ` (allowed fields: "title", "done")`
	default:
		// Syntax errors, unexpected EOF, invalid UTF-8 and the like.
		return "request body is not valid JSON"
	}
}

func truncate(s string, maxRunes int) string {
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	return string([]rune(s)[:maxRunes]) + "…"
}

func (h *Handler) now() time.Time {
	var t time.Time
	if h.Now != nil {
		t = h.Now()
	} else {
		t = time.Now()
	}
	// Whole seconds in UTC so created_at serialises as plain RFC3339.
	return t.UTC().Truncate(time.Second)
}

func (h *Handler) generateID() (string, error) {
	if h.newID != nil {
		return h.newID()
	}
	return randomID()
}

// randomID returns 128 random bits, hex encoded (32 characters).
func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
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

// sortTodos orders todos by created_at, then id, for stable output.
func sortTodos(todos []Todo) {
	slices.SortFunc(todos, func(a, b Todo) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
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

func unauthorized() events.APIGatewayProxyResponse {
	return errorResponse(http.StatusUnauthorized, "unauthorized")
}

func methodNotAllowed(allow string) events.APIGatewayProxyResponse {
	r := errorResponse(http.StatusMethodNotAllowed, "method not allowed")
	r.Headers["Allow"] = allow
	return r
}
