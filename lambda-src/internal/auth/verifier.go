package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
)

// Defaults for VerifierConfig.
const (
	DefaultLeeway          = 30 * time.Second
	MaxLeeway              = 60 * time.Second
	DefaultHTTPTimeout     = 5 * time.Second
	DefaultRefreshInterval = time.Hour
	// DefaultUnknownKIDRefresh is how often at most an unknown key id makes the
	// verifier fetch the JWKS again (Cognito rotates keys rarely; forged
	// tokens with random kids must not turn into a request flood).
	DefaultUnknownKIDRefresh = time.Minute

	// MaxTokenBytes bounds the token accepted for parsing. Cognito ID tokens
	// are around 1 KiB; API Gateway caps all headers at 10 KiB anyway.
	MaxTokenBytes = 8 << 10
)

// VerifierConfig configures a Verifier.
type VerifierConfig struct {
	// Issuer is the user pool's issuer (see IssuerURL). Required. The JWKS
	// is fetched from Issuer + "/.well-known/jwks.json".
	Issuer string
	// ClientID is the app client id, the "aud" of its ID tokens. Required.
	ClientID string

	// HTTPClient fetches the JWKS; default a client with DefaultHTTPTimeout.
	HTTPClient *http.Client
	// Leeway tolerated on exp/iat for clock skew; default DefaultLeeway, at
	// most MaxLeeway.
	Leeway time.Duration
	// RefreshInterval is how often the JWKS is re-fetched in the background;
	// default DefaultRefreshInterval.
	RefreshInterval time.Duration
	// UnknownKIDRefresh is the minimum time between JWKS fetches triggered by
	// a token whose key id is unknown; default DefaultUnknownKIDRefresh.
	UnknownKIDRefresh time.Duration
	// Logger receives JWKS fetch failures; default slog.Default().
	Logger *slog.Logger
	// Now is the clock for exp/iat checks; default time.Now.
	Now func() time.Time
}

// Identity is a verified caller.
type Identity struct {
	// Subject is the Cognito "sub": the stable, unique user id.
	Subject string
	// Username is "cognito:username" when the token or claims carry it.
	Username string
}

// idTokenClaims are the claims of a Cognito ID token that are checked.
type idTokenClaims struct {
	jwt.RegisteredClaims
	TokenUse string `json:"token_use"`
	Username string `json:"cognito:username"`
}

// Verifier verifies Cognito ID tokens against a user pool's JWKS. It is safe
// for concurrent use.
type Verifier struct {
	parser *jwt.Parser
	// newKeys starts the JWKS cache; it runs once, on the first token.
	newKeys func() (keyfunc.Keyfunc, error)
	once    sync.Once
	keys    keyfunc.Keyfunc
	keysErr error
}

