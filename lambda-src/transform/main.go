// Command transform is the ingestion architecture's Firehose transformation Lambda (runtime provided.al2023; build
// the binary as "bootstrap", e.g. with -tags lambda.norpc). Firehose invokes it synchronously with batches of device
// records; it only wires lambda-src/internal/ingest.Transformer to the S3 client that reads the device registry.
//
// Environment:
//   - DEVICE_REGISTRY_URI (optional): s3://bucket/key of the device registry, a JSON object
//     {"<device id>": {"site": "...", "model": "..."}}. Unset: every well-formed device id is accepted, records
//     are not enriched.
//   - MAX_RECORD_BYTES (optional, default 131072): records above it are rejected as too_large.
//   - METRICS_NAMESPACE (optional): CloudWatch namespace of the per-invocation metrics line (embedded metric format).
//   - AWS_REGION and the standard AWS SDK variables (including AWS_ENDPOINT_URL) are honoured.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/ingest"
)

var _ ingest.S3GetAPI = (*s3.Client)(nil)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(logger)
	t, err := setup(context.Background(), logger, os.Getenv)
	if err != nil {
		logger.Error("refusing to start: " + err.Error())
		os.Exit(1)
	}
	lambda.Start(t.Handle)
}

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*ingest.Transformer, error) {
	t := &ingest.Transformer{Logger: logger, MetricsNamespace: getenv("METRICS_NAMESPACE")}
	if v := getenv("MAX_RECORD_BYTES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000<<10 {
			return nil, fmt.Errorf("MAX_RECORD_BYTES %q must be a number of bytes from 1 to 1024000 (Firehose's record limit)", v)
		}
		t.MaxRecordBytes = n
	}
	if uri := getenv("DEVICE_REGISTRY_URI"); uri != "" {
		bucket, key, err := ingest.ParseS3URI(uri)
		if err != nil {
			return nil, fmt.Errorf("DEVICE_REGISTRY_URI: %w", err)
		}
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("loading AWS configuration: %w", err)
		}
		// Path-style addressing only where an endpoint override (the local sandbox) is set.
		pathStyle := getenv("AWS_ENDPOINT_URL") != "" || getenv("AWS_ENDPOINT_URL_S3") != ""
		t.Devices = &ingest.S3Registry{API: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle }), Bucket: bucket, Key: key}
	}
	logger.Info("transform configured", "registry", getenv("DEVICE_REGISTRY_URI"), "max_record_bytes", t.MaxRecordBytes)
	return t, nil
}
