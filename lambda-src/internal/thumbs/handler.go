// Package thumbs makes thumbnails of images uploaded to S3 (MyBlog,
// architecture 172): an S3 ObjectCreated notification for a key under the
// uploads prefix → GetObject → decode JPEG/PNG (dimensions checked before
// decoding) → resize to a fixed width → PutObject of the same format under
// the thumbnails prefix, in the same bucket.
package thumbs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Defaults for Config, as documented on the thumbnail Lambda.
const (
	DefaultUploadsPrefix    = "uploads/"
	DefaultThumbnailsPrefix = "thumbnails/"
	DefaultWidth            = 320
	DefaultMaxSourceBytes   = 20 << 20
	DefaultMaxSourcePixels  = 50_000_000
	// MaxWidth bounds THUMBNAIL_WIDTH so a typo cannot ask for a huge
	// "thumbnail".
	MaxWidth = 4096
)

// S3API is the part of the S3 client the handler uses; *s3.Client
// implements it.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// Config is the handler's configuration.
type Config struct {
	UploadsPrefix    string
	ThumbnailsPrefix string
	Width            int
	MaxSourceBytes   int64
	MaxSourcePixels  int64
	// MemoryMB is the function's memory size, which bounds what one image
	// may allocate (MemoryBudget); 0 means DefaultMemoryMB.
	MemoryMB int
}

// Validate fails on a configuration that could loop (thumbnails written
// where they trigger the function again) or is out of range.
func (c Config) Validate() error {
	switch {
	case c.UploadsPrefix == "" || c.ThumbnailsPrefix == "":
		return errors.New("UPLOADS_PREFIX and THUMBNAILS_PREFIX must not be empty (an empty uploads prefix would include the thumbnails)")
	case !strings.HasSuffix(c.UploadsPrefix, "/") || !strings.HasSuffix(c.ThumbnailsPrefix, "/"):
		return fmt.Errorf("UPLOADS_PREFIX=%q and THUMBNAILS_PREFIX=%q must both end in \"/\"", c.UploadsPrefix, c.ThumbnailsPrefix)
	case strings.HasPrefix(c.UploadsPrefix, "/") || strings.HasPrefix(c.ThumbnailsPrefix, "/"):
		return fmt.Errorf("UPLOADS_PREFIX=%q and THUMBNAILS_PREFIX=%q must not start with \"/\" (S3 keys have no leading slash)", c.UploadsPrefix, c.ThumbnailsPrefix)
	case strings.HasPrefix(c.ThumbnailsPrefix, c.UploadsPrefix):
		return fmt.Errorf("THUMBNAILS_PREFIX=%q is inside UPLOADS_PREFIX=%q: every thumbnail would trigger the function again", c.ThumbnailsPrefix, c.UploadsPrefix)
	case strings.HasPrefix(c.UploadsPrefix, c.ThumbnailsPrefix):
		return fmt.Errorf("UPLOADS_PREFIX=%q is inside THUMBNAILS_PREFIX=%q: every upload would be ignored as a thumbnail", c.UploadsPrefix, c.ThumbnailsPrefix)
	case c.Width < 1 || c.Width > MaxWidth:
		return fmt.Errorf("THUMBNAIL_WIDTH=%d is not between 1 and %d", c.Width, MaxWidth)
	case c.MaxSourceBytes < 1:
		return fmt.Errorf("MAX_SOURCE_BYTES=%d must be positive", c.MaxSourceBytes)
	case c.MaxSourcePixels < 1:
		return fmt.Errorf("MAX_SOURCE_PIXELS=%d must be positive", c.MaxSourcePixels)
	case c.MemoryMB != 0 && (c.MemoryMB < MinMemoryMB || c.MemoryMB > MaxMemoryMB):
		return fmt.Errorf("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%d is not between %d and %d (MB)", c.MemoryMB, MinMemoryMB, MaxMemoryMB)
	}
	return nil
}

// ConfigFromEnv reads UPLOADS_PREFIX, THUMBNAILS_PREFIX, THUMBNAIL_WIDTH,
// MAX_SOURCE_BYTES, MAX_SOURCE_PIXELS and the function's memory size, which
// Lambda sets as AWS_LAMBDA_FUNCTION_MEMORY_SIZE (unset or empty → default),
// and validates the result.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		UploadsPrefix:    DefaultUploadsPrefix,
		ThumbnailsPrefix: DefaultThumbnailsPrefix,
		Width:            DefaultWidth,
		MaxSourceBytes:   DefaultMaxSourceBytes,
		MaxSourcePixels:  DefaultMaxSourcePixels,
		MemoryMB:         DefaultMemoryMB,
	}
	if v := getenv("UPLOADS_PREFIX"); v != "" {
		c.UploadsPrefix = v
	}
	if v := getenv("THUMBNAILS_PREFIX"); v != "" {
		c.ThumbnailsPrefix = v
	}
	for _, n := range []struct {
		name string
		dst  *int64
	}{{"MAX_SOURCE_BYTES", &c.MaxSourceBytes}, {"MAX_SOURCE_PIXELS", &c.MaxSourcePixels}} {
		if v := getenv(n.name); v != "" {
			i, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return Config{}, fmt.Errorf("%s=%q is not a whole number", n.name, v)
			}
			*n.dst = i
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"THUMBNAIL_WIDTH", &c.Width}, {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", &c.MemoryMB}} {
		if v := getenv(n.name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil {
				return Config{}, fmt.Errorf("%s=%q is not a whole number", n.name, v)
			}
			*n.dst = i
		}
	}
	return c, c.Validate()
}

