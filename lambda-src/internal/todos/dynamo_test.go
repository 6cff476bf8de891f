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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// fakeDynamo is an in-memory fake of the DynamoAPI subset. It honours the
// attribute_not_exists(id) / attribute_exists(id) conditions and the SET
// expressions DynamoStore writes, pages Query results by Limit and by at
// most pageSize items (standing in for the 1 MB page limit), and records
// every input it receives.
type fakeDynamo struct {
	table    string
	items    map[string]map[string]types.AttributeValue // "owner\x00id" -> item
	pageSize int

	putErr, getErr, queryErr, updateErr, deleteErr error
	stuckPaging                                    bool // return the same LastEvaluatedKey forever

	puts    []*dynamodb.PutItemInput
	gets    []*dynamodb.GetItemInput
	updates []*dynamodb.UpdateItemInput
	deletes []*dynamodb.DeleteItemInput
	queries []*dynamodb.QueryInput
}

func newFakeDynamo() *fakeDynamo {
	return &fakeDynamo{table: "todos-table", items: map[string]map[string]types.AttributeValue{}, pageSize: 1000}
}

func sAttr(m map[string]types.AttributeValue, k string) string {
	if v, ok := m[k].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func itemKey(m map[string]types.AttributeValue) string {
	return sAttr(m, "owner") + "\x00" + sAttr(m, "id")
}

func ccf() error {
	return &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
}

func (f *fakeDynamo) checkTable(name *string) error {
	if aws.ToString(name) != f.table {
		return fmt.Errorf("ResourceNotFoundException: table %q", aws.ToString(name))
	}
	return nil
}

func (f *fakeDynamo) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.puts = append(f.puts, in)
	if f.putErr != nil {
		return nil, f.putErr
	}
	if err := f.checkTable(in.TableName); err != nil {
		return nil, err
	}
	k := itemKey(in.Item)
	if aws.ToString(in.ConditionExpression) == "attribute_not_exists(id)" {
		if _, exists := f.items[k]; exists {
			return nil, ccf()
		}
	}
	f.items[k] = in.Item
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
	return &dynamodb.GetItemOutput{Item: f.items[itemKey(in.Key)]}, nil
}

func (f *fakeDynamo) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	f.updates = append(f.updates, in)
	if f.updateErr != nil {
		return nil, f.updateErr
	}
	if err := f.checkTable(in.TableName); err != nil {
		return nil, err
	}
	k := itemKey(in.Key)
	item, exists := f.items[k]
	if aws.ToString(in.ConditionExpression) == "attribute_exists(id)" && !exists {
		return nil, ccf()
	}
	if !exists {
		item = map[string]types.AttributeValue{"owner": in.Key["owner"], "id": in.Key["id"]}
	}
	updated := map[string]types.AttributeValue{}
	for a, v := range item {
		updated[a] = v
	}
	expr, ok := strings.CutPrefix(aws.ToString(in.UpdateExpression), "SET ")
	if !ok {
		return nil, errors.New("ValidationException: only SET supported by the fake")
	}
	for _, assignment := range strings.Split(expr, ", ") {
		name, value, ok := strings.Cut(assignment, " = ")
		attr, okName := in.ExpressionAttributeNames[name]
		v, okValue := in.ExpressionAttributeValues[value]
		if !ok || !okName || !okValue {
			return nil, fmt.Errorf("ValidationException: bad assignment %q", assignment)
		}
		updated[attr] = v
	}
	f.items[k] = updated
	out := &dynamodb.UpdateItemOutput{}
	if in.ReturnValues == types.ReturnValueAllNew {
		out.Attributes = updated
	}
	return out, nil
}

func (f *fakeDynamo) DeleteItem(_ context.Context, in *dynamodb.DeleteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	f.deletes = append(f.deletes, in)
	if f.deleteErr != nil {
		return nil, f.deleteErr
	}
	if err := f.checkTable(in.TableName); err != nil {
		return nil, err
	}
	k := itemKey(in.Key)
	if _, exists := f.items[k]; !exists && aws.ToString(in.ConditionExpression) == "attribute_exists(id)" {
		return nil, ccf()
	}
	delete(f.items, k)
	return &dynamodb.DeleteItemOutput{}, nil
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
		after := itemKey(in.ExclusiveStartKey)
		start, _ = slices.BinarySearch(keys, after)
		if start < len(keys) && keys[start] == after {
			start++
		}
	}
	n := f.pageSize
	if in.Limit != nil && int(*in.Limit) < n {
		n = int(*in.Limit)
	}
	end := min(start+n, len(keys))
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
	// Like DynamoDB, a page that stopped because of Limit has a
	// LastEvaluatedKey even when nothing follows.
	if end < len(keys) || (in.Limit != nil && end-start == int(*in.Limit) && end > start) {
		last := out.Items[len(out.Items)-1]
		out.LastEvaluatedKey = map[string]types.AttributeValue{"owner": last["owner"], "id": last["id"]}
	}
	return out, nil
}

