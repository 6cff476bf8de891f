package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3GetAPI is the part of the S3 client the registry uses; *s3.Client implements it.
type S3GetAPI interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// MaxRegistryBytes bounds the registry document (about 100,000 devices).
const MaxRegistryBytes = 16 << 20

// S3Registry reads the device registry, a JSON object {"<device id>": {"site": "...", "model": "..."}}, from one S3
// object and keeps it for TTL. When a refresh fails it keeps serving the previous copy (and retries on the next
// invocation); only a cold start without any copy fails.
type S3Registry struct {
	API         S3GetAPI
	Bucket, Key string
	TTL         time.Duration // default 5 minutes
	Now         func() time.Time

	mu      sync.Mutex
	devices Devices
	loaded  time.Time
}

// ParseS3URI splits s3://bucket/key.
func ParseS3URI(uri string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	bucket, key, _ = strings.Cut(rest, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", fmt.Errorf("%q is not an s3://bucket/key URI", uri)
	}
	return bucket, key, nil
}

// Devices returns the registry, reading it again once TTL has passed.
func (r *S3Registry) Devices(ctx context.Context) (Devices, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	ttl := r.TTL
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.devices != nil && now().Sub(r.loaded) < ttl {
		return r.devices, nil
	}
	d, err := r.load(ctx)
	if err != nil {
		if r.devices != nil {
			return r.devices, nil
		}
		return nil, err
	}
	r.devices, r.loaded = d, now()
	return d, nil
}

func (r *S3Registry) load(ctx context.Context) (Devices, error) {
	out, err := r.API.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.Bucket), Key: aws.String(r.Key)})
	if err != nil {
		return nil, fmt.Errorf("reading s3://%s/%s: %w", r.Bucket, r.Key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, MaxRegistryBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading s3://%s/%s: %w", r.Bucket, r.Key, err)
	}
	if len(b) > MaxRegistryBytes {
		return nil, fmt.Errorf("s3://%s/%s is larger than %d bytes", r.Bucket, r.Key, MaxRegistryBytes)
	}
	var raw map[string]Device
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("s3://%s/%s is not a JSON object of devices: %w", r.Bucket, r.Key, err)
	}
	d := make(Devices, len(raw))
	for id, dev := range raw {
		d[strings.ToLower(strings.TrimSpace(id))] = dev
	}
	return d, nil
}

// StaticDevices is a fixed registry (tests, or a registry compiled into configuration).
type StaticDevices Devices

// Devices returns the fixed registry.
func (s StaticDevices) Devices(context.Context) (Devices, error) { return Devices(s), nil }
