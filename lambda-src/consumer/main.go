// Command consumer is the microservices' asynchronous consumer (runtime provided.al2023, binary "bootstrap",
// -tags lambda.norpc): SQS (SNS fan-out) and Kinesis batches of order events, with partial batch failures. It only
// wires lambda-src/internal/consumer together.
//
// Environment:
//   - EVENTS_TABLE: DynamoDB table (partition key "event_id") that stores each event once; empty only logs events.
//   - AWS_REGION and the standard AWS SDK variables.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/consumer"
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

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*consumer.Handler, error) {
	table := getenv("EVENTS_TABLE")
	if table == "" {
		logger.Info("consumer configured without a table: events are only logged")
		return &consumer.Handler{Sink: consumer.LogSink{Logger: logger}, Logger: logger}, nil
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	logger.Info("consumer configured", "events_table", table)
	return &consumer.Handler{Sink: &consumer.DynamoSink{API: dynamodb.NewFromConfig(cfg), Table: table}, Logger: logger}, nil
}
