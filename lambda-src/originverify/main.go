// Command originverify is the API Gateway REQUEST authorizer that keeps an API reachable only through its CloudFront
// distribution (runtime provided.al2023, binary "bootstrap", -tags lambda.norpc). It only wires
// lambda-src/internal/originverify to Secrets Manager.
//
// Environment:
//   - HEADER_NAME (required): the origin header the distribution adds, e.g. X-Origin-Verify.
//   - SECRET_ARN (required): Secrets Manager secret whose AWSCURRENT value the header must carry; read at cold
//     start and cached (see originverify.SecretStore).
//   - ACCEPT_PREVIOUS (optional, "true" or "false", default "false"): also accept the AWSPREVIOUS value (the one
//     before the last rotation).
//   - AWS_REGION and the standard AWS SDK variables.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/originverify"
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

var headerName = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*originverify.Handler, error) {
	header, secretARN := getenv("HEADER_NAME"), getenv("SECRET_ARN")
	if !headerName.MatchString(header) {
		return nil, fmt.Errorf("HEADER_NAME must be a header name of 1-64 letters, digits or '-', got %q", header)
	}
	if secretARN == "" {
		return nil, fmt.Errorf("missing required environment variable SECRET_ARN")
	}
	acceptPrevious := false
	switch v := getenv("ACCEPT_PREVIOUS"); v {
	case "", "false":
	case "true":
		acceptPrevious = true
	default:
		return nil, fmt.Errorf("ACCEPT_PREVIOUS must be \"true\" or \"false\", got %q", v)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	store := &originverify.SecretStore{API: secretsmanager.NewFromConfig(cfg), SecretID: secretARN, AcceptPrevious: acceptPrevious}
	if err := store.Load(ctx); err != nil {
		return nil, err
	}
	logger.Info("origin verify authorizer configured", "header", header, "secret_arn", secretARN, "accept_previous", acceptPrevious)
	return &originverify.Handler{Header: header, Verifier: store, Logger: logger}, nil
}
