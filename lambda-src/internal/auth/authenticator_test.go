package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth/authtest"
)

func TestAuthenticate(t *testing.T) {
	pool := authtest.NewPool(t)
	a := &auth.Authenticator{Verifier: newVerifier(t, pool, nil)}
	tok := pool.IDToken(t, "header-sub")
	forged := authtest.Sign(t, authtest.NewKey(t), pool.KeyID, pool.Claims("header-sub"))

	headers := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	claims := func(c any) map[string]any { return map[string]any{"claims": c} }

	tests := []struct {
		name       string
		headers    map[string]string
		multi      map[string][]string
		authorizer map[string]any
		wantSub    string
		wantErr    error
	}{
		{name: "bearer token", headers: headers("Authorization", "Bearer "+tok), wantSub: "header-sub"},
		{name: "raw token", headers: headers("Authorization", tok), wantSub: "header-sub"},
		{name: "lower-case header and scheme", headers: headers("authorization", "bearer "+tok), wantSub: "header-sub"},
		{name: "extra spaces", headers: headers("Authorization", "  Bearer   "+tok+"  "), wantSub: "header-sub"},
		{name: "same value in multi-value headers", headers: headers("Authorization", "Bearer "+tok),
			multi: map[string][]string{"Authorization": {"Bearer " + tok}}, wantSub: "header-sub"},

		{name: "no headers", wantErr: auth.ErrMissingToken},
		{name: "other headers only", headers: headers("Accept", "application/json"), wantErr: auth.ErrMissingToken},
		{name: "empty header", headers: headers("Authorization", "  "), wantErr: auth.ErrMissingToken},
		{name: "bearer without token", headers: headers("Authorization", "Bearer "), wantErr: auth.ErrMissingToken},
		{name: "malformed token", headers: headers("Authorization", "Bearer not.a.jwt"), wantErr: auth.ErrInvalidToken},
		{name: "basic auth", headers: headers("Authorization", "Basic dXNlcjpwYXNz"), wantErr: auth.ErrInvalidToken},
		{name: "forged token", headers: headers("Authorization", "Bearer "+forged), wantErr: auth.ErrInvalidToken},
		{name: "two Authorization headers", multi: map[string][]string{"Authorization": {"Bearer " + tok, "Bearer " + forged}},
			wantErr: auth.ErrInvalidToken},
		{name: "two header spellings", headers: headers("Authorization", "Bearer "+tok, "authorization", "Bearer "+forged),
			wantErr: auth.ErrInvalidToken},

		// Claims from API Gateway's Cognito authorizer win over the header.
		{name: "authorizer claims", authorizer: claims(map[string]any{"sub": "claims-sub", "token_use": "id"}), wantSub: "claims-sub"},
		{name: "authorizer claims as string map", authorizer: claims(map[string]string{"sub": "claims-sub"}), wantSub: "claims-sub"},
		{name: "authorizer claims beat a forged header", authorizer: claims(map[string]any{"sub": "claims-sub"}),
			headers: headers("Authorization", "Bearer "+forged), wantSub: "claims-sub"},
		{name: "claims without sub", authorizer: claims(map[string]any{"email": "e@example.com"}),
			headers: headers("Authorization", "Bearer "+tok), wantErr: auth.ErrInvalidToken},
		{name: "claims with empty sub", authorizer: claims(map[string]any{"sub": ""}), wantErr: auth.ErrInvalidToken},
		{name: "claims with numeric sub", authorizer: claims(map[string]any{"sub": 42}), wantErr: auth.ErrInvalidToken},
		{name: "claims with invalid UTF-8 sub", authorizer: claims(map[string]any{"sub": "a\xff"}), wantErr: auth.ErrInvalidToken},
		{name: "claims with huge sub", authorizer: claims(map[string]any{"sub": strings.Repeat("s", 2000)}), wantErr: auth.ErrInvalidToken},
		{name: "claims not an object", authorizer: claims("sub=x"), wantErr: auth.ErrInvalidToken},
		{name: "null claims", authorizer: claims(nil), wantErr: auth.ErrInvalidToken},
		{name: "other authorizer context falls back to the header", authorizer: map[string]any{"principalId": "p"},
			headers: headers("Authorization", "Bearer "+tok), wantSub: "header-sub"},
		{name: "other authorizer context without header", authorizer: map[string]any{"principalId": "p"}, wantErr: auth.ErrMissingToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := events.APIGatewayProxyRequest{Headers: tc.headers, MultiValueHeaders: tc.multi}
			req.RequestContext.Authorizer = tc.authorizer
			id, err := a.Authenticate(context.Background(), req)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), forged) {
					t.Errorf("error quotes the token: %v", err)
				}
				return
			}
			if err != nil || id.Subject != tc.wantSub {
				t.Fatalf("Authenticate = %+v, %v; want %q", id, err, tc.wantSub)
			}
		})
	}
}