func TestDynamoStorePut(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	s := NewDynamoStore(fake, fake.table)
	todo := Todo{ID: testID(1), Owner: "user-a", Title: "hello", Done: true, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}

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
	wantS := map[string]string{"id": testID(1), "owner": "user-a", "title": "hello", "created_at": "2024-01-02T03:04:05Z"}
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

	dup := todo
	dup.Title = "overwrite attempt"
	if err := s.Put(ctx, dup); !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("duplicate Put err = %v, want ErrAlreadyExists", err)
	}
	if got, err := s.Get(ctx, "user-a", testID(1)); err != nil || got.Title != "hello" {
		t.Fatalf("after duplicate put: %+v %v", got, err)
	}

	fake.putErr = errors.New("throttled")
	if err := s.Put(ctx, Todo{ID: testID(2), Owner: "o"}); err == nil || errors.Is(err, ErrAlreadyExists) || !strings.Contains(err.Error(), "throttled") {
		t.Errorf("Put err = %v", err)
	}
}

func TestDynamoStoreGet(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	s := NewDynamoStore(fake, fake.table)
	want := Todo{ID: testID(1), Owner: "user-a", Title: "hello", CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := s.Put(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "user-a", testID(1))
	if err != nil || got != want {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, want)
	}
	in := fake.gets[0]
	if aws.ToString(in.TableName) != "todos-table" || sAttr(in.Key, "owner") != "user-a" || sAttr(in.Key, "id") != testID(1) || !aws.ToBool(in.ConsistentRead) {
		t.Errorf("GetItemInput = %+v", in)
	}
	if _, err := s.Get(ctx, "user-b", testID(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("other owner: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "user-a", testID(9)); !errors.Is(err, ErrNotFound) {
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
	if _, err := s.Get(ctx, "user-a", testID(1)); err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "network down") {
		t.Errorf("err = %v", err)
	}

	// With DAX, Gets are eventually consistent so DAX's item cache serves them.
	dax := NewDynamoStore(fake, fake.table, WithEventuallyConsistentGets())
	delete(fake.items, "user-a\x00bad")
	fake.getErr = nil
	fake.gets = nil
	if _, err := dax.Get(ctx, "user-a", testID(1)); err != nil {
		t.Fatal(err)
	}
	if aws.ToBool(fake.gets[0].ConsistentRead) {
		t.Error("WithEventuallyConsistentGets: ConsistentRead still true")
	}
	fake.queries = nil
	if _, _, err := dax.List(ctx, "user-a", 10, ""); err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(fake.queries[0].ConsistentRead) {
		t.Error("List must stay strongly consistent with DAX")
	}
}

func TestDynamoStoreUpdate(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	s := NewDynamoStore(fake, fake.table)
	orig := Todo{ID: testID(1), Owner: "user-a", Title: "hello", CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := s.Put(ctx, orig); err != nil {
		t.Fatal(err)
	}
	title, done := "renamed", true

	tests := []struct {
		name     string
		patch    Patch
		wantExpr string
		want     Todo
	}{
		{"title", Patch{Title: &title}, "SET #title = :title", Todo{ID: orig.ID, Owner: "user-a", Title: "renamed", CreatedAt: orig.CreatedAt}},
		{"done", Patch{Done: &done}, "SET #done = :done", Todo{ID: orig.ID, Owner: "user-a", Title: "renamed", Done: true, CreatedAt: orig.CreatedAt}},
		{"both", Patch{Title: &orig.Title, Done: new(bool)}, "SET #title = :title, #done = :done", orig},
	}
	for _, tc := range tests {
		got, err := s.Update(ctx, "user-a", orig.ID, tc.patch)
		if err != nil || got != tc.want {
			t.Fatalf("%s: Update = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
		in := fake.updates[len(fake.updates)-1]
		if aws.ToString(in.UpdateExpression) != tc.wantExpr ||
			aws.ToString(in.ConditionExpression) != "attribute_exists(id)" ||
			in.ReturnValues != types.ReturnValueAllNew ||
			sAttr(in.Key, "owner") != "user-a" || sAttr(in.Key, "id") != orig.ID || len(in.Key) != 2 {
			t.Errorf("%s: UpdateItemInput = %+v", tc.name, in)
		}
	}

	// A missing item is not created.
	if _, err := s.Update(ctx, "user-a", testID(2), Patch{Done: &done}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: err = %v", err)
	}
	if _, err := s.Update(ctx, "user-b", orig.ID, Patch{Done: &done}); !errors.Is(err, ErrNotFound) {
		t.Errorf("other owner: err = %v", err)
	}
	if len(fake.items) != 1 {
		t.Errorf("Update created items: %d", len(fake.items))
	}
	if _, err := s.Update(ctx, "user-a", orig.ID, Patch{}); err == nil {
		t.Error("empty patch accepted")
	}
	fake.updateErr = errors.New("throttled")
	if _, err := s.Update(ctx, "user-a", orig.ID, Patch{Done: &done}); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v", err)
	}
}

func TestDynamoStoreDelete(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	s := NewDynamoStore(fake, fake.table)
	if err := s.Put(ctx, Todo{ID: testID(1), Owner: "user-a", Title: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "user-b", testID(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("other owner: %v", err)
	}
	if err := s.Delete(ctx, "user-a", testID(1)); err != nil {
		t.Fatal(err)
	}
	in := fake.deletes[len(fake.deletes)-1]
	if aws.ToString(in.ConditionExpression) != "attribute_exists(id)" || sAttr(in.Key, "id") != testID(1) || aws.ToString(in.TableName) != fake.table {
		t.Errorf("DeleteItemInput = %+v", in)
	}
	if err := s.Delete(ctx, "user-a", testID(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	fake.deleteErr = errors.New("throttled")
	if err := s.Delete(ctx, "user-a", testID(1)); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v", err)
	}
}

func TestDynamoStoreList(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDynamo()
	s := NewDynamoStore(fake, fake.table)

	got, next, err := s.List(ctx, "user-a", 10, "")
	if err != nil || got == nil || len(got) != 0 || next != "" {
		t.Fatalf("empty List = %#v, %q, %v; want empty non-nil slice", got, next, err)
	}
	for i := 1; i <= 5; i++ {
		// created_at descending: order must come from the id (sort key).
		if err := s.Put(ctx, Todo{ID: testID(i), Owner: "user-a", Title: "t", CreatedAt: time.Unix(int64(1000-i), 0).UTC()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, Todo{ID: testID(1), Owner: "user-b", Title: "t"}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		pageSize int // the fake's page cap, standing in for 1 MB pages
		limit    int
		after    string
		wantIDs  []int
		wantNext int // 0: none
		queries  int
	}{
		{"all in one page", 1000, 10, "", []int{1, 2, 3, 4, 5}, 0, 1},
		{"exact fit has no next", 1000, 5, "", []int{1, 2, 3, 4, 5}, 0, 1},
		{"first page", 1000, 2, "", []int{1, 2}, 2, 1},
		{"middle page", 1000, 2, testID(2), []int{3, 4}, 4, 1},
		{"last page", 1000, 2, testID(4), []int{5}, 0, 1},
		{"after the end", 1000, 2, testID(5), nil, 0, 1},
		{"short DynamoDB pages are followed", 2, 4, "", []int{1, 2, 3, 4}, 4, 3},
		{"short pages to the end", 2, 10, "", []int{1, 2, 3, 4, 5}, 0, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake.pageSize = tc.pageSize
			fake.queries = nil
			got, next, err := s.List(ctx, "user-a", tc.limit, tc.after)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, n := range tc.wantIDs {
				want = append(want, testID(n))
			}
			if ids(got) != strings.Join(want, ",") {
				t.Errorf("ids = %s, want %s", ids(got), strings.Join(want, ","))
			}
			wantNext := ""
			if tc.wantNext != 0 {
				wantNext = testID(tc.wantNext)
			}
			if next != wantNext {
				t.Errorf("next = %q, want %q", next, wantNext)
			}
			if len(fake.queries) != tc.queries {
				t.Errorf("%d queries, want %d", len(fake.queries), tc.queries)
			}
			q := fake.queries[0]
			if aws.ToString(q.TableName) != "todos-table" ||
				aws.ToString(q.KeyConditionExpression) != "#owner = :owner" ||
				q.ExpressionAttributeNames["#owner"] != "owner" ||
				sAttr(q.ExpressionAttributeValues, ":owner") != "user-a" ||
				!aws.ToBool(q.ConsistentRead) ||
				aws.ToInt32(q.Limit) != int32(tc.limit+1) {
				t.Errorf("first QueryInput = %+v", q)
			}
			if tc.after == "" && q.ExclusiveStartKey != nil || tc.after != "" &&
				(sAttr(q.ExclusiveStartKey, "id") != tc.after || sAttr(q.ExclusiveStartKey, "owner") != "user-a") {
				t.Errorf("ExclusiveStartKey = %v", q.ExclusiveStartKey)
			}
		})
	}

	for _, limit := range []int{0, -1, 1001} {
		if _, _, err := s.List(ctx, "user-a", limit, ""); err == nil {
			t.Errorf("limit %d accepted", limit)
		}
	}

	fake.pageSize = 2
	fake.queryErr = errors.New("page 2 failed")
	fake.queries = nil
	if _, _, err := s.List(ctx, "user-a", 10, ""); err == nil || !strings.Contains(err.Error(), "page 2 failed") {
		t.Errorf("List err = %v", err)
	}
	fake.queryErr = nil
	fake.stuckPaging = true
	if _, _, err := s.List(ctx, "user-a", 10, ""); err == nil {
		t.Error("List with non-advancing LastEvaluatedKey should fail, not loop forever")
	}
}

// TestHandlerWithDynamoStore exercises the handler end to end over the fake
// DynamoDB client, every route.
func TestHandlerWithDynamoStore(t *testing.T) {
	fake := newFakeDynamo()
	fake.pageSize = 2
	h := NewHandler(NewCachedStore(NewDynamoStore(fake, fake.table), CacheOptions{TTL: time.Minute}), testAuth)
	h.Now = func() time.Time { return fixedNow }

	var created []Todo
	for i := range 3 {
		resp := do(t, h, as("user-a", collectionReq(http.MethodPost, fmt.Sprintf(`{"title":"t%d"}`, i))))
		if resp.StatusCode != 201 {
			t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
		}
		created = append(created, decodeTodo(t, resp))
	}
	l := decodeList(t, do(t, h, as("user-a", listReq(map[string]string{"limit": "2"}))))
	if ids(l.Todos) != ids(created[:2]) || l.NextCursor == nil {
		t.Fatalf("page 1: %+v", l)
	}
	l = decodeList(t, do(t, h, as("user-a", listReq(map[string]string{"limit": "2", "cursor": *l.NextCursor}))))
	if ids(l.Todos) != created[2].ID || l.NextCursor != nil {
		t.Fatalf("page 2: %+v", l)
	}
	if resp := do(t, h, as("user-b", listReq(nil))); resp.Body != `{"todos":[]}` {
		t.Fatalf("user-b list: %s", resp.Body)
	}
	if resp := do(t, h, as("user-b", itemReq(http.MethodGet, created[0].ID))); resp.StatusCode != 404 {
		t.Fatalf("user-b GET of user-a todo: %d %s", resp.StatusCode, resp.Body)
	}

	resp := do(t, h, as("user-a", patchReq(created[0].ID, `{"done":true,"title":"t0!"}`)))
	if got := decodeTodo(t, resp); resp.StatusCode != 200 || !got.Done || got.Title != "t0!" || !got.CreatedAt.Equal(created[0].CreatedAt) {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, resp.Body)
	}
	// Read-your-writes through the cache.
	if got := decodeTodo(t, do(t, h, as("user-a", itemReq(http.MethodGet, created[0].ID)))); !got.Done {
		t.Errorf("GET after PATCH: %+v", got)
	}
	if resp := do(t, h, as("user-a", itemReq(http.MethodDelete, created[1].ID))); resp.StatusCode != 204 {
		t.Fatalf("DELETE: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := do(t, h, as("user-a", itemReq(http.MethodDelete, created[1].ID))); resp.StatusCode != 404 {
		t.Fatalf("second DELETE: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := do(t, h, as("user-a", patchReq(created[1].ID, `{"done":true}`))); resp.StatusCode != 404 {
		t.Fatalf("PATCH deleted: %d %s", resp.StatusCode, resp.Body)
	}
	if len(fake.items) != 2 {
		t.Errorf("%d items in the table, want 2", len(fake.items))
	}
	l = decodeList(t, do(t, h, as("user-a", listReq(nil))))
	if ids(l.Todos) != created[0].ID+","+created[2].ID {
		t.Errorf("final list %s", ids(l.Todos))
	}
}
