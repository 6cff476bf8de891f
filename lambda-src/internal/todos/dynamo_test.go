package todos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// fakeDynamo is an in-memory fake of the DynamoAPI subset. It honours the
// attribute_not_exists(id) condition and pages Query results pageSize items
// at a time via LastEvaluatedKey, and records every input it receives.
type fakeDynamo struct {
	table    string
	items    map[string]map[string]types.AttributeValue // "owner\x00id" -> item
	pageSize int

	putErr, getErr, queryErr error
	stuckPaging              bool // return the same LastEvaluatedKey forever

	puts    []*dynamodb.PutItemInput
	gets    []*dynamodb.GetItemInput
	queries []*dynamodb.QueryInput
}

func newFakeDynamo() *fakeDynamo {
	return &fakeDynamo{table: "todos-table", items: map[string]map[string]types.AttributeValue{}, pageSize: 2}
}

func sAttr(m map[string]types.AttributeValue, k string) string {
	if v, ok := m[k].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func (f *fakeDynamo) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.puts = append(f.puts, in)
	if f.putErr != nil {
		return nil, f.putErr
	}
	if aws.ToString(in.TableName) != f.table {
		return nil, fmt.Errorf("ResourceNotFoundException: table %q", aws.ToString(in.TableName))
	}
	key := sAttr(in.Item, "owner") + "\x00" + sAttr(in.Item, "id")
	if aws.ToString(in.ConditionExpression) == "attribute_not_exists(id)" {
		if _, exists := f.items[key]; exists {
			return nil, &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
		}
	}
	f.items[key] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func (f *fakeDynamo) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	f.gets = append(f.gets, in)
	if f.getErr != nil {
		return nil, f.getErr
	}
	if len(in.Key) != 2 {
		return nil, errors.New("ValidationException: key must have exactly owner and id")
	}
	return &dynamodb.GetItemOutput{Item: f.items[sAttr(in.Key, "owner")+"\x00"+sAttr(in.Key, "id")]}, nil
}

func (f *fakeDynamo) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	f.queries = append(f.queries, in)
	if f.queryErr != nil && len(f.queries) > 1 { // fail on a later page
		return nil, f.queryErr
	}
	owner := sAttr(in.ExpressionAttributeValues, ":owner")
	var keys []string
	for k := range f.items {
		if strings.HasPrefix(k, owner+"\x00") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // DynamoDB returns items in sort-key order
	start := 0
	if in.ExclusiveStartKey != nil {
		after := sAttr(in.ExclusiveStartKey, "owner") + "\x00" + sAttr(in.ExclusiveStartKey, "id")
		start, _ = slices.BinarySearch(keys, after)
		if start < len(keys) && keys[start] == after {
			start++
		}
	}
	end := min(start+f.pageSize, len(keys))
	out := &dynamodb.QueryOutput{}
	for _, k := range keys[start:end] {
		out.Items = append(out.Items, f.items[k])
	}
	if f.stuckPaging {
		out.LastEvaluatedKey = map[string]types.AttributeValue{
			"owner": &types.AttributeValueMemberS{Value: owner},
			"id":    &types.AttributeValueMemberS{Value: "stuck"},
		}
		return out, nil
	}
	if end < len(keys) {
		last := out.Items[len(out.Items)-1]
		out.LastEvaluatedKey = map[string]types.AttributeValue{
			"owner": &types.AttributeValueMemberS{Value: sAttr(last, "owner")},
			"id":    &types.AttributeValueMemberS{Value: sAttr(last, "id")},
		}
	}
	return out, nil
}

func TestDynamoStorePut(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	s := NewDynamoStore(fake, fake.table)
	todo := Todo{ID: "id1", Owner: "user-a", Title: "hello", Done: true, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}

	if err := s.Put(ctx, todo); err != nil {
		t.Fatalf("Put: %v", err)
	}
	in := fake.puts[0]
	if aws.ToString(in.TableName) != "todos-table" {
		t.Errorf("TableName = %q", aws.ToString(in.TableName))
	}
	if got := aws.ToString(in.ConditionExpression); got != "attribute_not_exists(id)" {
		t.Errorf("ConditionExpression = %q", got)
	}
	wantS := map[string]string{"id": "id1", "owner": "user-a", "title": "hello", "created_at": "2024-01-02T03:04:05Z"}
	for k, v := range wantS {
		if got := sAttr(in.Item, k); got != v {
			t.Errorf("item[%s] = %q, want %q", k, got, v)
		}
	}
	if b, ok := in.Item["done"].(*types.AttributeValueMemberBOOL); !ok || !b.Value {
		t.Errorf("item[done] = %#v", in.Item["done"])
	}
	if len(in.Item) != 5 {
		t.Errorf("item has %d attributes: %v", len(in.Item), in.Item)
	}

	// Same owner+id again: never overwritten.
	dup := todo
	dup.Title = "overwrite attempt"
	if err := s.Put(ctx, dup); !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("duplicate Put err = %v, want ErrAlreadyExists", err)
	}
	got, err := s.Get(ctx, "user-a", "id1")
	if err != nil || got.Title != "hello" {
		t.Fatalf("after duplicate put: %+v %v", got, err)
	}

	fake.putErr = errors.New("throttled")
	if err := s.Put(ctx, Todo{ID: "id2", Owner: "o"}); err == nil || errors.Is(err, ErrAlreadyExists) || !strings.Contains(err.Error(), "throttled") {
		t.Errorf("Put err = %v", err)
	}
}

