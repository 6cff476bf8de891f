package originverify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
)

// ErrUnauthorized is the error that makes API Gateway answer 401 (its message must be exactly "Unauthorized").
// Any other error is a 500; neither is cached.
var ErrUnauthorized = errors.New("Unauthorized") //nolint:staticcheck // API Gateway matches this exact text

// errInternal makes API Gateway answer 500 (AuthorizerFailure): the request is refused, not let through.
var errInternal = errors.New("internal error")

// Verifier says whether a header value is one the distribution sends.
type Verifier interface {
	Match(ctx context.Context, value string) (bool, error)
}

// PrincipalID is the principal of an allowed request (the access log's $context.authorizer.principalId).
const PrincipalID = "cloudfront"

// Handler is an API Gateway REST REQUEST authorizer. It allows a request whose Header carries a value the Verifier
// accepts — for every method and path of the stage, because API Gateway caches the answer per header value and
// applies it to the other methods too — and denies (403) one with any other value. A request without the header
// is refused with 401 (API Gateway already does so itself when the header is the identity source). It never logs
// the header's value.
type Handler struct {
	// Header is the origin header's name (case-insensitive), e.g. X-Origin-Verify.
	Header   string
	Verifier Verifier
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

// Handle is the Lambda entry point.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (resp events.APIGatewayCustomAuthorizerResponse, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.logger().ErrorContext(ctx, "panic while authorizing a request", "panic", logtext.Clip(fmt.Sprint(r), 300),
				"stack", string(debug.Stack()), "request_id", logtext.Clip(req.RequestContext.RequestID, 64))
			resp, err = events.APIGatewayCustomAuthorizerResponse{}, errInternal
		}
	}()
	attrs := []any{
		"request_id", logtext.Clip(req.RequestContext.RequestID, 64),
		"source_ip", logtext.Clip(req.RequestContext.Identity.SourceIP, 64),
		"method", logtext.Clip(req.HTTPMethod, 16),
		"path", logtext.Clip(req.Path, 128),
	}
	if h.Header == "" || h.Verifier == nil {
		h.logger().ErrorContext(ctx, "authorizer has no header name or no verifier; refusing every request", attrs...)
		return events.APIGatewayCustomAuthorizerResponse{}, errInternal
	}
	value, n := headerValue(req, h.Header)
	if n == 0 {
		h.logger().WarnContext(ctx, "origin header missing: not a request from the distribution", attrs...)
		return events.APIGatewayCustomAuthorizerResponse{}, ErrUnauthorized
	}
	scope, ok := StageScope(req.MethodArn)
	if !ok {
		h.logger().ErrorContext(ctx, "methodArn is not an execute-api method ARN; denying", append(attrs, "method_arn", logtext.Clip(req.MethodArn, 200))...)
		return policy("denied", "Deny", "*"), nil
	}
	if n > 1 {
		// CloudFront sends exactly one; several are a client's doing, whatever their values.
		h.logger().WarnContext(ctx, "origin header repeated; denying", append(attrs, "values", n)...)
		return policy("denied", "Deny", scope), nil
	}
	match, err := h.Verifier.Match(ctx, value)
	if err != nil {
		h.logger().ErrorContext(ctx, "origin secret unavailable; refusing", append(attrs, "error", logtext.Clip(err.Error(), 300))...)
		return events.APIGatewayCustomAuthorizerResponse{}, errInternal
	}
	if !match {
		// The value's length only: the value itself may be a guess close to the secret, or the secret of another
		// deployment.
		h.logger().WarnContext(ctx, "origin header has a wrong value: not a request from the distribution", append(attrs, "value_bytes", len(value))...)
		return policy("denied", "Deny", scope), nil
	}
	return policy(PrincipalID, "Allow", scope), nil
}

// headerValue is the header's value (matched case-insensitively) and how many values the request carries for it.
func headerValue(req events.APIGatewayCustomAuthorizerRequestTypeRequest, name string) (string, int) {
	var value string
	n := 0
	for k, vs := range req.MultiValueHeaders {
		if strings.EqualFold(k, name) {
			for _, v := range vs {
				value = v
				n++
			}
		}
	}
	if n > 0 {
		return value, n
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			value = v
			n++
		}
	}
	return value, n
}

// StageScope turns a method ARN, arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path>,
// into the ARN pattern of every method of that stage, arn:…:<api id>/<stage>/*.
func StageScope(methodArn string) (string, bool) {
	parts := strings.SplitN(methodArn, ":", 6)
	// Partition, region and account too: a wildcard there would widen the policy beyond the request's stage.
	if len(parts) != 6 || parts[0] != "arn" || !safeSegment(parts[1]) || parts[2] != "execute-api" ||
		!safeSegment(parts[3]) || !safeSegment(parts[4]) {
		return "", false
	}
	segs := strings.SplitN(parts[5], "/", 3)
	if len(segs) < 3 || !safeSegment(segs[0]) || !safeSegment(segs[1]) {
		return "", false
	}
	return strings.Join(parts[:5], ":") + ":" + segs[0] + "/" + segs[1] + "/*", true
}

// safeSegment is a non-empty API id or stage name without wildcard or separator characters.
func safeSegment(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_'
	}) < 0
}

func policy(principal, effect, resource string) events.APIGatewayCustomAuthorizerResponse {
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: principal,
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
			Version: "2012-10-17",
			Statement: []events.IAMPolicyStatement{{
				Action:   []string{"execute-api:Invoke"},
				Effect:   effect,
				Resource: []string{resource},
			}},
		},
	}
}
