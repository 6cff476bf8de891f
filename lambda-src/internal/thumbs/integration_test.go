package thumbs

import (
	"bytes"
	"context"
	"image"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

// TestIntegrationThumbnailSandbox runs the handler with the real S3 client
// against the local sandbox (kumo): an upload with a space in its key, the
// notification's URL-encoded form of that key, the thumbnail read back.
func TestIntegrationThumbnailSandbox(t *testing.T) {
	sb := sandboxtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg, err := sb.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = true
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	const bucket = "myblog-media"
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	src := makeJPEG(t, 1600, 1200)
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("uploads/2024/my photo+1.jpg"), Body: bytes.NewReader(src)}); err != nil {
		t.Fatalf("PutObject: %v", err)
	}

	h := &Handler{S3: client, Config: testConfig(), Logger: slog.New(slog.NewJSONHandler(os.Stderr, nil))}
	h.Config.Width = DefaultWidth
	h.Config.MaxSourcePixels = DefaultMaxSourcePixels
	h.Config.MaxSourceBytes = DefaultMaxSourceBytes
	ev := s3Event("ObjectCreated:Put", bucket, "uploads/2024/my+photo%2B1.jpg", int64(len(src)))
	ev.Records = append(ev.Records, s3Event("ObjectCreated:Put", bucket, "thumbnails/2024/my+photo%2B1.jpg", 100).Records...)
	if err := h.Handle(ctx, ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}

	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("thumbnails/2024/my photo+1.jpg")})
	if err != nil {
		t.Fatalf("GetObject thumbnail: %v", err)
	}
	defer out.Body.Close()
	body, _ := io.ReadAll(out.Body)
	if ct := aws.ToString(out.ContentType); ct != "image/jpeg" {
		t.Errorf("Content-Type %q", ct)
	}
	c, f, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil || f != "jpeg" || c.Width != 320 || c.Height != 240 {
		t.Errorf("thumbnail %s %dx%d: %v", f, c.Width, c.Height, err)
	}
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.Contents); n != 2 {
		t.Errorf("bucket has %d objects, want the upload and one thumbnail", n)
	}
}
