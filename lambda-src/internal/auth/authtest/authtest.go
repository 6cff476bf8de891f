// Package authtest is a fake Cognito user pool for tests: an RSA signing key,
// its JWKS served over httptest at <issuer>/.well-known/jwks.json (the layout
// of Cognito and of kumo), and helpers that sign ID tokens.
package authtest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// PoolID and ClientID of every Pool.
const (
	PoolID   = "us-east-1_TestPool1"
	ClientID = "test-client-id"
)

// Pool is a fake user pool. Its methods are safe for concurrent use.
type Pool struct {
	// Issuer is the pool's "iss": <server URL>/<PoolID>.
	Issuer string
	// Key signs tokens; KeyID is its kid in the JWKS.
	Key   *rsa.PrivateKey
	KeyID string

	server   *httptest.Server
	mu       sync.Mutex
	keys     []published
	requests atomic.Int64
}

type published struct {
	kid string
	pub *rsa.PublicKey
}

// NewPool starts a pool whose JWKS publishes one fresh key; it stops with t.
func NewPool(t testing.TB) *Pool {
	t.Helper()
	p := &Pool{Key: NewKey(t), KeyID: "kid-1"}
	p.keys = []published{{p.KeyID, &p.Key.PublicKey}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+PoolID+"/.well-known/jwks.json", p.serveJWKS)
	p.server = httptest.NewServer(mux)
	t.Cleanup(p.server.Close)
	p.Issuer = p.server.URL + "/" + PoolID
	return p
}

// NewKey returns a new 2048-bit RSA key.
func NewKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// URL is the JWKS server's base URL (what AWS_ENDPOINT_URL would be).
func (p *Pool) URL() string { return p.server.URL }

// JWKSRequests counts the JWKS fetches served so far.
func (p *Pool) JWKSRequests() int64 { return p.requests.Load() }

// Publish adds a public key to the JWKS under kid (a key rotation).
func (p *Pool) Publish(kid string, pub *rsa.PublicKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, published{kid, pub})
}

func (p *Pool) serveJWKS(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	p.mu.Lock()
	keys := append([]published(nil), p.keys...)
	p.mu.Unlock()
	store := jwkset.NewMemoryStorage()
	for _, k := range keys {
		jwk, err := jwkset.NewJWKFromKey(k.pub, jwkset.JWKOptions{
			Metadata: jwkset.JWKMetadataOptions{KID: k.kid, ALG: jwkset.AlgRS256, USE: jwkset.UseSig},
		})
		if err == nil {
			err = store.KeyWrite(r.Context(), jwk)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	raw, err := store.JSONPublic(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(raw)
}

// Claims returns the claims of a valid ID token for sub, issued now and
// expiring in an hour, shaped like Cognito's.
func (p *Pool) Claims(sub string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"sub":              sub,
		"aud":              ClientID,
		"iss":              p.Issuer,
		"token_use":        "id",
		"cognito:username": "user-" + sub,
		"auth_time":        now.Unix(),
		"iat":              now.Unix(),
		"exp":              now.Add(time.Hour).Unix(),
	}
}

// IDToken is a valid ID token for sub.
func (p *Pool) IDToken(t testing.TB, sub string) string {
	t.Helper()
	return p.Sign(t, p.Claims(sub))
}

// Sign signs claims with the pool's key (RS256, kid KeyID).
func (p *Pool) Sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	return Sign(t, p.Key, p.KeyID, claims)
}

// Sign signs claims RS256 with key, putting kid in the header (omitted when
// empty).
func Sign(t testing.TB, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(fmt.Errorf("authtest: sign: %w", err))
	}
	return s
}

// Ctx is a context for tests that ends with t.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}
