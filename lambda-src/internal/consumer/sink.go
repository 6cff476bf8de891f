package consumer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoPutAPI is the DynamoDB call the sink makes.
type DynamoPutAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// DynamoSink writes each event once into the events table (partition key "event_id"): a conditional put, so a
// redelivered event is recognised and left alone.
type DynamoSink struct {
	API   DynamoPutAPI
	Table string
	// Now defaults to time.Now.
	Now func() time.Time
}

// Put stores e unless an event with its id is already stored.
func (s *DynamoSink) Put(ctx context.Context, e Event, source string) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	item := map[string]types.AttributeValue{
		"event_id":    &types.AttributeValueMemberS{Value: e.EventID},
		"type":        &types.AttributeValueMemberS{Value: e.Type},
		"order_id":    &types.AttributeValueMemberS{Value: e.OrderID},
		"received_at": &types.AttributeValueMemberS{Value: now().UTC().Format(time.RFC3339Nano)},
	}
	if source != "" {
		item["source"] = &types.AttributeValueMemberS{Value: source}
	}
	if e.AmountCents != nil {
		item["amount_cents"] = &types.AttributeValueMemberN{Value: strconv.FormatInt(*e.AmountCents, 10)}
	}
	if e.OccurredAt != "" {
		item["occurred_at"] = &types.AttributeValueMemberS{Value: e.OccurredAt}
	}
	_, err := s.API.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(s.Table),
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(event_id)"),
	})
	var dup *types.ConditionalCheckFailedException
	if errors.As(err, &dup) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("events table: %w", err)
	}
	return nil
}

// LogSink only logs events (a consumer without a table).
type LogSink struct{ Logger *slog.Logger }

// Put logs e.
func (s LogSink) Put(ctx context.Context, e Event, source string) error {
	l := s.Logger
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "order event", "event_id", e.EventID, "type", e.Type, "order_id", e.OrderID, "source", source)
	return nil
}
