// Package originverify is the API Gateway REQUEST authorizer that lets only CloudFront reach an API: the
// distribution adds a secret header to every request it sends to the API origin, and the authorizer allows a
// request only when that header carries the Secrets Manager secret's current value (or, during a rotation, the one
// before). API Gateway runs it before
// the integration, so the API's own function never sees a request that bypassed the distribution (and its WAF and
// cache).
package originverify

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
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

	// MinValueBytes and MaxValueBytes bound an accepted value (the module generates 64 letters and digits).
	MinValueBytes = 32
	MaxValueBytes = 256
)

// Staging labels of the values the authorizer accepts: the current one and, during a rotation, the one before.
const (
	StageCurrent  = "AWSCURRENT"
	StagePrevious = "AWSPREVIOUS"
)

// ParseValue returns the SHA-256 digest of a secret value: 32-256 printable ASCII characters. Its errors never quote
// the value.
func ParseValue(v string) ([sha256.Size]byte, error) {
	if len(v) < MinValueBytes || len(v) > MaxValueBytes {
		return [sha256.Size]byte{}, fmt.Errorf("must be %d-%d characters, has %d", MinValueBytes, MaxValueBytes, len(v))
	}
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] > '~' {
			return [sha256.Size]byte{}, errors.New("must be printable ASCII")
		}
	}
	return sha256.Sum256([]byte(v)), nil
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

// SecretStore holds the accepted values of a Secrets Manager secret — AWSCURRENT and, with AcceptPrevious,
// AWSPREVIOUS — read at cold start (Load), again after MaxAge, and again — at most once per MinRefresh — when a value
// matches none of them.
type SecretStore struct {
	API      SecretsAPI
	SecretID string
	// AcceptPrevious also accepts the value before the last rotation (AWSPREVIOUS), if there is one.
	AcceptPrevious bool
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
	current, err := s.read(ctx, StageCurrent)
	if err != nil {
		return err
	}
	d, err := ParseValue(current)
	if err != nil {
		return fmt.Errorf("origin secret's current value %w", err)
	}
	digests := [][sha256.Size]byte{d}
	if s.AcceptPrevious {
		previous, err := s.read(ctx, StagePrevious)
		var notFound *types.ResourceNotFoundException
		switch {
		case errors.As(err, &notFound):
			// Never rotated: there is no value before.
		case err != nil:
			return err
		default:
			// A previous value that is not one this module writes is not accepted.
			if d, err := ParseValue(previous); err == nil {
				digests = append(digests, d)
			}
		}
	}
	s.digests = digests
	return nil
}

func (s *SecretStore) read(ctx context.Context, stage string) (string, error) {
	out, err := s.API.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(s.SecretID), VersionStage: aws.String(stage)})
	if err != nil {
		return "", fmt.Errorf("reading the origin secret (%s): %w", stage, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("origin secret (%s) has no SecretString", stage)
	}
	return *out.SecretString, nil
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
