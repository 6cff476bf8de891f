// Command catalog is microservices service B (runtime provided.al2023, binary "bootstrap", -tags lambda.norpc): a
// REST API over the items table, read through an ElastiCache (Valkey/Redis) cache. It only wires
// lambda-src/internal/catalog together.
//
// Environment:
//   - ITEMS_TABLE (required): DynamoDB table, partition key "id" (S).
//   - CACHE_ENDPOINT (required): host:port of the cache's primary endpoint.
//   - CACHE_TLS (default true): TLS 1.2+ to the cache, verifying its name.
//   - CACHE_SECRET_ARN: Secrets Manager secret {"username", "password"} of the cache user, read at cold start and
//     every 5 minutes for new connections; empty connects without AUTH (a local redis-server only).
//   - CACHE_TTL_SECONDS (default 300): how long an item stays cached.
//   - AWS_REGION and the standard AWS SDK variables.
//
// The function starts even when the cache or its secret cannot be reached: it then answers from the table and logs
// that it is degraded.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/redis/go-redis/v9"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/catalog"
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

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*catalog.Handler, error) {
	conf, err := catalog.ParseConfig(getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	h := &catalog.Handler{
		Store:  &catalog.DynamoStore{API: dynamodb.NewFromConfig(cfg), Table: conf.Table},
		TTL:    conf.TTL,
		Logger: logger,
	}

	var creds catalog.Credentials
	secrets := &catalog.SecretCredentials{API: secretsmanager.NewFromConfig(cfg), SecretARN: conf.CacheSecretARN}
	if conf.CacheSecretARN != "" {
		u, p, err := secrets.Get(ctx)
		if err != nil {
			logger.Error("cache credentials unavailable; serving from the table only (degraded)", "error", err.Error())
			return h, nil
		}
		creds = catalog.Credentials{Username: u, Password: p}
	}
	opts, err := catalog.RedisOptions(conf.CacheEndpoint, conf.CacheTLS, creds)
	if err != nil {
		return nil, err
	}
	if conf.CacheSecretARN != "" {
		opts.Username, opts.Password = "", ""
		opts.CredentialsProviderContext = secrets.Get
	}
	// go-redis connects lazily: an unreachable cache does not stop the function from starting.
	h.Cache = &catalog.RedisCache{Client: redis.NewClient(opts)}
	logger.Info("catalog handler configured", "table", conf.Table, "cache_endpoint", conf.CacheEndpoint,
		"cache_tls", conf.CacheTLS, "cache_auth", conf.CacheSecretARN != "", "ttl", conf.TTL.String())
	return h, nil
}
