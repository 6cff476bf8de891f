package posts

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

type fakeStore struct {
	posts map[string]Post
	err   error
}

func (f fakeStore) Get(_ context.Context, id string) (Post, error) {
	if f.err != nil {
		return Post{}, f.err
	}
	p, ok := f.posts[id]
	if !ok {
		return Post{}, ErrNotFound
	}
	return p, nil
}

func (f fakeStore) List(_ context.Context, limit int) ([]Post, error) {
	if f.err != nil {
		return nil, f.err
	}
	var out []Post
	for _, p := range f.posts {
		if len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

func blog() fakeStore {
	return fakeStore{posts: map[string]Post{
		"hello":  {ID: "hello", Title: "Hello", Body: "first", Published: true, PublishedAt: now.Add(-48 * time.Hour)},
		"second": {ID: "second", Title: "Second", Body: "more", Published: true, PublishedAt: now.Add(-time.Hour)},
		"draft":  {ID: "draft", Title: "Draft", Body: "wip", Published: false, PublishedAt: now.Add(-time.Hour)},
		"later":  {ID: "later", Title: "Scheduled", Body: "soon", Published: true, PublishedAt: now.Add(time.Hour)},
	}}
}

// body is every field a response of the API can carry.
type body struct {
	Error string  `json:"error"`
	ID    string  `json:"id"`
	Body  string  `json:"body"`
	Posts []*post `json:"posts"`
}

type post struct {
	ID   string  `json:"id"`
	Body *string `json:"body"`
}

func call(t *testing.T, h *Handler, method, path string, query map[string]string) (int, body, events.APIGatewayProxyResponse) {
	t.Helper()
	resp, err := h.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: method, Path: path, QueryStringParameters: query})
	if err != nil {
		t.Fatalf("Handle returned an error (must be an HTTP response): %v", err)
	}
	var body body
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("body is not JSON: %q", resp.Body)
	}
	return resp.StatusCode, body, resp
}

func TestHandler(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &Handler{Store: blog(), Now: func() time.Time { return now }, Logger: quiet, CacheSeconds: 30}
	broken := &Handler{Store: fakeStore{err: errors.New("throttled")}, Now: func() time.Time { return now }, Logger: quiet}

	tests := []struct {
		name    string
		h       *Handler
		method  string
		path    string
		query   map[string]string
		status  int
		wantIDs []string // for listings, in order
		wantErr string   // substring of the error message
	}{
		{name: "list newest first, published only", h: h, method: "GET", path: "/api/posts", status: 200, wantIDs: []string{"second", "hello"}},
		{name: "list with stage prefix", h: h, method: "GET", path: "/prod/api/posts", status: 200, wantIDs: []string{"second", "hello"}},
		{name: "list limit", h: h, method: "GET", path: "/api/posts", query: map[string]string{"limit": "1"}, status: 200, wantIDs: []string{"second"}},
		{name: "limit zero", h: h, method: "GET", path: "/api/posts", query: map[string]string{"limit": "0"}, status: 400, wantErr: "limit must be"},
		{name: "limit too big", h: h, method: "GET", path: "/api/posts", query: map[string]string{"limit": "101"}, status: 400, wantErr: "1 to 100"},
		{name: "limit not a number", h: h, method: "GET", path: "/api/posts", query: map[string]string{"limit": "ten"}, status: 400, wantErr: "whole number"},
		{name: "unknown query", h: h, method: "GET", path: "/api/posts", query: map[string]string{"sort": "asc"}, status: 400, wantErr: "unknown query parameter"},
		{name: "get", h: h, method: "GET", path: "/api/posts/hello", status: 200},
		{name: "draft hidden", h: h, method: "GET", path: "/api/posts/draft", status: 404, wantErr: "not found"},
		{name: "scheduled hidden", h: h, method: "GET", path: "/api/posts/later", status: 404, wantErr: "not found"},
		{name: "absent", h: h, method: "GET", path: "/api/posts/nope", status: 404, wantErr: "not found"},
		{name: "traversal id", h: h, method: "GET", path: "/api/posts/..", status: 400, wantErr: "slug"},
		{name: "upper-case id", h: h, method: "GET", path: "/api/posts/Hello", status: 400, wantErr: "slug"},
		{name: "write refused", h: h, method: "POST", path: "/api/posts", status: 405, wantErr: "method not allowed"},
		{name: "delete refused", h: h, method: "DELETE", path: "/api/posts/hello", status: 405},
		{name: "other route", h: h, method: "GET", path: "/api/users", status: 404, wantErr: "route not found"},
		{name: "store down on list", h: broken, method: "GET", path: "/api/posts", status: 500, wantErr: "internal error"},
		{name: "store down on get", h: broken, method: "GET", path: "/api/posts/hello", status: 500, wantErr: "internal error"},
		{name: "unconfigured", h: &Handler{Logger: quiet}, method: "GET", path: "/api/posts", status: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, resp := call(t, tt.h, tt.method, tt.path, tt.query)
			if status != tt.status {
				t.Fatalf("status %d, want %d (%s)", status, tt.status, resp.Body)
			}
			if resp.Headers["Content-Type"] != "application/json" {
				t.Errorf("Content-Type %q", resp.Headers["Content-Type"])
			}
			if tt.wantErr != "" && !strings.Contains(body.Error, tt.wantErr) {
				t.Errorf("error %q lacks %q", body.Error, tt.wantErr)
			}
			if status != http.StatusOK {
				if resp.Headers["Cache-Control"] != "no-store" {
					t.Errorf("an error must not be cached, Cache-Control %q", resp.Headers["Cache-Control"])
				}
				return
			}
			if resp.Headers["Cache-Control"] != "public, max-age=30" {
				t.Errorf("Cache-Control %q", resp.Headers["Cache-Control"])
			}
			if tt.wantIDs == nil {
				if body.ID != "hello" || body.Body != "first" {
					t.Errorf("post %+v", body)
				}
				return
			}
			var got []string
			for _, p := range body.Posts {
				got = append(got, p.ID)
				if p.Body != nil {
					t.Errorf("listing carries the body of %v", p.ID)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.wantIDs, ",") {
				t.Errorf("ids %v, want %v", got, tt.wantIDs)
			}
		})
	}
}

