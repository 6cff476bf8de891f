package todos

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

var fixedNow = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))

// memStore is an in-memory fake Store.
type memStore struct {
	mu      sync.Mutex
	items   map[string]map[string]Todo // owner -> id -> todo
	failPut error
	failGet error
	failLst error
	puts    int
}

func newMemStore() *memStore { return &memStore{items: map[string]map[string]Todo{}} }

func (m *memStore) Put(_ context.Context, t Todo) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.puts++
	if m.failPut != nil {
		return m.failPut
	}
	if m.items[t.Owner] == nil {
		m.items[t.Owner] = map[string]Todo{}
	}
	if _, ok := m.items[t.Owner][t.ID]; ok {
		return ErrAlreadyExists
	}
	m.items[t.Owner][t.ID] = t
	return nil
}

func (m *memStore) Get(_ context.Context, owner, id string) (Todo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failGet != nil {
		return Todo{}, m.failGet
	}
	t, ok := m.items[owner][id]
	if !ok {
		return Todo{}, ErrNotFound
	}
	return t, nil
}

func (m *memStore) List(_ context.Context, owner string) ([]Todo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failLst != nil {
		return nil, m.failLst
	}
	var out []Todo // deliberately nil when empty
	for _, t := range m.items[owner] {
		out = append(out, t)
	}
	return out, nil
}

func (m *memStore) add(t Todo) {
	if m.items[t.Owner] == nil {
		m.items[t.Owner] = map[string]Todo{}
	}
	m.items[t.Owner][t.ID] = t
}

type testEnv struct {
	h     *Handler
	store *memStore
	logs  *bytes.Buffer
}

func newTestEnv() *testEnv {
	store := newMemStore()
	logs := &bytes.Buffer{}
	n := 0
	h := &Handler{
		Store:  store,
		Now:    func() time.Time { return fixedNow },
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		newID: func() (string, error) {
			n++
			return fmt.Sprintf("id-%d", n), nil
		},
	}
	return &testEnv{h: h, store: store, logs: logs}
}

func claims(sub any) map[string]any {
	return map[string]any{"claims": map[string]any{"sub": sub, "email": "x@example.com"}}
}

func collectionReq(method, body string) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{HTTPMethod: method, Resource: "/todos", Path: "/todos", Body: body}
}

func itemReq(method, id string) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{
		HTTPMethod:     method,
		Resource:       "/todos/{id}",
		Path:           "/todos/" + id,
		PathParameters: map[string]string{"id": id},
	}
}

func withOwner(req events.APIGatewayProxyRequest, sub string) events.APIGatewayProxyRequest {
	req.RequestContext.Authorizer = claims(sub)
	return req
}

// checkResponse asserts the invariants every response must satisfy.
func checkResponse(t *testing.T, resp events.APIGatewayProxyResponse) {
	t.Helper()
	if got := resp.Headers["Content-Type"]; got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &obj); err != nil {
		t.Errorf("body is not a JSON object: %v (%q)", err, resp.Body)
	}
	if resp.StatusCode >= 400 {
		if msg, ok := obj["error"].(string); !ok || msg == "" {
			t.Errorf("error response without error message: %q", resp.Body)
		}
	}
}

func errorOf(t *testing.T, resp events.APIGatewayProxyResponse) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &e); err != nil {
		t.Fatalf("unmarshal error body: %v", err)
	}
	return e.Error
}

