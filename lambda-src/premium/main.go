// Command premium is the Paid content signed-URL API Lambda (runtime
// provided.al2023, binary "bootstrap", -tags lambda.norpc). It only wires
// lambda-src/internal/{premium,auth} together.
//
// Environment:
//   - PREMIUM_TABLE (required): DynamoDB table, partition key "user_id" (S),
//     attributes "premium" (BOOL) and optional "premium_until" (RFC 3339).
//   - SIGNING_SECRET_ARN (required): Secrets Manager secret of a
//     refarch_signed_url_keypair, JSON {"key_pair_id", "private_key_pem"};
//     read at cold start and cached.
//   - CONTENT_BASE_URL (required): the distribution's public base URL,
//     e.g. https://d111111abcdef8.cloudfront.net.
//   - VIDEO_PREFIX (default "videos/"), URL_TTL (Go duration, default 5m,
//     1m..12h).
//   - USER_POOL_ID, USER_POOL_CLIENT_ID (required): the Cognito pool and
//     client whose ID tokens identify callers (see auth.IssuerURL).
//   - AWS_REGION and the standard AWS SDK variables.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/premium"
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

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*premium.Handler, error) {
	env := map[string]string{}
	for _, name := range []string{"PREMIUM_TABLE", "SIGNING_SECRET_ARN", "USER_POOL_ID", "USER_POOL_CLIENT_ID"} {
		if env[name] = getenv(name); env[name] == "" {
			return nil, fmt.Errorf("missing required environment variable %s", name)
		}
	}
	conf, err := premium.ParseConfig(getenv)
	if err != nil {
		return nil, err
	}
	issuer, err := auth.IssuerURL(env["USER_POOL_ID"], getenv)
	if err != nil {
		return nil, err
	}
	verifier, err := auth.NewVerifier(ctx, auth.VerifierConfig{Issuer: issuer, ClientID: env["USER_POOL_CLIENT_ID"], Logger: logger})
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	signer := &premium.SecretSigner{API: secretsmanager.NewFromConfig(cfg), SecretARN: env["SIGNING_SECRET_ARN"]}
	if err := signer.Load(ctx); err != nil {
		return nil, err
	}
	logger.Info("premium handler configured",
		"table", env["PREMIUM_TABLE"], "content_base_url", conf.ContentBaseURL,
		"video_prefix", conf.VideoPrefix, "url_ttl", conf.TTL.String(), "issuer", issuer)
	return &premium.Handler{
		Config: conf,
		Auth:   &auth.Authenticator{Verifier: verifier},
		Users:  &premium.DynamoUsers{API: dynamodb.NewFromConfig(cfg), Table: env["PREMIUM_TABLE"]},
		Signer: signer,
		Logger: logger,
	}, nil
}
