package premium

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoGetItemAPI is the one DynamoDB call the handler makes.
type DynamoGetItemAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

// Users answers whether a user is premium.
type Users interface {
	IsPremium(ctx context.Context, userID string) (bool, error)
}

// DynamoUsers reads the premium users table: partition key "user_id" (S),
// attribute "premium" (BOOL) and optional "premium_until" (S, RFC 3339).
type DynamoUsers struct {
	API   DynamoGetItemAPI
	Table string
	// Now defaults to time.Now.
	Now func() time.Time
}

// IsPremium is true only for a row with premium = true whose premium_until,
// when present, is a valid RFC 3339 time that has not passed. Anything else
// (no row, another type, a malformed date) is not premium: it fails closed.
func (u *DynamoUsers) IsPremium(ctx context.Context, userID string) (bool, error) {
	out, err := u.API.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                aws.String(u.Table),
		Key:                      map[string]types.AttributeValue{"user_id": &types.AttributeValueMemberS{Value: userID}},
		ProjectionExpression:     aws.String("#p, #u"),
		ExpressionAttributeNames: map[string]string{"#p": "premium", "#u": "premium_until"},
	})
	if err != nil {
		return false, fmt.Errorf("premium users table: %w", err)
	}
	if out == nil || out.Item == nil {
		return false, nil
	}
	p, ok := out.Item["premium"].(*types.AttributeValueMemberBOOL)
	if !ok || !p.Value {
		return false, nil
	}
	raw, present := out.Item["premium_until"]
	if !present {
		return true, nil
	}
	if _, null := raw.(*types.AttributeValueMemberNULL); null {
		return true, nil
	}
	s, ok := raw.(*types.AttributeValueMemberS)
	if !ok {
		return false, nil
	}
	until, err := time.Parse(time.RFC3339, s.Value)
	if err != nil {
		return false, nil //nolint:nilerr // a malformed premium_until is "not premium" (fails closed, documented above)
	}
	now := time.Now
	if u.Now != nil {
		now = u.Now
	}
	return now().Before(until), nil
}
