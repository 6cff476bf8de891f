package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth/authtest"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/todos"
)

func setEnv(t *testing.T, pool *authtest.Pool, kv ...string) {
	base := map[string]string{
		"TABLE_NAME":            "todos",
		"USER_POOL_ID":          authtest.PoolID,
		"USER_POOL_CLIENT_ID":   authtest.ClientID,
		"AWS_ENDPOINT_URL":      pool.URL(),
		"AWS_REGION":            "us-east-1",
		"AWS_ACCESS_KEY_ID":     "test",
		"AWS_SECRET_ACCESS_KEY": "test",
		"READ_CACHE_TTL":        "",
		"DAX_ENDPOINT":          "",
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "",
	}
	for i := 0; i < len(kv); i += 2 {
		base[kv[i]] = kv[i+1]
	}
	for k, v := range base {
		t.Setenv(k, v)
	}
}

func TestSetup(t *testing.T) {
	pool := authtest.NewPool(t)
	logger := slog.New(slog.DiscardHandler)

	for _, tc := range []struct {
		name       string
		env        []string
		wantErr    string
		wantCached bool
	}{
		{"defaults: cache on", nil, "", true},
		{"cache off", []string{"READ_CACHE_TTL", "0"}, "", false},
		{"custom TTL", []string{"READ_CACHE_TTL", "500ms"}, "", true},
		{"no table", []string{"TABLE_NAME", ""}, "TABLE_NAME", false},
		{"no pool", []string{"USER_POOL_ID", ""}, "USER_POOL_ID", false},
		{"no client", []string{"USER_POOL_CLIENT_ID", ""}, "USER_POOL_CLIENT_ID", false},
		{"bad pool id", []string{"USER_POOL_ID", "nope"}, "user pool id", false},
		{"TTL in whole seconds (the module's form)", []string{"READ_CACHE_TTL", "2"}, "", true},
		{"TTL 0 seconds", []string{"READ_CACHE_TTL", "0s"}, "", false},
		{"bad TTL", []string{"READ_CACHE_TTL", "soon"}, "READ_CACHE_TTL", false},
		{"fractional seconds", []string{"READ_CACHE_TTL", "1.5"}, "READ_CACHE_TTL", false},
		{"negative TTL", []string{"READ_CACHE_TTL", "-1s"}, "READ_CACHE_TTL", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setEnv(t, pool, tc.env...)
			h, err := setup(t.Context(), logger)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, cached := h.Store.(*todos.CachedStore); cached != tc.wantCached {
				t.Errorf("store %T, cached want %v", h.Store, tc.wantCached)
			}

			// Wired to the pool at AWS_ENDPOINT_URL: no token 401, a valid
			// token passes auth (and a bad id then stops before DynamoDB).
			ctx := context.Background()
			req := events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/todos/{id}", PathParameters: map[string]string{"id": "x"}}
			if resp, _ := h.Handle(ctx, req); resp.StatusCode != 401 {
				t.Errorf("no token: %d %s", resp.StatusCode, resp.Body)
			}
			req.Headers = map[string]string{"Authorization": "Bearer " + pool.IDToken(t, "s")}
			if resp, _ := h.Handle(ctx, req); resp.StatusCode != 400 {
				t.Errorf("valid token, bad id: %d %s", resp.StatusCode, resp.Body)
			}
		})
	}
}

func TestParseTTL(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"": 2 * time.Second, "0": 0, "2": 2 * time.Second, "2s": 2 * time.Second, "500ms": 500 * time.Millisecond, "1m": time.Minute,
	} {
		if got, err := parseTTL(in); err != nil || got != want {
			t.Errorf("parseTTL(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"-1", "-1s", "x", "1.5", "2 s", "99999999999"} {
		if got, err := parseTTL(in); err == nil {
			t.Errorf("parseTTL(%q) = %v, want an error", in, got)
		}
	}
}
