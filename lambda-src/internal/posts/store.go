// Package posts is the MyBlog public posts API: read-only, unauthenticated,
// behind API Gateway (AWS_PROXY) and served by CloudFront under /api/*.
package posts

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Post is one item of the posts table (partition key "id", S). Only posts
// with Published set and a PublishedAt in the past are visible.
type Post struct {
	ID          string    `json:"id" dynamodbav:"id"`
	Title       string    `json:"title" dynamodbav:"title"`
	Summary     string    `json:"summary,omitempty" dynamodbav:"summary,omitempty"`
	Body        string    `json:"body,omitempty" dynamodbav:"body,omitempty"`
	Author      string    `json:"author,omitempty" dynamodbav:"author,omitempty"`
	Tags        []string  `json:"tags,omitempty" dynamodbav:"tags,omitempty"`
	Published   bool      `json:"-" dynamodbav:"published"`
	PublishedAt time.Time `json:"published_at" dynamodbav:"published_at"`
}

// ErrNotFound is returned by Store.Get for a post that does not exist.
var ErrNotFound = errors.New("post not found")

// Store reads posts.
type Store interface {
	// Get returns one post or ErrNotFound.
	Get(ctx context.Context, id string) (Post, error)
	// List returns up to limit posts, without their bodies, in no particular order.
	List(ctx context.Context, limit int) ([]Post, error)
}

// DynamoAPI is the subset of DynamoDB the store uses; *dynamodb.Client and
// the DAX client (*dax.Dax) implement it.
type DynamoAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// DynamoStore reads the posts table. Reads are eventually consistent, so
// that DAX (when the client is one) answers them from its caches.
type DynamoStore struct {
	Client DynamoAPI
	Table  string
}

var _ Store = (*DynamoStore)(nil)

// Get implements Store.
func (s *DynamoStore) Get(ctx context.Context, id string) (Post, error) {
	out, err := s.Client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.Table),
		Key:       map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}},
	})
	if err != nil {
		return Post{}, fmt.Errorf("get post %q: %w", id, err)
	}
	if out.Item == nil {
		return Post{}, ErrNotFound
	}
	var p Post
	if err := attributevalue.UnmarshalMap(out.Item, &p); err != nil {
		return Post{}, fmt.Errorf("post %q is malformed: %w", id, err)
	}
	return p, nil
}

// List implements Store: a scan of the published posts' summaries (a blog's
// posts table is small; DAX caches the scan), stopping after limit items.
func (s *DynamoStore) List(ctx context.Context, limit int) ([]Post, error) {
	in := &dynamodb.ScanInput{
		TableName:                 aws.String(s.Table),
		ProjectionExpression:      aws.String("id, title, summary, author, tags, published, published_at"),
		FilterExpression:          aws.String("published = :yes"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":yes": &types.AttributeValueMemberBOOL{Value: true}},
	}
	var posts []Post
	for {
		out, err := s.Client.Scan(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("scan posts: %w", err)
		}
		var page []Post
		if err := attributevalue.UnmarshalListOfMaps(out.Items, &page); err != nil {
			return nil, fmt.Errorf("posts are malformed: %w", err)
		}
		posts = append(posts, page...)
		if len(posts) >= limit || len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if len(posts) > limit {
		posts = posts[:limit]
	}
	return posts, nil
}

// newestFirst orders posts by publication time, newest first, then by id.
func newestFirst(posts []Post) {
	sort.SliceStable(posts, func(i, j int) bool {
		if !posts[i].PublishedAt.Equal(posts[j].PublishedAt) {
			return posts[i].PublishedAt.After(posts[j].PublishedAt)
		}
		return posts[i].ID < posts[j].ID
	})
}
