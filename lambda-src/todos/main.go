// Command todos is the MyTodoList API Lambda (runtime provided.al2023; build
// the binary as "bootstrap", e.g. with -tags lambda.norpc).
//
// Environment:
//   - TABLE_NAME (required): DynamoDB table with partition key "owner" (S)
//     and sort key "id" (S).
//   - AWS_REGION and the standard AWS SDK variables (including
//     AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_DYNAMODB) are honoured by
//     config.LoadDefaultConfig.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/todos"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(logger)

	table := os.Getenv("TABLE_NAME")
	if table == "" {
		logger.Error("missing required environment variable TABLE_NAME; refusing to start")
		os.Exit(1)
	}

	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		logger.Error("loading AWS configuration failed", "error", err.Error())
		os.Exit(1)
	}

	h := todos.NewHandler(todos.NewDynamoStore(dynamodb.NewFromConfig(cfg), table))
	h.Logger = logger
	lambda.Start(h.Handle)
}