func TestDynamoStoreGet(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	s := NewDynamoStore(fake, fake.table)
	want := Todo{ID: "id1", Owner: "user-a", Title: "hello", Done: false, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := s.Put(ctx, want); err != nil {
		t.Fatal(err)
	}

	got, err := s.Get(ctx, "user-a", "id1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got != want {
		t.Errorf("Get = %+v, want %+v", got, want)
	}
	in := fake.gets[0]
	if aws.ToString(in.TableName) != "todos-table" || sAttr(in.Key, "owner") != "user-a" || sAttr(in.Key, "id") != "id1" || !aws.ToBool(in.ConsistentRead) {
		t.Errorf("GetItemInput = %+v", in)
	}

	if _, err := s.Get(ctx, "user-b", "id1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("other owner: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "user-a", "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing id: err = %v, want ErrNotFound", err)
	}

	fake.items["user-a\x00bad"] = map[string]types.AttributeValue{
		"owner": &types.AttributeValueMemberS{Value: "user-a"},
		"id":    &types.AttributeValueMemberS{Value: "bad"},
		"done":  &types.AttributeValueMemberS{Value: "not a bool"},
	}
	if _, err := s.Get(ctx, "user-a", "bad"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("corrupt item: err = %v", err)
	}

	fake.getErr = errors.New("network down")
	if _, err := s.Get(ctx, "user-a", "id1"); err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "network down") {
		t.Errorf("err = %v", err)
	}
}

func TestDynamoStoreList(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	s := NewDynamoStore(fake, fake.table)

	got, err := s.List(ctx, "user-a")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("empty List = %#v, %v; want empty non-nil slice", got, err)
	}

	for i := range 5 {
		if err := s.Put(ctx, Todo{ID: fmt.Sprintf("a%d", i), Owner: "user-a", Title: "t", CreatedAt: time.Unix(int64(1000-i), 0).UTC()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, Todo{ID: "b0", Owner: "user-b", Title: "t"}); err != nil {
		t.Fatal(err)
	}

	fake.queries = nil
	got, err = s.List(ctx, "user-a")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var ids []string
	for _, td := range got {
		ids = append(ids, td.ID)
		if td.Owner != "user-a" {
			t.Errorf("foreign todo %+v", td)
		}
	}
	if strings.Join(ids, ",") != "a0,a1,a2,a3,a4" {
		t.Errorf("ids = %v", ids)
	}
	if len(fake.queries) != 3 {
		t.Fatalf("queries = %d, want 3 pages", len(fake.queries))
	}
	q := fake.queries[0]
	if aws.ToString(q.TableName) != "todos-table" ||
		aws.ToString(q.KeyConditionExpression) != "#owner = :owner" ||
		q.ExpressionAttributeNames["#owner"] != "owner" ||
		sAttr(q.ExpressionAttributeValues, ":owner") != "user-a" ||
		q.ExclusiveStartKey != nil {
		t.Errorf("first QueryInput = %+v", q)
	}
	if sAttr(fake.queries[1].ExclusiveStartKey, "id") != "a1" || sAttr(fake.queries[2].ExclusiveStartKey, "id") != "a3" {
		t.Errorf("pagination keys not forwarded")
	}

	fake.queryErr = errors.New("page 2 failed")
	fake.queries = nil
	if _, err := s.List(ctx, "user-a"); err == nil || !strings.Contains(err.Error(), "page 2 failed") {
		t.Errorf("List err = %v", err)
	}

	fake.queryErr = nil
	fake.stuckPaging = true
	if _, err := s.List(ctx, "user-a"); err == nil {
		t.Error("List with non-advancing LastEvaluatedKey should fail, not loop forever")
	}
}

// TestHandlerWithDynamoStore exercises the handler end to end over the fake
// DynamoDB client.
func TestHandlerWithDynamoStore(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	h := NewHandler(NewDynamoStore(fake, fake.table))
	h.Now = func() time.Time { return fixedNow }

	var ids []string
	for i := range 3 {
		resp, _ := h.Handle(ctx, withOwner(collectionReq(http.MethodPost, fmt.Sprintf(`{"title":"t%d"}`, i)), "user-a"))
		if resp.StatusCode != 201 {
			t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
		}
		ids = append(ids, resp.Body)
	}
	resp, _ := h.Handle(ctx, withOwner(collectionReq(http.MethodGet, ""), "user-a"))
	checkResponse(t, resp)
	if resp.StatusCode != 200 || strings.Count(resp.Body, `"owner":"user-a"`) != 3 {
		t.Fatalf("list: %d %s", resp.StatusCode, resp.Body)
	}
	resp, _ = h.Handle(ctx, withOwner(collectionReq(http.MethodGet, ""), "user-b"))
	if resp.Body != `{"todos":[]}` {
		t.Fatalf("user-b list: %s", resp.Body)
	}

	var req events.APIGatewayProxyRequest
	for k := range fake.items {
		req = withOwner(itemReq(http.MethodGet, strings.SplitN(k, "\x00", 2)[1]), "user-b")
		break
	}
	resp, _ = h.Handle(ctx, req)
	if resp.StatusCode != 404 {
		t.Fatalf("user-b GET of user-a todo: %d %s", resp.StatusCode, resp.Body)
	}
}