func TestResolveRouteWithTemplate(t *testing.T) {
	id, item, ok := resolveRoute(events.APIGatewayProxyRequest{Resource: "/api/posts/{id}", Path: "/api/posts/x", PathParameters: map[string]string{"id": "x"}})
	if !ok || !item || id != "x" {
		t.Fatalf("got %q %v %v", id, item, ok)
	}
}

// fakeDynamo serves GetItem and a paginated Scan (one item per page) over items.
type fakeDynamo struct {
	items []map[string]types.AttributeValue
	scans int
}

func (f *fakeDynamo) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	for _, it := range f.items {
		if str(it["id"]) == str(in.Key["id"]) {
			return &dynamodb.GetItemOutput{Item: it}, nil
		}
	}
	return &dynamodb.GetItemOutput{}, nil
}

func (f *fakeDynamo) Scan(_ context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	f.scans++
	start := 0
	if in.ExclusiveStartKey != nil {
		last := str(in.ExclusiveStartKey["id"])
		for i, it := range f.items {
			if str(it["id"]) == last {
				start = i + 1
			}
		}
	}
	if start >= len(f.items) {
		return &dynamodb.ScanOutput{}, nil
	}
	out := &dynamodb.ScanOutput{Items: f.items[start : start+1]}
	if start+1 < len(f.items) {
		out.LastEvaluatedKey = map[string]types.AttributeValue{"id": f.items[start]["id"]}
	}
	return out, nil
}

// str is a string attribute's value ("" for any other type).
func str(v types.AttributeValue) string {
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func TestDynamoStore(t *testing.T) {
	f := &fakeDynamo{}
	for _, p := range []Post{{ID: "a", Title: "A", Published: true, PublishedAt: now}, {ID: "b", Title: "B", Published: true, PublishedAt: now}, {ID: "c", Title: "C", Published: true, PublishedAt: now}} {
		item, err := attributevalue.MarshalMap(p)
		if err != nil {
			t.Fatal(err)
		}
		f.items = append(f.items, item)
	}
	s := &DynamoStore{Client: f, Table: "posts"}
	all, err := s.List(context.Background(), 10)
	if err != nil || len(all) != 3 {
		t.Fatalf("List: %v %v", all, err)
	}
	if f.scans != 3 {
		t.Errorf("followed %d pages, want 3", f.scans)
	}
	f.scans = 0
	two, _ := s.List(context.Background(), 2)
	if len(two) != 2 || f.scans != 2 {
		t.Errorf("List(2) = %d posts in %d scans, want it to stop after two", len(two), f.scans)
	}
	p, err := s.Get(context.Background(), "b")
	if err != nil || p.Title != "B" || !p.PublishedAt.Equal(now) {
		t.Errorf("Get = %+v, %v", p, err)
	}
	if _, err := s.Get(context.Background(), "zz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(absent) = %v, want ErrNotFound", err)
	}
}

func FuzzHandle(f *testing.F) {
	for _, s := range []string{"/api/posts", "/api/posts/hello", "/prod/api/posts/..%2f", "/api/posts/" + strings.Repeat("a", 200), ""} {
		f.Add("GET", s, "limit", "5")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &Handler{Store: blog(), Now: func() time.Time { return now }, Logger: quiet}
	f.Fuzz(func(t *testing.T, method, path, qk, qv string) {
		resp, err := h.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: method, Path: path, QueryStringParameters: map[string]string{qk: qv}})
		if err != nil || resp.StatusCode == 0 || resp.StatusCode >= 500 {
			t.Fatalf("%s %q ?%s=%s → %d %v", method, path, qk, qv, resp.StatusCode, err)
		}
		if !json.Valid([]byte(resp.Body)) {
			t.Fatalf("body is not JSON: %q", resp.Body)
		}
	})
}
