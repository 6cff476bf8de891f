// Command recorder is a test function for the event source pollers: it forwards every SQS message body or stream
// record's key to the queue named by RECORD_QUEUE_URL and reports SQS messages whose body is "poison" as failed.
package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

type record struct {
	EventSource string `json:"eventSource"`
	MessageID   string `json:"messageId"`
	Body        string `json:"body"`
	EventName   string `json:"eventName"`
	Dynamodb    struct {
		Keys map[string]map[string]string `json:"Keys"`
	} `json:"dynamodb"`
}

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		panic(err)
	}
	c := sqs.NewFromConfig(cfg)
	out := os.Getenv("RECORD_QUEUE_URL")
	lambda.Start(func(ctx context.Context, ev struct{ Records []record }) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			if r.EventSource == "aws:sqs" && r.Body == "poison" {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageID})
				continue
			}
			body := r.Body
			if r.EventSource == "aws:dynamodb" {
				b, _ := json.Marshal(map[string]any{"event": r.EventName, "id": r.Dynamodb.Keys["id"]["S"]})
				body = string(b)
			}
			if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &out, MessageBody: aws.String(body)}); err != nil {
				return resp, err
			}
		}
		return resp, nil
	})
}
