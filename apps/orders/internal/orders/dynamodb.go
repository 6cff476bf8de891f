package orders

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDBAPI is the part of the DynamoDB client the store uses: item actions only, as the task role allows.
type DynamoDBAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

// DynamoDBStore keeps orders in a table with the string partition key `id`.
type DynamoDBStore struct {
	API   DynamoDBAPI
	Table string
}

type orderItem struct {
	ID        string `dynamodbav:"id"`
	Customer  string `dynamodbav:"customer"`
	Item      string `dynamodbav:"item"`
	Quantity  int    `dynamodbav:"quantity"`
	CreatedAt string `dynamodbav:"created_at"`
}

// Put writes an order; an existing id is refused (ids are random, a clash is a bug).
func (s DynamoDBStore) Put(ctx context.Context, o Order) error {
	item, err := attributevalue.MarshalMap(orderItem{o.ID, o.Customer, o.Item, o.Quantity, o.CreatedAt.Format(time.RFC3339Nano)})
	if err != nil {
		return err
	}
	_, err = s.API.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(s.Table),
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(id)"),
	})
	return err
}

// Get reads an order.
func (s DynamoDBStore) Get(ctx context.Context, id string) (Order, error) {
	out, err := s.API.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.Table),
		Key:       map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}},
	})
	if err != nil {
		return Order{}, err
	}
	if len(out.Item) == 0 {
		return Order{}, ErrNotFound
	}
	var it orderItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return Order{}, err
	}
	created, err := time.Parse(time.RFC3339Nano, it.CreatedAt)
	if err != nil {
		return Order{}, errors.New("stored order has a malformed created_at")
	}
	return Order{ID: it.ID, Customer: it.Customer, Item: it.Item, Quantity: it.Quantity, CreatedAt: created}, nil
}

// Ping reads a key that never exists: an item action, so the health check needs no DescribeTable permission.
func (s DynamoDBStore) Ping(ctx context.Context) error {
	_, err := s.Get(ctx, "healthz")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
