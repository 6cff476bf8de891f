// Package premium serves the Paid content API (architecture 174): premium
// users get short-lived CloudFront signed URLs for videos.
package premium

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Defaults and bounds of the configuration.
const (
	DefaultVideoPrefix = "videos/"
	DefaultURLTTL      = 5 * time.Minute
	MinURLTTL          = time.Minute
	MaxURLTTL          = 12 * time.Hour
	// MaxVideoIDBytes bounds a video id.
	MaxVideoIDBytes = 128
)

// Config is what the handler needs besides its clients.
type Config struct {
	// ContentBaseURL is the distribution's public base URL as viewers
	// request it, e.g. https://d111111abcdef8.cloudfront.net (no trailing
	// slash, no query). The signed resource is exactly this URL + path.
	ContentBaseURL string
	// VideoPrefix is the object key prefix of the videos ("videos/").
	VideoPrefix string
	// TTL is the lifetime of a signed URL.
	TTL time.Duration
}

var prefixPattern = regexp.MustCompile(`^([A-Za-z0-9._-]+/)*$`)

// ParseConfig reads CONTENT_BASE_URL (required), VIDEO_PREFIX (default
// "videos/") and URL_TTL (Go duration, default 5m, 1m..12h).
func ParseConfig(getenv func(string) string) (Config, error) {
	c := Config{ContentBaseURL: strings.TrimRight(getenv("CONTENT_BASE_URL"), "/"), VideoPrefix: getenv("VIDEO_PREFIX")}
	if err := validateBaseURL(c.ContentBaseURL); err != nil {
		return Config{}, fmt.Errorf("CONTENT_BASE_URL: %w", err)
	}
	if c.VideoPrefix == "" {
		c.VideoPrefix = DefaultVideoPrefix
	}
	if !prefixPattern.MatchString(c.VideoPrefix) || strings.Contains(c.VideoPrefix, "..") {
		return Config{}, fmt.Errorf("VIDEO_PREFIX=%q: want path segments of letters, digits, '.', '_' or '-', each ending in '/', such as \"videos/\"", c.VideoPrefix)
	}
	c.TTL = DefaultURLTTL
	if s := getenv("URL_TTL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return Config{}, fmt.Errorf("URL_TTL=%q is not a Go duration such as \"5m\"", s)
		}
		c.TTL = d
	}
	if c.TTL < MinURLTTL || c.TTL > MaxURLTTL {
		return Config{}, fmt.Errorf("URL_TTL=%s is outside %s..%s", c.TTL, MinURLTTL, MaxURLTTL)
	}
	return c, nil
}

func validateBaseURL(s string) error {
	if s == "" {
		return errors.New("required, e.g. https://d111111abcdef8.cloudfront.net")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL", s)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%q: want an https:// (or, locally, http://) URL", s)
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?"):
		return fmt.Errorf("%q: want scheme://host[/path] without user info, query or fragment", s)
	}
	return nil
}

var videoIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// ValidVideoID reports whether id is an acceptable video id: 1 to 128
// letters, digits, '.', '_' or '-', starting with a letter or digit, and no
// "..". Slashes, percent-encodings and every other character are refused, so
// an id can never leave the video prefix.
func ValidVideoID(id string) bool {
	return videoIDPattern.MatchString(id) && !strings.Contains(id, "..")
}

// VideoURL is the unsigned URL of a video (id must be valid).
func (c Config) VideoURL(id string) string {
	return c.ContentBaseURL + "/" + c.VideoPrefix + id
}
