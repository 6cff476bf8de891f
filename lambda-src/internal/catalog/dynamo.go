package catalog

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoAPI is the part of the DynamoDB client the store uses.
type DynamoAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// DynamoStore is the items table: partition key "id" (S), attributes "name" (S), "price_cents" (N) and
// "updated_at" (S, RFC 3339).
type DynamoStore struct {
	API   DynamoAPI
	Table string
}

// GetItem reads one item with a strongly consistent read, so a read right after a write sees it.
func (s *DynamoStore) GetItem(ctx context.Context, id string) (Item, bool, error) {
	out, err := s.API.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.Table),
		Key:            map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return Item{}, false, fmt.Errorf("items table: %w", err)
	}
	if out == nil || out.Item == nil {
		return Item{}, false, nil
	}
	var item Item
	if err := attributevalue.UnmarshalMapWithOptions(out.Item, &item, func(o *attributevalue.DecoderOptions) { o.TagKey = "json" }); err != nil {
		return Item{}, false, fmt.Errorf("items table: item %q: %w", id, err)
	}
	return item, true, nil
}

// PutItem writes (creates or replaces) an item.
func (s *DynamoStore) PutItem(ctx context.Context, item Item) error {
	av, err := attributevalue.MarshalMapWithOptions(item, func(o *attributevalue.EncoderOptions) { o.TagKey = "json" })
	if err != nil {
		return fmt.Errorf("items table: %w", err)
	}
	if _, err := s.API.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av}); err != nil {
		return fmt.Errorf("items table: %w", err)
	}
	return nil
}
