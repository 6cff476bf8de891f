package catalog

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/redis/go-redis/v9"
)

// RedisCache is Cache over a Redis/Valkey client.
type RedisCache struct {
	Client redis.Cmdable
}

// Get returns the value of key; a missing key is a miss, not an error.
func (c *RedisCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	b, err := c.Client.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// Set stores value under key for ttl.
func (c *RedisCache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return c.Client.Set(ctx, key, value, ttl).Err()
}

// Delete drops key.
func (c *RedisCache) Delete(ctx context.Context, key string) error {
	return c.Client.Del(ctx, key).Err()
}

// Credentials are the cache user's, as the module stores them in Secrets Manager.
type Credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// SecretsAPI is the Secrets Manager call the function makes.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// LoadCredentials reads the cache user's credentials from a secret holding JSON {"username", "password"}.
func LoadCredentials(ctx context.Context, api SecretsAPI, secretARN string) (Credentials, error) {
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
	if err != nil {
		return Credentials{}, fmt.Errorf("cache credentials: %w", err)
	}
	var c Credentials
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &c); err != nil {
		return Credentials{}, errors.New("cache credentials: the secret is not JSON {\"username\", \"password\"}")
	}
	if c.Username == "" || c.Password == "" {
		return Credentials{}, errors.New("cache credentials: the secret lacks username or password")
	}
	return c, nil
}

// Timeouts of the cache client: short, so that an unreachable cache costs a request little and the handler falls back
// to the table.
const (
	DialTimeout = 500 * time.Millisecond
	IOTimeout   = 250 * time.Millisecond
)

// RedisOptions are the client options for the cache at endpoint (host:port), with TLS 1.2+ (verifying the
// endpoint's name) when useTLS, and AUTH as creds when creds.Username is set.
func RedisOptions(endpoint string, useTLS bool, creds Credentials) (*redis.Options, error) {
	host, _, err := net.SplitHostPort(endpoint)
	if err != nil {
		return nil, fmt.Errorf("cache endpoint %q: %w", endpoint, err)
	}
	o := &redis.Options{
		Addr:         endpoint,
		Username:     creds.Username,
		Password:     creds.Password,
		DialTimeout:  DialTimeout,
		ReadTimeout:  IOTimeout,
		WriteTimeout: IOTimeout,
		MaxRetries:   1,
		PoolSize:     4,
		// CLIENT SETINFO is not among the commands the cache user may run.
		DisableIdentity: true,
	}
	if useTLS {
		o.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	}
	return o, nil
}

// SecretCredentials hands go-redis the cache user's credentials for each new connection, reading the secret at most
// once per Refresh (default 5 minutes), so a rotated password reaches new connections without a cold start.
// A failed read keeps the last good credentials.
type SecretCredentials struct {
	API       SecretsAPI
	SecretARN string
	Refresh   time.Duration
	// Now defaults to time.Now.
	Now func() time.Time

	mu      sync.Mutex
	creds   Credentials
	fetched time.Time
}

// Get returns the credentials, re-reading the secret when they are older than Refresh.
func (s *SecretCredentials) Get(ctx context.Context) (string, string, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	refresh := s.Refresh
	if refresh <= 0 {
		refresh = 5 * time.Minute
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.creds.Username == "" || now().Sub(s.fetched) >= refresh {
		c, err := LoadCredentials(ctx, s.API, s.SecretARN)
		if err != nil && s.creds.Username == "" {
			return "", "", err
		}
		if err == nil {
			s.creds = c
		}
		s.fetched = now()
	}
	return s.creds.Username, s.creds.Password, nil
}
