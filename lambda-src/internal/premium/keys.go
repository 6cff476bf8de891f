package premium

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// SecretsAPI is the one Secrets Manager call the handler makes.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// URLSigner signs a URL with a canned policy valid until expires.
type URLSigner interface {
	Sign(ctx context.Context, rawURL string, expires time.Time) (string, error)
}

// RefreshInterval is the least time between two reads of the secret.
const RefreshInterval = time.Minute

// SecretSigner signs with the key pair in a Secrets Manager secret written
// by refarch_signed_url_keypair: JSON {"key_pair_id": "K…",
// "private_key_pem": "-----BEGIN RSA PRIVATE KEY-----…"}. The key is read
// once (Load, at cold start) and cached; when the cached key cannot be used
// (no key yet, a parse failure, a signing failure) the secret is read again,
// at most once per RefreshInterval. Errors never contain key material.
type SecretSigner struct {
	API       SecretsAPI
	SecretARN string
	// Now defaults to time.Now.
	Now func() time.Time

	mu        sync.Mutex
	signer    *sign.URLSigner
	lastFetch time.Time
	fetched   bool
}

func (s *SecretSigner) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Load reads the secret now, whatever the last read.
func (s *SecretSigner) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetchLocked(ctx)
}

func (s *SecretSigner) fetchLocked(ctx context.Context) error {
	s.lastFetch, s.fetched = s.now(), true
	out, err := s.API.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(s.SecretARN)})
	if err != nil {
		return fmt.Errorf("reading the signing key secret: %w", err)
	}
	if out.SecretString == nil {
		return errors.New("signing key secret has no SecretString")
	}
	keyPairID, key, err := ParseKeySecret(*out.SecretString)
	if err != nil {
		return err
	}
	s.signer = sign.NewURLSigner(keyPairID, key)
	return nil
}

// refreshLocked re-reads the secret unless it was read less than
// RefreshInterval ago.
func (s *SecretSigner) refreshLocked(ctx context.Context) (bool, error) {
	if s.fetched && s.now().Sub(s.lastFetch) < RefreshInterval {
		return false, nil
	}
	return true, s.fetchLocked(ctx)
}

// Sign signs rawURL with a canned policy expiring at expires.
func (s *SecretSigner) Sign(ctx context.Context, rawURL string, expires time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signer == nil {
		if _, err := s.refreshLocked(ctx); err != nil {
			return "", err
		}
		if s.signer == nil {
			return "", errors.New("no usable signing key (the secret was read less than a minute ago)")
		}
	}
	signed, err := s.signer.Sign(rawURL, expires)
	if err == nil {
		return signed, nil
	}
	refreshed, rerr := s.refreshLocked(ctx)
	if rerr != nil {
		s.signer = nil
		return "", fmt.Errorf("signing failed (%v); refreshing the key: %w", err, rerr)
	}
	if !refreshed {
		return "", fmt.Errorf("signing failed: %w", err)
	}
	return s.signer.Sign(rawURL, expires)
}

var keyPairIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// ParseKeySecret reads the secret's JSON. Its errors never quote the value.
func ParseKeySecret(secret string) (string, *rsa.PrivateKey, error) {
	var v struct {
		KeyPairID     string `json:"key_pair_id"`
		PrivateKeyPEM string `json:"private_key_pem"`
	}
	if err := json.Unmarshal([]byte(secret), &v); err != nil {
		return "", nil, errors.New("signing key secret is not JSON {\"key_pair_id\", \"private_key_pem\"}")
	}
	if !keyPairIDPattern.MatchString(v.KeyPairID) {
		return "", nil, errors.New("signing key secret: key_pair_id is missing or not a CloudFront public key id")
	}
	block, _ := pem.Decode([]byte(strings.TrimSpace(v.PrivateKeyPEM)))
	if block == nil {
		return "", nil, errors.New("signing key secret: private_key_pem is not PEM")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := sign.LoadPEMPrivKey(strings.NewReader(v.PrivateKeyPEM))
		if err != nil {
			return "", nil, errors.New("signing key secret: private_key_pem is not a valid PKCS #1 RSA key")
		}
		return v.KeyPairID, key, nil
	case "PRIVATE KEY":
		key, err := sign.LoadPEMPrivKeyPKCS8(strings.NewReader(v.PrivateKeyPEM))
		if err != nil {
			return "", nil, errors.New("signing key secret: private_key_pem is not a valid PKCS #8 key")
		}
		rsaKey, ok := key.(*rsa.PrivateKey)
		if !ok {
			return "", nil, errors.New("signing key secret: private_key_pem is not an RSA key")
		}
		return v.KeyPairID, rsaKey, nil
	default:
		return "", nil, fmt.Errorf("signing key secret: private_key_pem is a PEM %q block, want an RSA private key", block.Type)
	}
}