// Handler handles S3 event notifications.
type Handler struct {
	S3     S3API
	Config Config
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

// Handle processes every record. Objects that are skipped or rejected (wrong
// prefix, not an image, too large, corrupt...) are logged and count as done;
// S3 errors are returned (joined) so Lambda retries the asynchronous
// invocation. Re-processing a record is harmless: the thumbnail is
// overwritten with the same bytes.
func (h *Handler) Handle(ctx context.Context, ev events.S3Event) error {
	var errs []error
	for i, rec := range ev.Records {
		log := h.logger().With("record", i, "event", rec.EventName, "bucket", rec.S3.Bucket.Name, "raw_key", rec.S3.Object.Key)
		out, err := h.record(ctx, rec)
		var rej *RejectError
		switch {
		case err == nil && out == "":
			// skipped; record() logged why
		case err == nil:
			log.Info("thumbnail written", "thumbnail_key", out)
		case errors.As(err, &rej):
			log.Warn("object not thumbnailed", "reason", rej.Reason)
		default:
			log.Error("thumbnail failed, will be retried", "error", err.Error())
			errs = append(errs, fmt.Errorf("record %d (s3://%s/%s): %w", i, rec.S3.Bucket.Name, rec.S3.Object.Key, err))
		}
	}
	return errors.Join(errs...)
}

// record returns the key written, "" for a skipped record, or an error
// (*RejectError for permanent rejections).
func (h *Handler) record(ctx context.Context, rec events.S3EventRecord) (string, error) {
	if !strings.HasPrefix(rec.EventName, "ObjectCreated:") && !strings.HasPrefix(rec.EventName, "s3:ObjectCreated:") {
		return "", reject("event %q is not ObjectCreated", rec.EventName)
	}
	if rec.S3.Bucket.Name == "" {
		return "", reject("record has no bucket name")
	}
	key, err := DecodeKey(rec.S3.Object.Key)
	if err != nil {
		return "", err
	}
	dst, err := h.Config.ThumbnailKey(key)
	if err != nil {
		return "", err
	}
	if rec.S3.Object.Size > h.Config.MaxSourceBytes {
		return "", reject("object is %d bytes, more than MAX_SOURCE_BYTES=%d", rec.S3.Object.Size, h.Config.MaxSourceBytes)
	}

	in := &s3.GetObjectInput{Bucket: aws.String(rec.S3.Bucket.Name), Key: aws.String(key)}
	if v := rec.S3.Object.VersionID; v != "" {
		in.VersionId = aws.String(v)
	}
	obj, err := h.S3.GetObject(ctx, in)
	if err != nil {
		return "", fmt.Errorf("GetObject %s: %w", key, err)
	}
	data, err := readLimited(obj, h.Config.MaxSourceBytes)
	if err != nil {
		return "", err
	}
	thumb, f, err := Thumbnail(data, h.Config.Width, h.Config.Limits())
	if err != nil {
		return "", err
	}
	_, err = h.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(rec.S3.Bucket.Name),
		Key:           aws.String(dst),
		Body:          bytes.NewReader(thumb),
		ContentLength: aws.Int64(int64(len(thumb))),
		ContentType:   aws.String(f.ContentType()),
		Metadata:      map[string]string{"source-key": key},
	})
	if err != nil {
		return "", fmt.Errorf("PutObject %s: %w", dst, err)
	}
	return dst, nil
}

// readLimited reads the object body, refusing more than limit bytes whether
// or not the response declares its length.
func readLimited(obj *s3.GetObjectOutput, limit int64) ([]byte, error) {
	if obj == nil || obj.Body == nil {
		return nil, errors.New("GetObject returned no body")
	}
	defer obj.Body.Close()
	if n := aws.ToInt64(obj.ContentLength); n > limit {
		return nil, reject("object is %d bytes, more than MAX_SOURCE_BYTES=%d", n, limit)
	}
	data, err := io.ReadAll(io.LimitReader(obj.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading object: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, reject("object is more than MAX_SOURCE_BYTES=%d bytes", limit)
	}
	return data, nil
}

// DecodeKey undoes the URL encoding of keys in S3 event notifications ('+'
// is a space, "%2B" a plus) and rejects keys that are absolute or contain
// "." / ".." segments, which could escape the prefixes once joined.
func DecodeKey(raw string) (string, error) {
	key, err := url.QueryUnescape(raw)
	if err != nil {
		return "", reject("key %q is not validly URL-encoded: %v", raw, err)
	}
	switch {
	case key == "":
		return "", reject("empty key")
	case strings.HasPrefix(key, "/"):
		return "", reject("absolute key %q", key)
	case strings.ContainsRune(key, 0):
		return "", reject("key %q contains NUL", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == ".." || seg == "." {
			return "", reject("key %q has a %q segment", key, seg)
		}
	}
	return key, nil
}

// ThumbnailKey maps a decoded source key to its thumbnail key: thumbnails
// prefix + the key relative to the uploads prefix. Keys under the thumbnails
// prefix or outside the uploads prefix are rejected (this is what prevents
// recursion), as are "folder" keys ending in "/".
func (c Config) ThumbnailKey(key string) (string, error) {
	switch {
	case strings.HasPrefix(key, c.ThumbnailsPrefix):
		return "", reject("key %q is already under THUMBNAILS_PREFIX=%q", key, c.ThumbnailsPrefix)
	case !strings.HasPrefix(key, c.UploadsPrefix):
		return "", reject("key %q is outside UPLOADS_PREFIX=%q", key, c.UploadsPrefix)
	case strings.HasSuffix(key, "/"):
		return "", reject("key %q is a folder marker", key)
	}
	return c.ThumbnailsPrefix + strings.TrimPrefix(key, c.UploadsPrefix), nil
}
