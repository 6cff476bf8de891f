// Package originverify is the API Gateway REQUEST authorizer that lets only CloudFront reach an API: the
// distribution adds a secret header to every request it sends to the API origin, and the authorizer allows a
// request only when that header carries one of the values in a Secrets Manager secret. API Gateway runs it before
// the integration, so the API's own function never sees a request that bypassed the distribution (and its WAF and
// cache).
package originverify

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// SecretsAPI is the one Secrets Manager call the authorizer makes.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

const (
	// MaxAge is how long the accepted values are used before the secret is read again.
	MaxAge = 5 * time.Minute
	// MinRefresh is the least time between two reads of the secret that a value matching none of the accepted
	// ones triggers (after a rotation the distribution sends the new value before MaxAge has passed). It is short
	// because API Gateway caches a deny per value: a read just before the secret changed must not make the new value
	// look wrong for result_ttl_seconds. A flood of wrong values costs at most one read per MinRefresh per instance.
	MinRefresh = 5 * time.Second

	// MinValueBytes and MaxValueBytes bound an accepted value (CloudFront takes header values up to 1783
	// characters; the module generates 64).
	MinValueBytes = 32
	MaxValueBytes = 256
)

// secretDoc is the secret's JSON: the value the distribution sends now and, during a rotation, the one before it.
type secretDoc struct {
	Current  string `json:"current"`
	Previous string `json:"previous"`
}

// ParseSecret returns the SHA-256 digests of the values the secret accepts: {"current": "…"} or
// {"current": "…", "previous": "…"}, each 32-256 printable ASCII characters (previous may be empty). Its errors
// never quote a value.
func ParseSecret(s string) ([][sha256.Size]byte, error) {
	var doc secretDoc
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, errors.New(`origin secret is not JSON {"current": "…", "previous": "…"}`)
	}
	if dec.More() {
		return nil, errors.New("origin secret has data after its JSON object")
	}
	if err := checkValue(doc.Current); err != nil {
		return nil, fmt.Errorf("origin secret's current value %w", err)
	}
	digests := [][sha256.Size]byte{sha256.Sum256([]byte(doc.Current))}
	if doc.Previous != "" {
		if err := checkValue(doc.Previous); err != nil {
			return nil, fmt.Errorf("origin secret's previous value %w", err)
		}
		digests = append(digests, sha256.Sum256([]byte(doc.Previous)))
	}
	return digests, nil
}

func checkValue(v string) error {
	if len(v) < MinValueBytes || len(v) > MaxValueBytes {
		return fmt.Errorf("must be %d-%d characters, has %d", MinValueBytes, MaxValueBytes, len(v))
	}
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] > '~' {
			return errors.New("must be printable ASCII")
		}
	}
	return nil
}

// matchAny compares the digest of value with every accepted digest in constant time (no early exit, so the time
// does not tell which one matched, nor how much of it).
func matchAny(digests [][sha256.Size]byte, value string) bool {
	d := sha256.Sum256([]byte(value))
	match := 0
	for i := range digests {
		match |= subtle.ConstantTimeCompare(d[:], digests[i][:])
	}
	return match == 1
}

// SecretStore holds the accepted values of a Secrets Manager secret: read at cold start (Load), again after MaxAge,
// and again — at most once per MinRefresh — when a value matches none of them.
type SecretStore struct {
	API      SecretsAPI
	SecretID string
	// Now defaults to time.Now.
	Now func() time.Time

	mu        sync.Mutex
	digests   [][sha256.Size]byte
	lastFetch time.Time
	fetched   bool
}

func (s *SecretStore) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Load reads the secret now.
func (s *SecretStore) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetchLocked(ctx)
}

func (s *SecretStore) fetchLocked(ctx context.Context) error {
	s.lastFetch, s.fetched = s.now(), true
	out, err := s.API.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(s.SecretID)})
	if err != nil {
		return fmt.Errorf("reading the origin secret: %w", err)
	}
	if out.SecretString == nil {
		return errors.New("origin secret has no SecretString")
	}
	digests, err := ParseSecret(*out.SecretString)
	if err != nil {
		return err
	}
	s.digests = digests
	return nil
}

// Match reports whether value is one of the accepted values. An error means no accepted value is known (the
// secret could never be read); a failed re-read keeps the values read before.
func (s *SecretStore) Match(ctx context.Context, value string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var readErr error
	if !s.fetched || s.now().Sub(s.lastFetch) >= MaxAge {
		readErr = s.fetchLocked(ctx)
	}
	if len(s.digests) == 0 {
		if readErr == nil && s.now().Sub(s.lastFetch) >= MinRefresh {
			readErr = s.fetchLocked(ctx)
		}
		if len(s.digests) == 0 {
			if readErr == nil {
				readErr = errors.New("no origin secret value has been read yet")
			}
			return false, readErr
		}
	}
	if matchAny(s.digests, value) {
		return true, nil
	}
	if readErr != nil || s.now().Sub(s.lastFetch) < MinRefresh {
		return false, nil
	}
	// Perhaps rotated since the last read: read once more, then decide.
	if err := s.fetchLocked(ctx); err != nil {
		return false, nil //nolint:nilerr // a wrong value is refused whether or not the re-read worked
	}
	return matchAny(s.digests, value), nil
}