func TestAuthenticateWithoutVerifier(t *testing.T) {
	for _, a := range []*auth.Authenticator{nil, {}} {
		req := events.APIGatewayProxyRequest{Headers: map[string]string{"Authorization": "Bearer a.b.c"}}
		if _, err := a.Authenticate(context.Background(), req); !errors.Is(err, auth.ErrInvalidToken) {
			t.Errorf("err = %v", err)
		}
		req.RequestContext.Authorizer = map[string]any{"claims": map[string]any{"sub": "s"}}
		if id, err := a.Authenticate(context.Background(), req); err != nil || id.Subject != "s" {
			t.Errorf("claims path: %+v %v", id, err)
		}
	}
}

func TestChallenge(t *testing.T) {
	tests := []struct {
		err     error
		wantWWW string
		wantMsg string
	}{
		{auth.ErrMissingToken, "Bearer", "missing bearer token"},
		{errors.Join(errors.New("x"), auth.ErrInvalidToken), `Bearer error="invalid_token"`, "invalid token"},
		{auth.ErrExpiredToken, `Bearer error="invalid_token", error_description="the token has expired"`, "token expired"},
		{errors.New("anything else"), `Bearer error="invalid_token"`, "invalid token"},
	}
	for _, tc := range tests {
		status, www, msg := auth.Challenge(tc.err)
		if status != 401 || www != tc.wantWWW || msg != tc.wantMsg {
			t.Errorf("Challenge(%v) = %d %q %q", tc.err, status, www, msg)
		}
	}
}

func TestIssuerURL(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name   string
		pool   string
		getenv func(string) string
		want   string
	}{
		{"AWS", "eu-west-1_AbC123", env("AWS_REGION", "eu-west-1"), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"},
		{"AWS, pool in another region than the function", "us-east-1_AbC123", env("AWS_REGION", "eu-west-1"),
			"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123"},
		{"sandbox (AWS_ENDPOINT_URL)", "us-east-1_abc123def", env("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
			"http://127.0.0.1:4566/us-east-1_abc123def"},
		{"trailing slash", "us-east-1_abc", env("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/"), "http://127.0.0.1:4566/us-east-1_abc"},
		{"service-specific endpoint wins", "us-east-1_abc", env(
			"AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://localhost:2"),
			"http://localhost:2/us-east-1_abc"},
		{"configured endpoints ignored", "us-east-1_abc", env(
			"AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
			"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := auth.IssuerURL(tc.pool, tc.getenv)
			if err != nil || got != tc.want {
				t.Fatalf("IssuerURL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}

	for _, bad := range []struct {
		pool   string
		getenv func(string) string
	}{
		{"", env()},
		{"nounderscore", env()},
		{"us-east-1_", env()},
		{"us-east-1_abc/../x", env()},
		{"us-east-1_abc", env("AWS_ENDPOINT_URL", "127.0.0.1:4566")},
		{"us-east-1_abc", env("AWS_ENDPOINT_URL", "ftp://h")},
		{"us-east-1_abc", env("AWS_ENDPOINT_URL", "http://h/?q=1")},
	} {
		if got, err := auth.IssuerURL(bad.pool, bad.getenv); err == nil {
			t.Errorf("IssuerURL(%q) = %q, want an error", bad.pool, got)
		}
	}
}
