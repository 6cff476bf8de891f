package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Authentication errors. Every error Authenticate and Verify return wraps
// exactly one of them; all mean HTTP 401.
var (
	// ErrMissingToken: no claims from an authorizer and no Authorization header.
	ErrMissingToken = errors.New("auth: missing bearer token")
	// ErrInvalidToken: malformed, forged, wrong issuer/audience/token_use,
	// unknown key, or authorizer claims without a usable subject.
	ErrInvalidToken = errors.New("auth: invalid token")
	// ErrExpiredToken: a correctly signed token past its expiry.
	ErrExpiredToken = errors.New("auth: token expired")
)

// maxSubjectBytes bounds the owner id (a Cognito sub is a 36-byte UUID);
// it becomes a DynamoDB partition key, which allows 2048 bytes.
const maxSubjectBytes = 1024

// TokenVerifier verifies a bearer token; *Verifier is the implementation.
type TokenVerifier interface {
	Verify(ctx context.Context, token string) (Identity, error)
}

// Authenticator finds the caller of an API Gateway (REST, AWS_PROXY) request.
type Authenticator struct {
	// Verifier checks Authorization header tokens. When nil, only requests
	// with authorizer claims are accepted.
	Verifier TokenVerifier
}

// Authenticate returns the verified caller of req:
//
//  1. If API Gateway's Cognito user-pool authorizer put claims in
//     requestContext.authorizer.claims, they are trusted: API Gateway
//     verified the token, and clients cannot set requestContext. Their "sub"
//     must be a non-empty string.
//  2. Otherwise the Authorization header ("Bearer <jwt>" or the bare JWT,
//     exactly one) must hold an ID token the Verifier accepts.
//
// Anything else is an error wrapping ErrMissingToken, ErrInvalidToken or
// ErrExpiredToken; there is no anonymous caller.
func (a *Authenticator) Authenticate(ctx context.Context, req events.APIGatewayProxyRequest) (Identity, error) {
	if raw, present := req.RequestContext.Authorizer["claims"]; present {
		return identityFromClaims(raw)
	}
	token, err := bearerToken(req)
	if err != nil {
		return Identity{}, err
	}
	if a == nil || a.Verifier == nil {
		return Identity{}, fmt.Errorf("%w: no token verifier configured", ErrInvalidToken)
	}
	return a.Verifier.Verify(ctx, token)
}

// identityFromClaims reads the authorizer's claims. Present but unusable
// claims fail closed instead of falling back to the header.
func identityFromClaims(raw any) (Identity, error) {
	var sub, username any
	switch c := raw.(type) {
	case map[string]any:
		sub, username = c["sub"], c["cognito:username"]
	case map[string]string:
		sub, username = c["sub"], c["cognito:username"]
	default:
		return Identity{}, fmt.Errorf("%w: authorizer claims are a %T, not an object", ErrInvalidToken, raw)
	}
	s, ok := sub.(string)
	if !ok {
		return Identity{}, fmt.Errorf("%w: authorizer claims have no string sub", ErrInvalidToken)
	}
	if err := validSubject(s); err != nil {
		return Identity{}, fmt.Errorf("%w: authorizer claims: %v", ErrInvalidToken, err)
	}
	id := Identity{Subject: s}
	if u, ok := username.(string); ok {
		id.Username = u
	}
	return id, nil
}

func validSubject(s string) error {
	switch {
	case s == "":
		return errors.New("empty sub")
	case len(s) > maxSubjectBytes:
		return errors.New("sub too long")
	case !utf8.ValidString(s):
		return errors.New("sub is not UTF-8")
	}
	return nil
}

// bearerToken extracts the token of the (single) Authorization header. API
// Gateway REST keeps the client's header-name casing, so the lookup is
// case-insensitive.
func bearerToken(req events.APIGatewayProxyRequest) (string, error) {
	var values []string
	for k, vs := range req.MultiValueHeaders {
		if strings.EqualFold(k, "Authorization") {
			values = append(values, vs...)
		}
	}
	if len(values) == 0 {
		for k, v := range req.Headers {
			if strings.EqualFold(k, "Authorization") {
				values = append(values, v)
			}
		}
	}
	switch {
	case len(values) > 1:
		return "", fmt.Errorf("%w: %d Authorization headers", ErrInvalidToken, len(values))
	case len(values) == 0 || strings.TrimSpace(values[0]) == "":
		return "", ErrMissingToken
	}
	v := strings.TrimSpace(values[0])
	scheme, rest, hasSpace := strings.Cut(v, " ")
	switch {
	case !hasSpace && strings.EqualFold(v, "Bearer"):
		return "", ErrMissingToken
	case !hasSpace:
		return v, nil // a bare JWT, as Cognito authorizers also accept
	case strings.EqualFold(scheme, "Bearer"):
		if token := strings.TrimSpace(rest); token != "" {
			return token, nil
		}
		return "", ErrMissingToken
	default:
		return "", fmt.Errorf("%w: unsupported authorization scheme", ErrInvalidToken)
	}
}

// Challenge maps an authentication error to the response a client gets: the
// status (always 401), the WWW-Authenticate header value (RFC 6750) and a
// short message that reveals nothing about the token.
func Challenge(err error) (status int, wwwAuthenticate, message string) {
	switch {
	case errors.Is(err, ErrMissingToken):
		return http.StatusUnauthorized, "Bearer", "missing bearer token"
	case errors.Is(err, ErrExpiredToken):
		return http.StatusUnauthorized, `Bearer error="invalid_token", error_description="the token has expired"`, "token expired"
	default:
		return http.StatusUnauthorized, `Bearer error="invalid_token"`, "invalid token"
	}
}
