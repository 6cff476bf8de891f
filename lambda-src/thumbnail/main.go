// Command thumbnail is the MyBlog thumbnail Lambda (runtime provided.al2023;
// build the binary as "bootstrap", e.g. with -tags lambda.norpc). It is
// invoked by S3 ObjectCreated notifications and only wires
// lambda-src/internal/thumbs to the S3 client.
//
// Environment (all optional; see thumbs.ConfigFromEnv):
//   - UPLOADS_PREFIX (default "uploads/"): only keys under it are thumbnailed.
//   - THUMBNAILS_PREFIX (default "thumbnails/"): where thumbnails are written,
//     in the same bucket, as THUMBNAILS_PREFIX + key relative to
//     UPLOADS_PREFIX. Must not overlap UPLOADS_PREFIX (the function refuses to
//     start), so a thumbnail never triggers the function again. Both end in
//     "/". Scope the bucket notification to UPLOADS_PREFIX as well.
//   - THUMBNAIL_WIDTH (default 320): thumbnail width in pixels; smaller
//     images keep their size.
//   - MAX_SOURCE_BYTES (default 20971520): larger objects are skipped.
//   - MAX_SOURCE_PIXELS (default 50000000): images whose header claims more
//     pixels are skipped before decoding.
//   - AWS_LAMBDA_FUNCTION_MEMORY_SIZE (set by Lambda; default 1024): images
//     whose decoding and resizing would allocate more than a third of it
//     are skipped before decoding (thumbs.Config.MemoryBudget). That counts
//     bytes, not pixels: 4 a pixel for an 8-bit PNG, 8 for a 16-bit RGBA
//     one; a large JPEG is decoded already shrunk by up to 8 each way, but
//     a progressive one keeps 4 bytes of coefficients a sample (about 72 MB
//     for 12 megapixels in 4:2:0). At 128 MB the budget is 42 MiB: an 8-bit
//     PNG of 10 megapixels, a 16-bit one of 4, any baseline JPEG within
//     MAX_SOURCE_PIXELS. At 1024 MB it is 341 MiB.
//   - AWS_REGION and the standard AWS SDK variables (including
//     AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3) are honoured by
//     config.LoadDefaultConfig; AWS_S3_USE_PATH_STYLE=true selects
//     path-style addressing (for local emulators).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/thumbs"
)

var _ thumbs.S3API = (*s3.Client)(nil)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(logger)
	h, err := setup(context.Background(), logger, os.Getenv)
	if err != nil {
		logger.Error("refusing to start: " + err.Error())
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*thumbs.Handler, error) {
	c, err := thumbs.ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = getenv("AWS_S3_USE_PATH_STYLE") == "true"
		// Keep stderr pure JSON: the SDK otherwise prints a plain-text DEBUG
		// line for every GetObject whose response carries no checksum
		// (objects stored without one, and local emulators).
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	logger.Info("thumbnail handler configured",
		"uploads_prefix", c.UploadsPrefix,
		"thumbnails_prefix", c.ThumbnailsPrefix,
		"width", c.Width,
		"max_source_bytes", c.MaxSourceBytes,
		"max_source_pixels", c.MaxSourcePixels,
		"memory_mb", c.MemoryMB,
		"memory_budget_bytes", c.MemoryBudget())
	return &thumbs.Handler{S3: client, Config: c, Logger: logger}, nil
}
