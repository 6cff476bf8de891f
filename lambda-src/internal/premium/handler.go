package premium

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
)

// Authenticator finds the verified caller of a request; *auth.Authenticator
// is the implementation. Errors are answered with 401 (see auth.Challenge).
type Authenticator interface {
	Authenticate(ctx context.Context, req events.APIGatewayProxyRequest) (auth.Identity, error)
}

// Handler serves, behind an API Gateway REST API with an AWS_PROXY
// integration:
//
//	GET /videos/{id}/url  200 {"url": "<signed URL>", "expires_at": "<RFC 3339>"}
//
// 401 without a verified caller, 403 when the caller is not premium, 400 for
// an invalid video id, 404/405 for other routes and methods, 500 on a
// failure of DynamoDB, Secrets Manager or signing. Errors are JSON
// {"error": "..."}. Tokens, keys and signed URLs are never logged.
type Handler struct {
	Config Config
	Auth   Authenticator
	Users  Users
	Signer URLSigner
	// Now defaults to time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// URLResponse is the 200 body.
type URLResponse struct {
	URL       string `json:"url"`
	ExpiresAt string `json:"expires_at"`
}

// Handle is the Lambda entry point; it never returns an error (every
// failure is an HTTP response, not a 502).
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (resp events.APIGatewayProxyResponse, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.logger().ErrorContext(ctx, "panic while handling request", "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()), "request_id", req.RequestContext.RequestID)
			resp, err = errorResponse(http.StatusInternalServerError, "internal error"), nil
		}
	}()

	id, ok := resolveRoute(req)
	if !ok {
		return errorResponse(http.StatusNotFound, "route not found"), nil
	}
	if req.HTTPMethod != http.MethodGet {
		r := errorResponse(http.StatusMethodNotAllowed, "method not allowed")
		r.Headers["Allow"] = http.MethodGet
		return r, nil
	}
	if h.Auth == nil || h.Users == nil || h.Signer == nil {
		h.logger().ErrorContext(ctx, "handler is not fully configured; refusing every request")
		return errorResponse(http.StatusInternalServerError, "internal error"), nil
	}
	caller, err := h.Auth.Authenticate(ctx, req)
	if err == nil && caller.Subject == "" { // an Authenticator bug; fail closed
		err = fmt.Errorf("%w: empty subject", auth.ErrInvalidToken)
	}
	if err != nil {
		h.logger().InfoContext(ctx, "authentication failed", "reason", logtext.Clip(err.Error(), 200),
			"request_id", req.RequestContext.RequestID)
		status, challenge, msg := auth.Challenge(err)
		r := errorResponse(status, msg)
		r.Headers["WWW-Authenticate"] = challenge
		return r, nil
	}
	if !ValidVideoID(id) {
		return errorResponse(http.StatusBadRequest, "invalid video id (1-128 letters, digits, '.', '_' or '-')"), nil
	}
	premium, err := h.Users.IsPremium(ctx, caller.Subject)
	if err != nil {
		h.logger().ErrorContext(ctx, "premium lookup failed", "error", err.Error(), "request_id", req.RequestContext.RequestID)
		return errorResponse(http.StatusInternalServerError, "internal error"), nil
	}
	if !premium {
		return errorResponse(http.StatusForbidden, "a premium subscription is required"), nil
	}

	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	expires := now().Add(h.Config.TTL).UTC().Truncate(time.Second)
	signed, err := h.Signer.Sign(ctx, h.Config.VideoURL(id), expires)
	if err != nil {
		h.logger().ErrorContext(ctx, "signing failed", "error", err.Error(), "request_id", req.RequestContext.RequestID)
		return errorResponse(http.StatusInternalServerError, "internal error"), nil
	}
	body, _ := json.Marshal(URLResponse{URL: signed, ExpiresAt: expires.Format(time.RFC3339)})
	return events.APIGatewayProxyResponse{
		StatusCode: http.StatusOK,
		// The URL is a bearer credential until it expires: keep it out of caches.
		Headers: map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
		Body:    string(body),
	}, nil
}

// resolveRoute finds the video id of GET /videos/{id}/url: from the resource
// template and path parameter, else from the path (a leading stage segment
// is tolerated). The id is validated later, after authentication.
func resolveRoute(req events.APIGatewayProxyRequest) (string, bool) {
	if req.Resource == "/videos/{id}/url" {
		id, ok := req.PathParameters["id"]
		return id, ok
	}
	segs := strings.Split(strings.Trim(req.Path, "/"), "/")
	if len(segs) == 4 {
		segs = segs[1:]
	}
	if len(segs) == 3 && segs[0] == "videos" && segs[2] == "url" {
		return segs[1], true
	}
	return "", false
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
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(b),
	}
}
