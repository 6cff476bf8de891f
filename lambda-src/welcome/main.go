// Command welcome is the MyBlog welcome-mail Lambda (runtime provided.al2023;
// build the binary as "bootstrap", e.g. with -tags lambda.norpc). It is
// invoked by a DynamoDB Streams event source mapping on the users table
// (stream view NEW_IMAGE or NEW_AND_OLD_IMAGES, FunctionResponseTypes =
// ["ReportBatchItemFailures"], an on-failure destination) and only wires
// lambda-src/internal/mail to the SES v1 client.
//
// Environment:
//   - SENDER_ADDRESS (required): the verified SES identity mails come from,
//     e.g. "MyBlog <hello@example.com>".
//   - SITE_NAME (optional, default "MyBlog"): how the mail names the blog.
//   - SES_CONFIGURATION_SET (optional): passed to SendEmail.
//   - AWS_REGION and the standard AWS SDK variables (including
//     AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SES) are honoured by
//     config.LoadDefaultConfig.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/mail"
)

var _ mail.SESAPI = (*ses.Client)(nil)

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

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*mail.Handler, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	h, err := mail.NewHandler(ses.NewFromConfig(cfg), getenv("SENDER_ADDRESS"))
	if err != nil {
		return nil, err
	}
	h.Site = getenv("SITE_NAME")
	h.ConfigurationSet = getenv("SES_CONFIGURATION_SET")
	h.Logger = logger
	logger.Info("welcome handler configured", "sender", h.Sender, "site", h.Site, "configuration_set", h.ConfigurationSet)
	return h, nil
}
