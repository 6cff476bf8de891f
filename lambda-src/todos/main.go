// Command todos is the MyTodoList API Lambda (runtime provided.al2023; build
// the binary as "bootstrap", e.g. with -tags lambda.norpc). It only wires
// the pieces in lambda-src/internal/{todos,auth} together.
//
// Environment:
//   - TABLE_NAME (required): DynamoDB table with partition key "owner" (S)
//     and sort key "id" (S).
//   - USER_POOL_ID, USER_POOL_CLIENT_ID (required): the Cognito user pool
//     and app client whose ID tokens identify callers. The token issuer and
//     JWKS URL derive from them (see auth.IssuerURL, which also reads
//     AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL /
//     AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, as the SDK does).
//   - DAX_ENDPOINT (optional): a DAX cluster endpoint, e.g.
//     dax://my-cluster.xxxx.dax-clusters.us-east-1.amazonaws.com (or
//     daxs:// for an encrypted cluster); DynamoDB calls then go through DAX.
//   - READ_CACHE_TTL (optional, Go duration or whole seconds, default "2s",
//     "0" disables): lifetime of the in-function per-owner read cache.
//   - AWS_REGION and the standard AWS SDK variables (including
//     AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_DYNAMODB) are honoured by
//     config.LoadDefaultConfig.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-dax-go-v2/dax"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/todos"
)

// Both clients satisfy the store's interface.
var (
	_ todos.DynamoAPI = (*dynamodb.Client)(nil)
	_ todos.DynamoAPI = (*dax.Dax)(nil)
)

const defaultReadCacheTTL = "2s"

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(logger)
	h, err := setup(context.Background(), logger)
	if err != nil {
		logger.Error("refusing to start: " + err.Error())
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}

func setup(ctx context.Context, logger *slog.Logger) (*todos.Handler, error) {
	env := map[string]string{}
	for _, name := range []string{"TABLE_NAME", "USER_POOL_ID", "USER_POOL_CLIENT_ID"} {
		if env[name] = os.Getenv(name); env[name] == "" {
			return nil, fmt.Errorf("missing required environment variable %s", name)
		}
	}
	ttl, err := parseTTL(os.Getenv("READ_CACHE_TTL"))
	if err != nil {
		return nil, err
	}

	issuer, err := auth.IssuerURL(env["USER_POOL_ID"], os.Getenv)
	if err != nil {
		return nil, err
	}
	verifier, err := auth.NewVerifier(ctx, auth.VerifierConfig{
		Issuer:   issuer,
		ClientID: env["USER_POOL_CLIENT_ID"],
		Logger:   logger,
	})
	if err != nil {
		return nil, err
	}

	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	var store todos.Store
	if endpoint := os.Getenv("DAX_ENDPOINT"); endpoint != "" {
		client, err := dax.NewFromConfig(cfg, endpoint)
		if err != nil {
			return nil, fmt.Errorf("DAX client for %s: %w", endpoint, err)
		}
		store = todos.NewDynamoStore(client, env["TABLE_NAME"], todos.WithEventuallyConsistentGets())
	} else {
		store = todos.NewDynamoStore(dynamodb.NewFromConfig(cfg), env["TABLE_NAME"])
	}
	if ttl > 0 {
		store = todos.NewCachedStore(store, todos.CacheOptions{TTL: ttl})
	}

	logger.Info("todos handler configured",
		"table", env["TABLE_NAME"],
		"user_pool_id", env["USER_POOL_ID"],
		"issuer", issuer,
		"dax", os.Getenv("DAX_ENDPOINT") != "",
		"read_cache_ttl", ttl.String())

	h := todos.NewHandler(store, &auth.Authenticator{Verifier: verifier})
	h.Logger = logger
	return h, nil
}

// parseTTL reads READ_CACHE_TTL: a Go duration ("2s", "500ms") or a whole
// number of seconds ("2", as the mytodolist module's read_cache_ttl_seconds
// passes it); "0" disables the cache and "" means the default.
func parseTTL(s string) (time.Duration, error) {
	if s == "" {
		s = defaultReadCacheTTL
	}
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("READ_CACHE_TTL=%q is neither a duration ≥ 0 (\"2s\") nor whole seconds (\"2\"); \"0\" disables the cache", s)
	}
	return d, nil
}
