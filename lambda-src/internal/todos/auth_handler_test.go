package todos

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/golang-jwt/jwt/v5"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth/authtest"
)

// TestHandlerWithJWTs drives the handler with real RS256 tokens against a
// JWKS served by httptest, wired as main.go wires it.
func TestHandlerWithJWTs(t *testing.T) {
	pool := authtest.NewPool(t)
	issuer, err := auth.IssuerURL(authtest.PoolID, func(k string) string {
		return map[string]string{"AWS_ENDPOINT_URL": pool.URL()}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(authtest.Ctx(t), auth.VerifierConfig{
		Issuer: issuer, ClientID: authtest.ClientID, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	store := newMemStore()
	h := NewHandler(NewCachedStore(store, CacheOptions{TTL: time.Minute}), &auth.Authenticator{Verifier: v})
	h.Logger = slog.New(slog.DiscardHandler)

	claims := func(mod func(jwt.MapClaims)) string {
		c := pool.Claims("alice-sub")
		mod(c)
		return pool.Sign(t, c)
	}
	post := func(authz string) events.APIGatewayProxyRequest {
		r := collectionReq(http.MethodPost, `{"title":"x"}`)
		if authz != "" {
			r.Headers = map[string]string{"Authorization": authz}
		}
		return r
	}
	tests := []struct {
		name       string
		req        events.APIGatewayProxyRequest
		wantStatus int
		wantOwner  string
		wantMsg    string
	}{
		{"valid bearer ID token", post("Bearer " + pool.IDToken(t, "alice-sub")), 201, "alice-sub", ""},
		{"valid raw ID token", post(pool.IDToken(t, "bob-sub")), 201, "bob-sub", ""},
		{"missing header", post(""), 401, "", "missing bearer token"},
		{"malformed", post("Bearer eyJhbGciOiJSUzI1NiJ9.e30"), 401, "", "invalid token"},
		{"wrong signature (another key)", post("Bearer " + authtest.Sign(t, authtest.NewKey(t), pool.KeyID, pool.Claims("alice-sub"))), 401, "", "invalid token"},
		{"expired", post("Bearer " + claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })), 401, "", "token expired"},
		{"wrong aud", post("Bearer " + claims(func(c jwt.MapClaims) { c["aud"] = "other-client" })), 401, "", "invalid token"},
		{"wrong iss", post("Bearer " + claims(func(c jwt.MapClaims) { c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/" + authtest.PoolID })), 401, "", "invalid token"},
		{"access token", post("Bearer " + claims(func(c jwt.MapClaims) {
			c["token_use"] = "access"
			c["client_id"] = authtest.ClientID
			delete(c, "aud")
		})), 401, "", "invalid token"},
		{"claims present (API Gateway authorizer)", asClaims("carol-sub", post("")), 201, "carol-sub", ""},
		{"claims present win over a forged header", asClaims("carol-sub",
			post("Bearer "+authtest.Sign(t, authtest.NewKey(t), pool.KeyID, pool.Claims("mallory")))), 201, "carol-sub", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(t, h, tc.req)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.wantStatus, resp.Body)
			}
			if tc.wantStatus == 201 {
				if got := decodeTodo(t, resp).Owner; got != tc.wantOwner {
					t.Errorf("owner %q, want %q", got, tc.wantOwner)
				}
				return
			}
			if errorOf(t, resp) != tc.wantMsg {
				t.Errorf("error %q, want %q", errorOf(t, resp), tc.wantMsg)
			}
		})
	}

	// Alice's token reads Alice's todos only.
	l := decodeList(t, do(t, h, func() events.APIGatewayProxyRequest {
		r := listReq(nil)
		r.Headers = map[string]string{"authorization": "Bearer " + pool.IDToken(t, "alice-sub")}
		return r
	}()))
	if len(l.Todos) != 1 || l.Todos[0].Owner != "alice-sub" {
		t.Errorf("alice's list = %+v", l.Todos)
	}
	if n := store.count("put"); n != 4 {
		t.Errorf("%d todos stored, want 4 (the accepted requests)", n)
	}
}
