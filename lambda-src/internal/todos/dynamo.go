package todos

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoAPI is the subset of the DynamoDB API that DynamoStore uses. Both
// *dynamodb.Client and the DAX client (*dax.Dax from
// github.com/aws/aws-dax-go-v2/dax) implement it, and tests fake it.
type DynamoAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// DynamoStore is a Store backed by a DynamoDB table whose key schema is
// partition key "owner" (S) and sort key "id" (S).
type DynamoStore struct {
	client         DynamoAPI
	table          string
	consistentGets bool
}

var _ Store = (*DynamoStore)(nil)

// DynamoOption tunes a DynamoStore.
type DynamoOption func(*DynamoStore)

// WithEventuallyConsistentGets makes Get read eventually consistent. Use it
// when the client is DAX: DAX passes strongly consistent reads through to
// DynamoDB without caching them, while its item cache is write-through for
// the writes this store makes through it. Lists stay strongly consistent
// either way: DAX's query cache is not updated by writes, so an eventually
// consistent Query could miss a todo created a moment ago.
func WithEventuallyConsistentGets() DynamoOption {
	return func(s *DynamoStore) { s.consistentGets = false }
}

// NewDynamoStore returns a Store using client and the named table. Reads are
// strongly consistent unless an option says otherwise.
func NewDynamoStore(client DynamoAPI, table string, opts ...DynamoOption) *DynamoStore {
	s := &DynamoStore{client: client, table: table, consistentGets: true}
	for _, o := range opts {
		o(s)
	}
	return s
}

// maxStoreLimit bounds List's limit (the API allows MaxPageSize).
const maxStoreLimit = 1000

func key(owner, id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"owner": &types.AttributeValueMemberS{Value: owner},
		"id":    &types.AttributeValueMemberS{Value: id},
	}
}

func conditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
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
	if conditionFailed(err) {
		return ErrAlreadyExists
	}
	if err != nil {
		return fmt.Errorf("dynamodb PutItem: %w", err)
	}
	return nil
}

// Get implements Store.
func (s *DynamoStore) Get(ctx context.Context, owner, id string) (Todo, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(owner, id),
		ConsistentRead: aws.Bool(s.consistentGets),
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

// Update implements Store with one UpdateItem: SET of the patched
// attributes, conditional on the item existing (so a missing todo is never
// created), returning the new item.
func (s *DynamoStore) Update(ctx context.Context, owner, id string, p Patch) (Todo, error) {
	var sets []string
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	if p.Title != nil {
		sets = append(sets, "#title = :title")
		names["#title"] = "title"
		values[":title"] = &types.AttributeValueMemberS{Value: *p.Title}
	}
	if p.Done != nil {
		sets = append(sets, "#done = :done")
		names["#done"] = "done"
		values[":done"] = &types.AttributeValueMemberBOOL{Value: *p.Done}
	}
	if len(sets) == 0 {
		return Todo{}, errors.New("update todo: empty patch")
	}
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(owner, id),
		UpdateExpression:          aws.String("SET " + strings.Join(sets, ", ")),
		ConditionExpression:       aws.String("attribute_exists(id)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueAllNew,
	})
	if conditionFailed(err) {
		return Todo{}, ErrNotFound
	}
	if err != nil {
		return Todo{}, fmt.Errorf("dynamodb UpdateItem: %w", err)
	}
	if out == nil || len(out.Attributes) == 0 {
		return Todo{}, errors.New("dynamodb UpdateItem: no attributes returned")
	}
	var t Todo
	if err := attributevalue.UnmarshalMap(out.Attributes, &t); err != nil {
		return Todo{}, fmt.Errorf("unmarshal todo: %w", err)
	}
	return t, nil
}

// Delete implements Store, conditional on the item existing so a missing
// todo is reported as ErrNotFound.
func (s *DynamoStore) Delete(ctx context.Context, owner, id string) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:           aws.String(s.table),
		Key:                 key(owner, id),
		ConditionExpression: aws.String("attribute_exists(id)"),
	})
	if conditionFailed(err) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("dynamodb DeleteItem: %w", err)
	}
	return nil
}

// List implements Store with strongly consistent Queries of the owner's
// partition in sort-key order. It asks for one item more than limit to learn
// whether another page exists, so next is "" exactly on the last page, and
// follows LastEvaluatedKey should DynamoDB stop early (1 MB pages).
func (s *DynamoStore) List(ctx context.Context, owner string, limit int, after string) ([]Todo, string, error) {
	if limit < 1 || limit > maxStoreLimit {
		return nil, "", fmt.Errorf("list todos: limit %d outside [1, %d]", limit, maxStoreLimit)
	}
	todos := []Todo{}
	var startKey map[string]types.AttributeValue
	if after != "" {
		startKey = key(owner, after)
	}
	for len(todos) <= limit {
		out, err := s.client.Query(ctx, &dynamodb.QueryInput{
			TableName:              aws.String(s.table),
			KeyConditionExpression: aws.String("#owner = :owner"),
			// OWNER is a DynamoDB reserved word, hence the placeholder.
			ExpressionAttributeNames: map[string]string{"#owner": "owner"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":owner": &types.AttributeValueMemberS{Value: owner},
			},
			ExclusiveStartKey: startKey,
			Limit:             aws.Int32(int32(limit + 1 - len(todos))),
			ConsistentRead:    aws.Bool(true),
		})
		if err != nil {
			return nil, "", fmt.Errorf("dynamodb Query: %w", err)
		}
		if out == nil {
			break
		}
		var page []Todo
		if err := attributevalue.UnmarshalListOfMaps(out.Items, &page); err != nil {
			return nil, "", fmt.Errorf("unmarshal todos: %w", err)
		}
		todos = append(todos, page...)
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		if startKey != nil && sameKey(startKey, out.LastEvaluatedKey) {
			return nil, "", errors.New("dynamodb Query: pagination did not advance")
		}
		startKey = out.LastEvaluatedKey
	}
	if len(todos) > limit {
		todos = todos[:limit]
		return todos, todos[limit-1].ID, nil
	}
	return todos, "", nil
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
