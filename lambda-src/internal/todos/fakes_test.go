package todos

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/oklog/ulid/v2"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
)

var fixedNow = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))

// testID is a deterministic, valid todo id; ids sort by n.
func testID(n int) string {
	return ulid.MustNew(ulid.Timestamp(fixedNow)+uint64(n), bytes.NewReader(make([]byte, 10))).String()
}

// memStore is an in-memory fake Store that keeps each owner's todos in id
// order, as DynamoDB does.
type memStore struct {
	mu       sync.Mutex
	items    map[string]map[string]Todo // owner -> id -> todo
	failPut  error
	failGet  error
	failLst  error
	failUpd  error
	failDel  error
	calls    map[string]int
	getDelay time.Duration
}

func newMemStore() *memStore {
	return &memStore{items: map[string]map[string]Todo{}, calls: map[string]int{}}
}

func (m *memStore) count(op string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls[op]
}

func (m *memStore) writes() int { return m.count("put") + m.count("update") + m.count("delete") }

func (m *memStore) Put(_ context.Context, t Todo) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["put"]++
	if m.failPut != nil {
		return m.failPut
	}
	if _, ok := m.items[t.Owner][t.ID]; ok {
		return ErrAlreadyExists
	}
	m.addLocked(t)
	return nil
}

func (m *memStore) Get(_ context.Context, owner, id string) (Todo, error) {
	if m.getDelay > 0 {
		// Wait without time.Sleep, which on some hosts cannot sleep less
		// than about a millisecond (timer slack), 5x the round trip the
		// benchmark stands for.
		for start := time.Now(); time.Since(start) < m.getDelay; {
			runtime.Gosched()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["get"]++
	if m.failGet != nil {
		return Todo{}, m.failGet
	}
	t, ok := m.items[owner][id]
	if !ok {
		return Todo{}, ErrNotFound
	}
	return t, nil
}

func (m *memStore) Update(_ context.Context, owner, id string, p Patch) (Todo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["update"]++
	if m.failUpd != nil {
		return Todo{}, m.failUpd
	}
	t, ok := m.items[owner][id]
	if !ok {
		return Todo{}, ErrNotFound
	}
	if p.Title != nil {
		t.Title = *p.Title
	}
	if p.Done != nil {
		t.Done = *p.Done
	}
	m.items[owner][id] = t
	return t, nil
}

func (m *memStore) Delete(_ context.Context, owner, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["delete"]++
	if m.failDel != nil {
		return m.failDel
	}
	if _, ok := m.items[owner][id]; !ok {
		return ErrNotFound
	}
	delete(m.items[owner], id)
	return nil
}

func (m *memStore) List(_ context.Context, owner string, limit int, after string) ([]Todo, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["list"]++
	if m.failLst != nil {
		return nil, "", m.failLst
	}
	if limit < 1 {
		return nil, "", fmt.Errorf("limit %d", limit)
	}
	ids := make([]string, 0, len(m.items[owner]))
	for id := range m.items[owner] {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := []Todo{}
	for _, id := range ids[:min(limit, len(ids))] {
		out = append(out, m.items[owner][id])
	}
	if len(ids) > limit {
		return out, out[len(out)-1].ID, nil
	}
	return out, "", nil
}

func (m *memStore) add(t Todo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.addLocked(t)
}

func (m *memStore) addLocked(t Todo) {
	if m.items[t.Owner] == nil {
		m.items[t.Owner] = map[string]Todo{}
	}
	m.items[t.Owner][t.ID] = t
}

// fakeVerifier accepts "tok-<sub>" tokens and "expired" (as expired).
type fakeVerifier struct{}

func (fakeVerifier) Verify(_ context.Context, token string) (auth.Identity, error) {
	switch {
	case token == "expired":
		return auth.Identity{}, fmt.Errorf("%w: exp in the past", auth.ErrExpiredToken)
	case strings.HasPrefix(token, "tok-") && len(token) > 4:
		return auth.Identity{Subject: strings.TrimPrefix(token, "tok-")}, nil
	}
	return auth.Identity{}, fmt.Errorf("%w: not a test token", auth.ErrInvalidToken)
}

// testAuth is the real header/claims logic over fakeVerifier.
var testAuth = &auth.Authenticator{Verifier: fakeVerifier{}}

// fixedAuth authenticates every request as one owner.
type fixedAuth string

func (f fixedAuth) Authenticate(context.Context, events.APIGatewayProxyRequest) (auth.Identity, error) {
	return auth.Identity{Subject: string(f)}, nil
}

type testEnv struct {
	h     *Handler
	store *memStore
	logs  *bytes.Buffer
}

func newTestEnv() *testEnv {
	store := newMemStore()
	logs := &bytes.Buffer{}
	var mu sync.Mutex
	n := 0
	h := &Handler{
		Store:  store,
		Auth:   testAuth,
		Now:    func() time.Time { return fixedNow },
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		newID: func(time.Time) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			n++
			return testID(n), nil
		},
	}
	return &testEnv{h: h, store: store, logs: logs}
}

func collectionReq(method, body string) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{HTTPMethod: method, Resource: "/todos", Path: "/todos", Body: body}
}

func listReq(query map[string]string) events.APIGatewayProxyRequest {
	r := collectionReq("GET", "")
	r.QueryStringParameters = query
	return r
}

func itemReq(method, id string) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{
		HTTPMethod:     method,
		Resource:       "/todos/{id}",
		Path:           "/todos/" + id,
		PathParameters: map[string]string{"id": id},
	}
}

// patchReq is PATCH /todos/{id} with body.
func patchReq(id, body string) events.APIGatewayProxyRequest {
	r := itemReq(http.MethodPatch, id)
	r.Body = body
	return r
}

// as authenticates req as sub with a bearer token.
func as(sub string, req events.APIGatewayProxyRequest) events.APIGatewayProxyRequest {
	req.Headers = map[string]string{"Authorization": "Bearer tok-" + sub}
	return req
}

// asClaims authenticates req as sub through authorizer claims.
func asClaims(sub string, req events.APIGatewayProxyRequest) events.APIGatewayProxyRequest {
	req.RequestContext.Authorizer = map[string]any{"claims": map[string]any{"sub": sub, "email": "x@example.com"}}
	return req
}

var errBoom = errors.New("boom")
