// Command posts is the MyBlog public posts API Lambda (runtime
// provided.al2023, binary "bootstrap", -tags lambda.norpc). It only wires
// lambda-src/internal/posts to DynamoDB or DAX.
//
// Environment:
//   - TABLE_NAME (required): the posts table, partition key "id" (S).
//   - DAX_ENDPOINT (optional): a DAX cluster endpoint (dax:// or daxs://);
//     reads then go through DAX's item and query caches.
//   - CACHE_SECONDS (optional, 0..86400, default 60): max-age of successful
//     responses for browsers and shared caches.
//   - AWS_REGION and the standard AWS SDK variables (AWS_ENDPOINT_URL…).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/aws/aws-dax-go-v2/dax"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/posts"
)

var (
	_ posts.DynamoAPI = (*dynamodb.Client)(nil)
	_ posts.DynamoAPI = (*dax.Dax)(nil)
)

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

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*posts.Handler, error) {
	table := getenv("TABLE_NAME")
	if table == "" {
		return nil, fmt.Errorf("missing required environment variable TABLE_NAME")
	}
	cacheSeconds := 60
	if v := getenv("CACHE_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 86400 {
			return nil, fmt.Errorf("CACHE_SECONDS=%q must be a whole number of seconds from 0 to 86400", v)
		}
		cacheSeconds = n
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	var client posts.DynamoAPI = dynamodb.NewFromConfig(cfg)
	if endpoint := getenv("DAX_ENDPOINT"); endpoint != "" {
		d, err := dax.NewFromConfig(cfg, endpoint)
		if err != nil {
			return nil, fmt.Errorf("DAX client for %s: %w", endpoint, err)
		}
		client = d
	}
	logger.Info("posts handler configured", "table", table, "dax", getenv("DAX_ENDPOINT") != "", "cache_seconds", cacheSeconds)
	return &posts.Handler{Store: &posts.DynamoStore{Client: client, Table: table}, CacheSeconds: cacheSeconds, Logger: logger}, nil
}