// NewVerifier checks cfg and returns a Verifier. The pool's JWKS is fetched
// when the first token needs it (so a function that only ever sees
// authorizer claims, or runs in a VPC without a route to Cognito, pays
// nothing at cold start). A failed fetch is logged, not fatal: keys are
// fetched again, rate-limited, when a token names a key id not in the cache.
// From then on the JWKS is refreshed in the background until ctx ends.
func NewVerifier(ctx context.Context, cfg VerifierConfig) (*Verifier, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, errors.New("auth: verifier needs an issuer and a client id")
	}
	if u, err := url.Parse(cfg.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("auth: issuer %q is not an http(s) URL", cfg.Issuer)
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = DefaultLeeway
	}
	if cfg.Leeway < 0 || cfg.Leeway > MaxLeeway {
		return nil, fmt.Errorf("auth: leeway %s outside [0, %s]", cfg.Leeway, MaxLeeway)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = DefaultRefreshInterval
	}
	if cfg.UnknownKIDRefresh <= 0 {
		cfg.UnknownKIDRefresh = DefaultUnknownKIDRefresh
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	httpTimeout := cfg.HTTPClient.Timeout
	if httpTimeout <= 0 || httpTimeout > DefaultHTTPTimeout {
		httpTimeout = DefaultHTTPTimeout
	}
	jwksURL := strings.TrimRight(cfg.Issuer, "/") + "/.well-known/jwks.json"

	return &Verifier{
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
			jwt.WithIssuer(cfg.Issuer),
			jwt.WithAudience(cfg.ClientID),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(cfg.Leeway),
			jwt.WithTimeFunc(now),
			jwt.WithStrictDecoding(),
		),
		newKeys: func() (keyfunc.Keyfunc, error) {
			return keyfunc.NewDefaultOverrideCtx(ctx, []string{jwksURL}, keyfunc.Override{
				Client:          cfg.HTTPClient,
				HTTPTimeout:     httpTimeout,
				RefreshInterval: cfg.RefreshInterval,
				// One refresh for an unknown kid per UnknownKIDRefresh. A
				// token that finds the limiter empty does not queue: the
				// wait is bounded by RateLimitWaitMax (which also bounds
				// that refresh), and rate.Limiter.Wait fails at once when
				// the wait would be longer.
				RefreshUnknownKID: rate.NewLimiter(rate.Every(cfg.UnknownKIDRefresh), 1),
				RateLimitWaitMax:  httpTimeout,
				RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
					return func(ctx context.Context, err error) {
						logger.WarnContext(ctx, "fetching the user pool JWKS failed", "url", u, "error", err.Error())
					}
				},
			})
		},
	}, nil
}

// Verify checks that token is an ID token of the configured pool and app
// client: RS256, signed by a key of the pool's JWKS (by kid), iss, aud,
// token_use "id", not expired and not issued in the future (within the
// leeway), with a subject. Errors wrap ErrInvalidToken or ErrExpiredToken.
func (v *Verifier) Verify(ctx context.Context, token string) (Identity, error) {
	if len(token) > MaxTokenBytes {
		return Identity{}, fmt.Errorf("%w: token longer than %d bytes", ErrInvalidToken, MaxTokenBytes)
	}
	var claims idTokenClaims
	_, err := v.parser.ParseWithClaims(token, &claims, v.keyfunc(ctx))
	switch {
	case err == nil:
	case onlyExpired(err) && claims.TokenUse == "id":
		// Claims are validated only after the signature verified, so
		// "expired" is said only of a genuine ID token for this client that
		// a refresh would replace.
		return Identity{}, fmt.Errorf("%w: %v", ErrExpiredToken, err)
	default:
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if claims.TokenUse != "id" {
		return Identity{}, fmt.Errorf("%w: token_use %q, want an ID token", ErrInvalidToken, logtext.Clip(claims.TokenUse, 16))
	}
	if err := validSubject(claims.Subject); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	return Identity{Subject: claims.Subject, Username: claims.Username}, nil
}

// onlyExpired reports whether expiry is the only thing wrong with a token.
func onlyExpired(err error) bool {
	if !errors.Is(err, jwt.ErrTokenExpired) {
		return false
	}
	for _, other := range []error{
		jwt.ErrTokenMalformed, jwt.ErrTokenUnverifiable, jwt.ErrTokenSignatureInvalid,
		jwt.ErrTokenInvalidAudience, jwt.ErrTokenInvalidIssuer, jwt.ErrTokenRequiredClaimMissing,
		jwt.ErrTokenUsedBeforeIssued, jwt.ErrTokenNotValidYet, jwt.ErrTokenInvalidSubject, jwt.ErrTokenInvalidId,
	} {
		if errors.Is(err, other) {
			return false
		}
	}
	return true
}

// keyfunc selects the verification key by the token's kid; a token without
// one is refused rather than tried against every key.
func (v *Verifier) keyfunc(ctx context.Context) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		if kid, ok := t.Header["kid"].(string); !ok || kid == "" {
			return nil, errors.New("token has no kid")
		}
		v.once.Do(func() { v.keys, v.keysErr = v.newKeys() })
		if v.keysErr != nil {
			return nil, fmt.Errorf("JWKS cache: %w", v.keysErr)
		}
		return v.keys.KeyfuncCtx(ctx)(t)
	}
}
