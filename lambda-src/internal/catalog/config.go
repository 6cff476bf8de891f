package catalog

import (
	"fmt"
	"net"
	"strconv"
	"time"
)

// Config is the function's configuration, from its environment.
type Config struct {
	// Table is the items table (ITEMS_TABLE, required).
	Table string
	// CacheEndpoint is host:port of the cache's primary endpoint (CACHE_ENDPOINT, required).
	CacheEndpoint string
	// CacheTLS requires TLS to the cache (CACHE_TLS, default true; only a local redis-server sets it false).
	CacheTLS bool
	// CacheSecretARN names the Secrets Manager secret with the cache user's {"username", "password"}
	// (CACHE_SECRET_ARN; empty connects without AUTH, for a local redis-server only).
	CacheSecretARN string
	// TTL of cached items (CACHE_TTL_SECONDS, default 300, 1-86400).
	TTL time.Duration
}

// ParseConfig reads Config from getenv (os.Getenv in the function).
func ParseConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Table:          getenv("ITEMS_TABLE"),
		CacheEndpoint:  getenv("CACHE_ENDPOINT"),
		CacheSecretARN: getenv("CACHE_SECRET_ARN"),
		CacheTLS:       true,
		TTL:            300 * time.Second,
	}
	if c.Table == "" {
		return c, fmt.Errorf("%w ITEMS_TABLE", ErrNotConfigured)
	}
	if c.CacheEndpoint == "" {
		return c, fmt.Errorf("%w CACHE_ENDPOINT", ErrNotConfigured)
	}
	if _, port, err := net.SplitHostPort(c.CacheEndpoint); err != nil || port == "" {
		return c, fmt.Errorf("CACHE_ENDPOINT %q must be host:port", c.CacheEndpoint)
	}
	if v := getenv("CACHE_TLS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("CACHE_TLS %q must be true or false", v)
		}
		c.CacheTLS = b
	}
	if v := getenv("CACHE_TTL_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 86400 {
			return c, fmt.Errorf("CACHE_TTL_SECONDS %q must be a whole number of seconds from 1 to 86400", v)
		}
		c.TTL = time.Duration(n) * time.Second
	}
	return c, nil
}
