package auth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth/authtest"
)

var quiet = slog.New(slog.DiscardHandler)

func newVerifier(t *testing.T, pool *authtest.Pool, mod func(*auth.VerifierConfig)) *auth.Verifier {
	t.Helper()
	cfg := auth.VerifierConfig{Issuer: pool.Issuer, ClientID: authtest.ClientID, Logger: quiet}
	if mod != nil {
		mod(&cfg)
	}
	v, err := auth.NewVerifier(authtest.Ctx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerify(t *testing.T) {
	pool := authtest.NewPool(t)
	v := newVerifier(t, pool, nil)
	other := authtest.NewKey(t)
	now := time.Now()

	with := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := pool.Claims("sub-1")
		mod(c)
		return c
	}
	valid := pool.IDToken(t, "sub-1")
	parts := strings.Split(valid, ".")
	// The payload of another valid token spliced onto this signature.
	otherPayload := strings.Split(pool.IDToken(t, "sub-2"), ".")[1]

	tests := []struct {
		name    string
		token   string
		wantErr error // nil: valid, subject sub-1
	}{
		{"valid", valid, nil},
		{"expired within leeway", pool.Sign(t, with(func(c jwt.MapClaims) { c["exp"] = now.Add(-10 * time.Second).Unix() })), nil},
		{"iat slightly in the future (clock skew)", pool.Sign(t, with(func(c jwt.MapClaims) { c["iat"] = now.Add(10 * time.Second).Unix() })), nil},

		{"empty", "", auth.ErrInvalidToken},
		{"not a JWT", "hello", auth.ErrInvalidToken},
		{"three junk segments", "a.b.c", auth.ErrInvalidToken},
		{"signature stripped", parts[0] + "." + parts[1] + ".", auth.ErrInvalidToken},
		{"payload tampered", parts[0] + "." + otherPayload + "." + parts[2], auth.ErrInvalidToken},
		{"signed by another key, same kid", authtest.Sign(t, other, pool.KeyID, pool.Claims("sub-1")), auth.ErrInvalidToken},
		{"signed by another key, unknown kid", authtest.Sign(t, other, "kid-unknown", pool.Claims("sub-1")), auth.ErrInvalidToken},
		{"no kid", authtest.Sign(t, pool.Key, "", pool.Claims("sub-1")), auth.ErrInvalidToken},
		{"alg none", noneToken(t, pool), auth.ErrInvalidToken},
		{"HS256 keyed with the public key", hsToken(t, pool), auth.ErrInvalidToken},
		{"expired", pool.Sign(t, with(func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() })), auth.ErrExpiredToken},
		{"expired and wrong aud", pool.Sign(t, with(func(c jwt.MapClaims) {
			c["exp"] = now.Add(-2 * time.Minute).Unix()
			c["aud"] = "another-client"
		})), auth.ErrInvalidToken},
		{"expired access token", pool.Sign(t, with(func(c jwt.MapClaims) {
			c["exp"] = now.Add(-2 * time.Minute).Unix()
			c["token_use"] = "access"
		})), auth.ErrInvalidToken},
		{"no exp", pool.Sign(t, with(func(c jwt.MapClaims) { delete(c, "exp") })), auth.ErrInvalidToken},
		{"issued in the future", pool.Sign(t, with(func(c jwt.MapClaims) { c["iat"] = now.Add(5 * time.Minute).Unix() })), auth.ErrInvalidToken},
		{"wrong aud", pool.Sign(t, with(func(c jwt.MapClaims) { c["aud"] = "another-client" })), auth.ErrInvalidToken},
		{"no aud", pool.Sign(t, with(func(c jwt.MapClaims) { delete(c, "aud") })), auth.ErrInvalidToken},
		{"wrong iss", pool.Sign(t, with(func(c jwt.MapClaims) { c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" })), auth.ErrInvalidToken},
		{"iss with trailing slash", pool.Sign(t, with(func(c jwt.MapClaims) { c["iss"] = pool.Issuer + "/" })), auth.ErrInvalidToken},
		{"access token (Cognito shape: client_id, no aud)", pool.Sign(t, with(func(c jwt.MapClaims) {
			c["token_use"] = "access"
			c["client_id"] = authtest.ClientID
			delete(c, "aud")
		})), auth.ErrInvalidToken},
		{"access token with aud", pool.Sign(t, with(func(c jwt.MapClaims) { c["token_use"] = "access" })), auth.ErrInvalidToken},
		{"no token_use", pool.Sign(t, with(func(c jwt.MapClaims) { delete(c, "token_use") })), auth.ErrInvalidToken},
		{"no sub", pool.Sign(t, with(func(c jwt.MapClaims) { delete(c, "sub") })), auth.ErrInvalidToken},
		{"empty sub", pool.Sign(t, with(func(c jwt.MapClaims) { c["sub"] = "" })), auth.ErrInvalidToken},
		{"oversized", pool.Sign(t, with(func(c jwt.MapClaims) { c["pad"] = strings.Repeat("x", auth.MaxTokenBytes) })), auth.ErrInvalidToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := v.Verify(context.Background(), tc.token)
			if tc.wantErr == nil {
				if err != nil || id.Subject != "sub-1" || id.Username != "user-sub-1" {
					t.Fatalf("Verify = %+v, %v; want sub-1", id, err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Verify err = %v, want %v", err, tc.wantErr)
			}
			if id != (auth.Identity{}) {
				t.Errorf("identity %+v returned with an error", id)
			}
			// "expired" is only ever said of a genuine token.
			if tc.wantErr != auth.ErrExpiredToken && errors.Is(err, auth.ErrExpiredToken) {
				t.Errorf("err %v also claims expiry", err)
			}
		})
	}
}

// noneToken is an unsigned ("alg":"none") token with valid claims.
func noneToken(t *testing.T, pool *authtest.Pool) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, pool.Claims("sub-1"))
	tok.Header["kid"] = pool.KeyID
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hsToken tries the classic algorithm confusion: HMAC keyed with the
// public key's bytes.
func hsToken(t *testing.T, pool *authtest.Pool) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, pool.Claims("sub-1"))
	tok.Header["kid"] = pool.KeyID
	pub := pool.Key.PublicKey
	s, err := tok.SignedString(pub.N.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyLeewayClock(t *testing.T) {
	pool := authtest.NewPool(t)
	tok := pool.IDToken(t, "s") // exp = now + 1h
	var offset atomic.Int64
	v := newVerifier(t, pool, func(c *auth.VerifierConfig) {
		c.Leeway = 45 * time.Second
		c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	for _, tc := range []struct {
		offset  time.Duration
		wantErr error
	}{
		{59 * time.Minute, nil},
		{time.Hour + 30*time.Second, nil}, // inside the 45 s leeway
		{time.Hour + 2*time.Minute, auth.ErrExpiredToken},
	} {
		offset.Store(int64(tc.offset))
		_, err := v.Verify(context.Background(), tok)
		if !errors.Is(err, tc.wantErr) && (tc.wantErr != nil || err != nil) {
			t.Errorf("at +%s: err = %v, want %v", tc.offset, err, tc.wantErr)
		}
	}
}

func TestNewVerifierConfig(t *testing.T) {
	pool := authtest.NewPool(t)
	for _, cfg := range []auth.VerifierConfig{
		{ClientID: "c"},
		{Issuer: pool.Issuer},
		{Issuer: "cognito-idp.example/pool", ClientID: "c"},
		{Issuer: pool.Issuer, ClientID: "c", Leeway: 2 * time.Minute},
		{Issuer: pool.Issuer, ClientID: "c", Leeway: -time.Second},
	} {
		if _, err := auth.NewVerifier(authtest.Ctx(t), cfg); err == nil {
			t.Errorf("NewVerifier(%+v) succeeded", cfg)
		}
	}
}

// TestVerifyKeyRotation: a token signed with a key the cached JWKS does not
// have makes the verifier fetch the JWKS again, once per rate-limit period.
func TestVerifyKeyRotation(t *testing.T) {
	pool := authtest.NewPool(t)
	v := newVerifier(t, pool, nil)
	ctx := context.Background()
	if n := pool.JWKSRequests(); n != 0 {
		t.Fatalf("JWKS fetched %d times before any token, want 0 (lazy)", n)
	}
	if _, err := v.Verify(ctx, "garbage"); err == nil || pool.JWKSRequests() != 0 {
		t.Fatalf("a malformed token fetched the JWKS (%v)", err)
	}
	if _, err := v.Verify(ctx, pool.IDToken(t, "s")); err != nil {
		t.Fatal(err)
	}
	if n := pool.JWKSRequests(); n != 1 {
		t.Fatalf("JWKS fetched %d times after start and one token, want 1 (cached)", n)
	}

	rotated := authtest.NewKey(t)
	pool.Publish("kid-2", &rotated.PublicKey)
	id, err := v.Verify(ctx, authtest.Sign(t, rotated, "kid-2", pool.Claims("s2")))
	if err != nil || id.Subject != "s2" {
		t.Fatalf("token with the rotated key: %+v %v", id, err)
	}
	if n := pool.JWKSRequests(); n != 2 {
		t.Fatalf("JWKS fetched %d times, want 2 (one refresh for the unknown kid)", n)
	}

	// Forged tokens with fresh kids do not make the verifier hammer the pool.
	forger := authtest.NewKey(t)
	for i := range 5 {
		_, err := v.Verify(ctx, authtest.Sign(t, forger, "kid-forged-"+string(rune('a'+i)), pool.Claims("s")))
		if !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("forged kid: err = %v", err)
		}
	}
	if n := pool.JWKSRequests(); n != 2 {
		t.Errorf("JWKS fetched %d times after forged kids, want still 2 (rate-limited)", n)
	}
	// Known keys keep working without a fetch.
	if _, err := v.Verify(ctx, pool.IDToken(t, "s")); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyJWKSUnavailable: a JWKS outage at start is not fatal; tokens
// are refused (401, not 500) until the JWKS can be fetched.
func TestVerifyJWKSUnavailable(t *testing.T) {
	pool := authtest.NewPool(t)
	var down atomic.Bool
	down.Store(true)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		resp, err := http.Get(pool.URL() + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	defer proxy.Close()

	issuer := proxy.URL + "/" + authtest.PoolID
	v, err := auth.NewVerifier(authtest.Ctx(t), auth.VerifierConfig{
		Issuer: issuer, ClientID: authtest.ClientID, UnknownKIDRefresh: time.Millisecond, Logger: quiet,
	})
	if err != nil {
		t.Fatalf("NewVerifier with the JWKS down: %v", err)
	}
	claims := pool.Claims("s")
	claims["iss"] = issuer
	tok := pool.Sign(t, claims)
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("JWKS down: err = %v, want ErrInvalidToken", err)
	}
	down.Store(false)
	if id, err := v.Verify(context.Background(), tok); err != nil || id.Subject != "s" {
		t.Fatalf("JWKS back: %+v %v", id, err)
	}
}

// TestVerifyJWKSHangs: a JWKS endpoint that never answers cannot hold a
// request beyond the HTTP timeout.
func TestVerifyJWKSHangs(t *testing.T) {
	pool := authtest.NewPool(t)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	issuer := slow.URL + "/" + authtest.PoolID
	v, err := auth.NewVerifier(authtest.Ctx(t), auth.VerifierConfig{
		Issuer: issuer, ClientID: authtest.ClientID,
		HTTPClient: &http.Client{Timeout: 50 * time.Millisecond}, Logger: quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	claims := pool.Claims("s")
	claims["iss"] = issuer
	if _, err := v.Verify(context.Background(), pool.Sign(t, claims)); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("err = %v, want ErrInvalidToken", err)
	}
}