func TestCreate(t *testing.T) {
	wantTime := "2024-05-06T06:08:09Z"
	tests := []struct {
		name      string
		body      string
		b64       bool
		wantTitle string
		wantDone  bool
	}{
		{"minimal", `{"title":"buy milk"}`, false, "buy milk", false},
		{"done false explicit", `{"title":"buy milk","done":false}`, false, "buy milk", false},
		{"done true", `{"title":"ship it","done":true}`, false, "ship it", true},
		{"done null", `{"title":"x","done":null}`, false, "x", false},
		{"title trimmed", "{\"title\":\"  \\t spaced out \\n \"}", false, "spaced out", false},
		{"surrounding whitespace", " \n {\"title\":\"ws\"} \n ", false, "ws", false},
		{"200 multibyte runes", `{"title":"` + strings.Repeat("é", 200) + `"}`, false, strings.Repeat("é", 200), false},
		{"200 runes after trim", `{"title":"  ` + strings.Repeat("a", 200) + `  "}`, false, strings.Repeat("a", 200), false},
		{"base64 body", base64.StdEncoding.EncodeToString([]byte(`{"title":"from b64","done":true}`)), true, "from b64", true},
		{"body exactly at limit", `{"title":"big"}` + strings.Repeat(" ", MaxBodyBytes-len(`{"title":"big"}`)), false, "big", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			req := collectionReq(http.MethodPost, tc.body)
			req.IsBase64Encoded = tc.b64
			resp, err := env.h.Handle(context.Background(), req)
			if err != nil {
				t.Fatalf("Handle error: %v", err)
			}
			checkResponse(t, resp)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status = %d, body %s", resp.StatusCode, resp.Body)
			}
			var raw map[string]any
			if err := json.Unmarshal([]byte(resp.Body), &raw); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"id": "id-1", "owner": AnonymousOwner, "title": tc.wantTitle,
				"done": tc.wantDone, "created_at": wantTime,
			}
			if fmt.Sprint(raw) != fmt.Sprint(want) {
				t.Errorf("body = %v, want %v", raw, want)
			}
			stored, err := env.store.Get(context.Background(), AnonymousOwner, "id-1")
			if err != nil {
				t.Fatalf("todo not stored: %v", err)
			}
			if stored.Title != tc.wantTitle || stored.Done != tc.wantDone || stored.CreatedAt.Format(time.RFC3339) != wantTime {
				t.Errorf("stored = %+v", stored)
			}
		})
	}
}

func TestCreateValidation(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name       string
		body       string
		b64        bool
		wantStatus int
		wantErr    string // substring
	}{
		{"empty body", "", false, 400, "request body is required"},
		{"whitespace body", "  \n", false, 400, "request body is required"},
		{"missing title", `{"done":true}`, false, 400, "title is required"},
		{"empty object", `{}`, false, 400, "title is required"},
		{"null title", `{"title":null}`, false, 400, "title is required"},
		{"empty title", `{"title":""}`, false, 400, "title is required"},
		{"blank title", `{"title":"  \t\n "}`, false, 400, "title is required"},
		{"title too long", `{"title":"` + strings.Repeat("a", 201) + `"}`, false, 400, "title must be at most 200 characters"},
		{"title too long multibyte", `{"title":"` + strings.Repeat("日", 201) + `"}`, false, 400, "title must be at most 200 characters"},
		{"title number", `{"title":42}`, false, 400, "title must be a string"},
		{"title object", `{"title":{"a":1}}`, false, 400, "title must be a string"},
		{"done string", `{"title":"x","done":"yes"}`, false, 400, "done must be a boolean"},
		{"done number", `{"title":"x","done":1}`, false, 400, "done must be a boolean"},
		{"unknown field", `{"title":"x","priority":1}`, false, 400, `unknown field "priority"`},
		{"unknown field id", `{"title":"x","id":"mine"}`, false, 400, `unknown field "id"`},
		{"unknown field owner", `{"title":"x","owner":"someone-else"}`, false, 400, `unknown field "owner"`},
		{"array body", `[{"title":"x"}]`, false, 400, "request body must be a JSON object"},
		{"null body", `null`, false, 400, "request body must be a JSON object"},
		{"string body", `"title"`, false, 400, "request body must be a JSON object"},
		{"number body", `12`, false, 400, "request body must be a JSON object"},
		{"form body", `title=x`, false, 400, "request body must be a JSON object"},
		{"truncated json", `{"title":"x"`, false, 400, "request body is not valid JSON"},
		{"syntax error", `{"title":"x",}`, false, 400, "request body is not valid JSON"},
		{"trailing object", `{"title":"x"}{"title":"y"}`, false, 400, "request body must contain a single JSON object"},
		{"trailing garbage", `{"title":"x"} nope`, false, 400, "request body must contain a single JSON object"},
		{"invalid base64", "!!!not base64!!!", true, 400, "request body is not valid base64"},
		{"base64 of bad json", b64(`{"title":`), true, 400, "request body is not valid JSON"},
		{"base64 unknown field", b64(`{"title":"x","x":1}`), true, 400, `unknown field "x"`},
		{"oversized body", `{"title":"x"}` + strings.Repeat(" ", MaxBodyBytes), false, 413, "request body too large"},
		{"oversized by one byte", `{"title":"x"}` + strings.Repeat(" ", MaxBodyBytes-len(`{"title":"x"}`)+1), false, 413, "request body too large"},
		{"oversized base64 decoded", b64(`{"title":"x"}` + strings.Repeat(" ", MaxBodyBytes-len(`{"title":"x"}`)+1)), true, 413, "request body too large"},
		{"oversized base64 encoded", strings.Repeat("A", 4*MaxBodyBytes), true, 413, "request body too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			req := collectionReq(http.MethodPost, tc.body)
			req.IsBase64Encoded = tc.b64
			resp, err := env.h.Handle(context.Background(), req)
			if err != nil {
				t.Fatalf("Handle error: %v", err)
			}
			checkResponse(t, resp)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", resp.StatusCode, tc.wantStatus, resp.Body)
			}
			if msg := errorOf(t, resp); !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error = %q, want it to contain %q", msg, tc.wantErr)
			}
			if env.store.puts != 0 {
				t.Errorf("store.Put called %d times for invalid input", env.store.puts)
			}
		})
	}
}

