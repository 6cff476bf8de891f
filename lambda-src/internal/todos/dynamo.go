package todos

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoAPI is the subset of *dynamodb.Client used by DynamoStore, so that it
// can be faked in tests.
type DynamoAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// DynamoStore is a Store backed by a DynamoDB table whose key schema is
// partition key "owner" (S) and sort key "id" (S).
type DynamoStore struct {
	client DynamoAPI
	table  string
}

var _ Store = (*DynamoStore)(nil)

// NewDynamoStore returns a Store using client and the named table.
func NewDynamoStore(client DynamoAPI, table string) *DynamoStore {
	return &DynamoStore{client: client, table: table}
}

// Put implements Store. It uses the condition attribute_not_exists(id) so an
// existing item is never overwritten.
func (s *DynamoStore) Put(ctx context.Context, t Todo) error {
	item, err := attributevalue.MarshalMap(t)
	if err != nil {
		return fmt.Errorf("marshal todo: %w", err)
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(s.table),
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(id)"),
	})
	if err != nil {
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return ErrAlreadyExists
		}
		return fmt.Errorf("dynamodb PutItem: %w", err)
	}
	return nil
}

// Get implements Store. It uses a strongly consistent read so a todo is
// visible immediately after it was created.
func (s *DynamoStore) Get(ctx context.Context, owner, id string) (Todo, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table),
		Key: map[string]types.AttributeValue{
			"owner": &types.AttributeValueMemberS{Value: owner},
			"id":    &types.AttributeValueMemberS{Value: id},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return Todo{}, fmt.Errorf("dynamodb GetItem: %w", err)
	}
	if out == nil || len(out.Item) == 0 {
		return Todo{}, ErrNotFound
	}
	var t Todo
	if err := attributevalue.UnmarshalMap(out.Item, &t); err != nil {
		return Todo{}, fmt.Errorf("unmarshal todo: %w", err)
	}
	return t, nil
}

// List implements Store. It queries the owner's partition, following
// LastEvaluatedKey until all pages have been read.
func (s *DynamoStore) List(ctx context.Context, owner string) ([]Todo, error) {
	todos := []Todo{}
	var startKey map[string]types.AttributeValue
	for {
		out, err := s.client.Query(ctx, &dynamodb.QueryInput{
			TableName:              aws.String(s.table),
			KeyConditionExpression: aws.String("#owner = :owner"),
			// OWNER is a DynamoDB reserved word, hence the placeholder.
			ExpressionAttributeNames: map[string]string{"#owner": "owner"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":owner": &types.AttributeValueMemberS{Value: owner},
			},
			ExclusiveStartKey: startKey,
			ConsistentRead:    aws.Bool(true),
		})
		if err != nil {
			return nil, fmt.Errorf("dynamodb Query: %w", err)
		}
		if out == nil {
			break
		}
		var page []Todo
		if err := attributevalue.UnmarshalListOfMaps(out.Items, &page); err != nil {
			return nil, fmt.Errorf("unmarshal todos: %w", err)
		}
		todos = append(todos, page...)
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		if startKey != nil && sameKey(startKey, out.LastEvaluatedKey) {
			return nil, errors.New("dynamodb Query: pagination did not advance")
		}
		startKey = out.LastEvaluatedKey
	}
	return todos, nil
}

// sameKey reports whether two key maps made of string attributes are equal.
func sameKey(a, b map[string]types.AttributeValue) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		as, ok1 := av.(*types.AttributeValueMemberS)
		bs, ok2 := b[k].(*types.AttributeValueMemberS)
		if !ok1 || !ok2 || as.Value != bs.Value {
			return false
		}
	}
	return true
}