func TestList(t *testing.T) {
	t.Run("empty is an array, not null", func(t *testing.T) {
		env := newTestEnv()
		resp, _ := env.h.Handle(context.Background(), collectionReq(http.MethodGet, ""))
		checkResponse(t, resp)
		if resp.StatusCode != 200 || resp.Body != `{"todos":[]}` {
			t.Fatalf("got %d %s", resp.StatusCode, resp.Body)
		}
	})
	t.Run("sorted by created_at then id, owner scoped", func(t *testing.T) {
		env := newTestEnv()
		t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		env.store.add(Todo{ID: "c", Owner: AnonymousOwner, Title: "third", CreatedAt: t0.Add(time.Hour)})
		env.store.add(Todo{ID: "b", Owner: AnonymousOwner, Title: "second", CreatedAt: t0})
		env.store.add(Todo{ID: "a", Owner: AnonymousOwner, Title: "first", CreatedAt: t0})
		env.store.add(Todo{ID: "z", Owner: AnonymousOwner, Title: "oldest", CreatedAt: t0.Add(-time.Hour)})
		env.store.add(Todo{ID: "other", Owner: "user-b", Title: "not mine", CreatedAt: t0})
		resp, _ := env.h.Handle(context.Background(), collectionReq(http.MethodGet, ""))
		checkResponse(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		var got struct{ Todos []Todo }
		if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, td := range got.Todos {
			ids = append(ids, td.ID)
		}
		if strings.Join(ids, ",") != "z,a,b,c" {
			t.Errorf("order = %v, want z,a,b,c", ids)
		}
	})
}

func TestGet(t *testing.T) {
	env := newTestEnv()
	want := Todo{ID: "abc", Owner: AnonymousOwner, Title: "t", Done: true, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	env.store.add(want)

	resp, _ := env.h.Handle(context.Background(), itemReq(http.MethodGet, "abc"))
	checkResponse(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	wantBody := `{"id":"abc","owner":"anonymous","title":"t","done":true,"created_at":"2024-01-02T03:04:05Z"}`
	if resp.Body != wantBody {
		t.Errorf("body = %s, want %s", resp.Body, wantBody)
	}

	for _, id := range []string{"missing", strings.Repeat("x", 2000), "bad\xffutf8"} {
		resp, _ = env.h.Handle(context.Background(), itemReq(http.MethodGet, id))
		checkResponse(t, resp)
		if resp.StatusCode != 404 || errorOf(t, resp) != "todo not found" {
			t.Errorf("id %.20q: got %d %s", id, resp.StatusCode, resp.Body)
		}
	}
}

func TestRouting(t *testing.T) {
	env := newTestEnv()
	env.store.add(Todo{ID: "abc", Owner: AnonymousOwner, Title: "t", CreatedAt: fixedNow})
	tests := []struct {
		name       string
		req        events.APIGatewayProxyRequest
		wantStatus int
		wantAllow  string
	}{
		{"resource list", collectionReq("GET", ""), 200, ""},
		{"resource item", itemReq("GET", "abc"), 200, ""},
		{"path only list", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/todos"}, 200, ""},
		{"path only list trailing slash", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/todos/"}, 200, ""},
		{"path only item", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/todos/abc"}, 200, ""},
		{"path with stage list", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/prod/todos"}, 200, ""},
		{"path with stage item", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/prod/todos/abc"}, 200, ""},
		{"proxy resource falls back to path", events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/{proxy+}", Path: "/todos/abc"}, 200, ""},
		{"item resource without path params", events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/todos/{id}", Path: "/todos/abc"}, 200, ""},
		{"path item missing", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/todos/nope"}, 404, ""},
		{"root", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/"}, 404, ""},
		{"empty", events.APIGatewayProxyRequest{}, 404, ""},
		{"unknown path", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/users"}, 404, ""},
		{"unknown resource and path", events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/users", Path: "/users"}, 404, ""},
		{"too deep", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/todos/abc/extra"}, 404, ""},
		{"too deep with stage", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/a/b/todos/abc"}, 404, ""},
		{"empty segment", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/todos//abc"}, 404, ""},
		{"delete collection", collectionReq("DELETE", ""), 405, "GET, POST"},
		{"put collection", collectionReq("PUT", `{"title":"x"}`), 405, "GET, POST"},
		{"lowercase method", collectionReq("get", ""), 405, "GET, POST"},
		{"empty method collection", collectionReq("", ""), 405, "GET, POST"},
		{"post item", itemReq("POST", "abc"), 405, "GET"},
		{"delete item", itemReq("DELETE", "abc"), 405, "GET"},
		{"patch item via path", events.APIGatewayProxyRequest{HTTPMethod: "PATCH", Path: "/todos/abc"}, 405, "GET"},
		{"options collection", collectionReq("OPTIONS", ""), 405, "GET, POST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := env.h.Handle(context.Background(), tc.req)
			if err != nil {
				t.Fatalf("Handle error: %v", err)
			}
			checkResponse(t, resp)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", resp.StatusCode, tc.wantStatus, resp.Body)
			}
			if got := resp.Headers["Allow"]; got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
			if tc.wantStatus == 405 && errorOf(t, resp) != "method not allowed" {
				t.Errorf("error = %q", errorOf(t, resp))
			}
		})
	}
}

func TestStoreFailures(t *testing.T) {
	secret := "super-secret-title-do-not-log"
	tests := []struct {
		name  string
		setup func(*memStore)
		req   events.APIGatewayProxyRequest
	}{
		{"put", func(m *memStore) { m.failPut = errors.New("boom: put exploded") }, collectionReq("POST", `{"title":"`+secret+`"}`)},
		{"put conflict", func(m *memStore) { m.failPut = ErrAlreadyExists }, collectionReq("POST", `{"title":"`+secret+`"}`)},
		{"get", func(m *memStore) { m.failGet = errors.New("boom: get exploded") }, itemReq("GET", "abc")},
		{"list", func(m *memStore) { m.failLst = errors.New("boom: list exploded") }, collectionReq("GET", "")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv()
			tc.setup(env.store)
			req := tc.req
			req.Headers = map[string]string{"Authorization": "Bearer tok-secret"}
			req.RequestContext.RequestID = "req-123"
			resp, err := env.h.Handle(context.Background(), req)
			if err != nil {
				t.Fatalf("Handle error: %v", err)
			}
			checkResponse(t, resp)
			if resp.StatusCode != 500 || resp.Body != `{"error":"internal error"}` {
				t.Fatalf("got %d %s", resp.StatusCode, resp.Body)
			}
			logs := env.logs.String()
			if !strings.Contains(logs, "req-123") || !strings.Contains(logs, `"level":"ERROR"`) {
				t.Errorf("expected error log with request id, got %s", logs)
			}
			if tc.name != "put conflict" && !strings.Contains(logs, "exploded") {
				t.Errorf("real error not logged: %s", logs)
			}
			if strings.Contains(logs, secret) || strings.Contains(logs, "tok-secret") {
				t.Errorf("log leaks request body or token: %s", logs)
			}
		})
	}
}

func TestIDGenerationFailure(t *testing.T) {
	env := newTestEnv()
	env.h.newID = func() (string, error) { return "", errors.New("entropy exhausted") }
	resp, _ := env.h.Handle(context.Background(), collectionReq("POST", `{"title":"x"}`))
	checkResponse(t, resp)
	if resp.StatusCode != 500 || env.store.puts != 0 {
		t.Fatalf("got %d, puts %d", resp.StatusCode, env.store.puts)
	}
}

func TestOwnerIsolation(t *testing.T) {
	env := newTestEnv()
	ctx := context.Background()

	resp, _ := env.h.Handle(ctx, withOwner(collectionReq("POST", `{"title":"alice's"}`), "user-a"))
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
	}
	var created Todo
	if err := json.Unmarshal([]byte(resp.Body), &created); err != nil {
		t.Fatal(err)
	}
	if created.Owner != "user-a" {
		t.Fatalf("owner = %q, want user-a", created.Owner)
	}

	// Owner A sees it.
	resp, _ = env.h.Handle(ctx, withOwner(itemReq("GET", created.ID), "user-a"))
	if resp.StatusCode != 200 {
		t.Errorf("owner GET: %d", resp.StatusCode)
	}
	// User B and anonymous get 404, not 403, and cannot see it in lists.
	for _, req := range []events.APIGatewayProxyRequest{
		withOwner(itemReq("GET", created.ID), "user-b"),
		itemReq("GET", created.ID),
	} {
		resp, _ = env.h.Handle(ctx, req)
		checkResponse(t, resp)
		if resp.StatusCode != 404 {
			t.Errorf("foreign GET: %d %s", resp.StatusCode, resp.Body)
		}
	}
	resp, _ = env.h.Handle(ctx, withOwner(collectionReq("GET", ""), "user-b"))
	if resp.Body != `{"todos":[]}` {
		t.Errorf("user-b list = %s", resp.Body)
	}
	resp, _ = env.h.Handle(ctx, collectionReq("GET", ""))
	if resp.Body != `{"todos":[]}` {
		t.Errorf("anonymous list = %s", resp.Body)
	}
	resp, _ = env.h.Handle(ctx, withOwner(collectionReq("GET", ""), "user-a"))
	if !strings.Contains(resp.Body, created.ID) {
		t.Errorf("user-a list = %s", resp.Body)
	}
}

func TestOwnerOf(t *testing.T) {
	tests := []struct {
		name       string
		authorizer map[string]any
		want       string
		wantOK     bool
	}{
		{"no authorizer", nil, AnonymousOwner, true},
		{"authorizer without claims", map[string]any{"principalId": "x"}, AnonymousOwner, true},
		{"nil claims", map[string]any{"claims": nil}, AnonymousOwner, true},
		{"cognito claims", claims("1234-abcd"), "1234-abcd", true},
		{"string map claims", map[string]any{"claims": map[string]string{"sub": "s1"}}, "s1", true},
		{"claims without sub", map[string]any{"claims": map[string]any{"email": "e"}}, "", false},
		{"empty sub", claims(""), "", false},
		{"non-string sub", claims(42), "", false},
		{"claims not a map", map[string]any{"claims": "sub=x"}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := events.APIGatewayProxyRequest{}
			req.RequestContext.Authorizer = tc.authorizer
			got, ok := ownerOf(req)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("ownerOf = %q, %v; want %q, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestMalformedClaimsRejected(t *testing.T) {
	env := newTestEnv()
	for _, req := range []events.APIGatewayProxyRequest{
		collectionReq("GET", ""), collectionReq("POST", `{"title":"x"}`), itemReq("GET", "abc"),
	} {
		req.RequestContext.Authorizer = map[string]any{"claims": map[string]any{"email": "e"}}
		resp, _ := env.h.Handle(context.Background(), req)
		checkResponse(t, resp)
		if resp.StatusCode != 401 {
			t.Errorf("%s %s: %d", req.HTTPMethod, req.Resource, resp.StatusCode)
		}
	}
	if env.store.puts != 0 {
		t.Error("store written with malformed claims")
	}
}

func TestDefaults(t *testing.T) {
	store := newMemStore()
	h := NewHandler(store)
	before := time.Now().UTC().Truncate(time.Second)
	resp, _ := h.Handle(context.Background(), collectionReq("POST", `{"title":"x"}`))
	after := time.Now().UTC()
	checkResponse(t, resp)
	if resp.StatusCode != 201 {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
	}
	var raw struct {
		ID        string `json:"id"`
		CreatedAt string `json:"created_at"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &raw); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(raw.ID) {
		t.Errorf("id %q is not 128-bit hex", raw.ID)
	}
	ts, err := time.Parse(time.RFC3339, raw.CreatedAt)
	if err != nil || ts.Format(time.RFC3339) != raw.CreatedAt || !strings.HasSuffix(raw.CreatedAt, "Z") {
		t.Errorf("created_at %q is not RFC3339 UTC: %v", raw.CreatedAt, err)
	}
	if ts.Before(before) || ts.After(after) {
		t.Errorf("created_at %v not in [%v, %v]", ts, before, after)
	}
	seen := map[string]bool{}
	for range 100 {
		id, err := randomID()
		if err != nil || seen[id] {
			t.Fatalf("randomID: %q %v (dup=%v)", id, err, seen[id])
		}
		seen[id] = true
	}
}

func TestNilStoreDoesNotPanic(t *testing.T) {
	h := &Handler{Logger: slog.New(slog.DiscardHandler)}
	resp, err := h.Handle(context.Background(), collectionReq("GET", ""))
	if err != nil {
		t.Fatal(err)
	}
	checkResponse(t, resp)
	if resp.StatusCode != 500 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func FuzzHandle(f *testing.F) {
	f.Add("POST", "/todos", "", `{"title":"hello","done":true}`, false, false)
	f.Add("POST", "/todos", "/todos", `{"title":"hello","extra":1}`, false, true)
	f.Add("POST", "/todos", "/todos", base64.StdEncoding.EncodeToString([]byte(`{"title":"b"}`)), true, false)
	f.Add("GET", "/todos", "/todos", "", false, false)
	f.Add("GET", "/todos/seed", "/todos/{id}", "", false, true)
	f.Add("GET", "/prod/todos/seed", "", "", false, false)
	f.Add("DELETE", "/todos/x", "/todos/{id}", "", false, false)
	f.Add("POST", "/todos", "/todos", `[1,2,3]`, false, false)
	f.Add("POST", "/todos", "/todos", `{"title":"`+strings.Repeat("x", 300)+`"}`, false, false)
	f.Add("POST", "/todos", "/todos", "{\"title\":\"\xff\xfe\"}", false, false)
	f.Add("GET", "//", "/{proxy+}", "", true, false)

	f.Fuzz(func(t *testing.T, method, path, resource, body string, b64, withClaims bool) {
		store := newMemStore()
		store.add(Todo{ID: "seed", Owner: AnonymousOwner, Title: "seed", CreatedAt: fixedNow})
		h := &Handler{Store: store, Logger: slog.New(slog.DiscardHandler)}
		req := events.APIGatewayProxyRequest{
			HTTPMethod:      method,
			Path:            path,
			Resource:        resource,
			Body:            body,
			IsBase64Encoded: b64,
		}
		if strings.HasPrefix(resource, "/todos/") {
			req.PathParameters = map[string]string{"id": strings.TrimPrefix(path, "/todos/")}
		}
		if withClaims {
			req.RequestContext.Authorizer = claims(path)
		}
		resp, err := h.Handle(context.Background(), req)
		if err != nil {
			t.Fatalf("Handle returned error: %v", err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 599 {
			t.Fatalf("status %d out of range", resp.StatusCode)
		}
		// The fake store never fails, so a 500 means a recovered panic or
		// another bug.
		if resp.StatusCode == 500 {
			t.Fatalf("unexpected 500: %s", resp.Body)
		}
		if !json.Valid([]byte(resp.Body)) {
			t.Fatalf("body is not valid JSON: %q", resp.Body)
		}
		if resp.Headers["Content-Type"] != "application/json" {
			t.Fatalf("Content-Type = %q", resp.Headers["Content-Type"])
		}
	})
}
