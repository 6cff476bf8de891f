package orders

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

type fakeStore struct {
	orders  map[string]Order
	failPut error
	failGet error
	pingErr error
}

func (f *fakeStore) Put(_ context.Context, o Order) error {
	if f.failPut != nil {
		return f.failPut
	}
	f.orders[o.ID] = o
	return nil
}

func (f *fakeStore) Get(_ context.Context, id string) (Order, error) {
	if f.failGet != nil {
		return Order{}, f.failGet
	}
	o, ok := f.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	return o, nil
}

func (f *fakeStore) Ping(context.Context) error { return f.pingErr }

const knownID = "0123456789abcdef0123456789abcdef"

func TestHandler(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	known := Order{ID: knownID, Customer: "ada", Item: "book", Quantity: 2, CreatedAt: now}
	tests := []struct {
		name       string
		store      *fakeStore
		method     string
		path       string
		body       string
		wantStatus int
		wantBody   string // substring
	}{
		{"create", &fakeStore{}, "POST", "/orders", `{"customer":"ada","item":"book","quantity":3}`, 201, `"id":"ffffffffffffffffffffffffffffffff","customer":"ada","item":"book","quantity":3,"created_at":"2026-11-26T12:00:00Z"`},
		{"read", &fakeStore{}, "GET", "/orders/" + knownID, "", 200, `"customer":"ada","item":"book","quantity":2`},
		{"unknown id", &fakeStore{}, "GET", "/orders/ffffffffffffffffffffffffffffffff", "", 404, `"error":"order not found"`},
		{"malformed id", &fakeStore{}, "GET", "/orders/..%2Fetc", "", 400, `32 lowercase hex`},
		{"typo in a field", &fakeStore{}, "POST", "/orders", `{"customer":"ada","itme":"book","quantity":1}`, 400, `no other fields`},
		{"missing item", &fakeStore{}, "POST", "/orders", `{"customer":"ada","quantity":1}`, 400, `item is required`},
		{"blank customer", &fakeStore{}, "POST", "/orders", `{"customer":"  ","item":"x","quantity":1}`, 400, `customer must be 1-200 characters`},
		{"control characters", &fakeStore{}, "POST", "/orders", `{"customer":"a\u0000b","item":"x","quantity":1}`, 400, `printable`},
		{"zero quantity", &fakeStore{}, "POST", "/orders", `{"customer":"a","item":"x","quantity":0}`, 400, `quantity must be`},
		{"fractional quantity", &fakeStore{}, "POST", "/orders", `{"customer":"a","item":"x","quantity":1.5}`, 400, `invalid JSON`},
		{"huge quantity", &fakeStore{}, "POST", "/orders", `{"customer":"a","item":"x","quantity":100000}`, 400, `quantity must be`},
		{"not JSON", &fakeStore{}, "POST", "/orders", `customer=ada`, 400, `invalid JSON`},
		{"two objects", &fakeStore{}, "POST", "/orders", `{"customer":"a","item":"x","quantity":1}{}`, 400, `one object expected`},
		{"too large", &fakeStore{}, "POST", "/orders", `{"customer":"` + strings.Repeat("a", 20000) + `"}`, 413, `body larger than`},
		{"wrong method", &fakeStore{}, "DELETE", "/orders/" + knownID, "", 405, `use GET`},
		{"no route", &fakeStore{}, "GET", "/admin", "", 404, `no such route`},
		{"store down on write", &fakeStore{failPut: errors.New("connection refused")}, "POST", "/orders", `{"customer":"a","item":"x","quantity":1}`, 500, `could not store the order`},
		{"store down on read", &fakeStore{failGet: errors.New("timeout")}, "GET", "/orders/" + knownID, "", 500, `could not read the order`},
		{"healthy", &fakeStore{}, "GET", "/healthz", "", 200, `"status":"ok"`},
		{"unhealthy", &fakeStore{pingErr: errors.New("down")}, "GET", "/healthz", "", 503, `store unreachable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.store.orders == nil {
				tt.store.orders = map[string]Order{knownID: known}
			}
			h := &Handler{
				Store: tt.store,
				Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
				Now:   func() time.Time { return now },
				NewID: func() string { return "ffffffffffffffffffffffffffffffff" },
			}
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Fatalf("%s %s: HTTP %d %s, want %d containing %s", tt.method, tt.path, rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q", ct)
			}
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			if tt.wantStatus == 201 {
				if _, ok := tt.store.orders["ffffffffffffffffffffffffffffffff"]; !ok || rec.Header().Get("Location") != "/orders/ffffffffffffffffffffffffffffffff" {
					t.Fatal("created order not stored or no Location")
				}
			}
		})
	}
}

type fakePublisher struct {
	events []Event
	err    error
}

// TestRefusedBodyIsNotEchoed: whatever the JSON decoder says about a refused body (here an unknown field's name, a
// value of the wrong type) stays out of the answer, which is the fixed InvalidJSONMessage.
func TestRefusedBodyIsNotEchoed(t *testing.T) {
	for _, body := range []string{`{"<script>alert(1)</script>":1}`, `{"customer":"a","item":"x","quantity":"<img src=x>"}`, `{"customer":`} {
		h := &Handler{Store: &fakeStore{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/orders", strings.NewReader(body)))
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 400 || got["error"] != InvalidJSONMessage {
			t.Errorf("POST %s: HTTP %d %s (%v), want 400 with the fixed message", body, rec.Code, rec.Body, err)
		}
	}
}

func (f *fakePublisher) Publish(_ context.Context, e Event) error {
	f.events = append(f.events, e)
	return f.err
}

// TestHandlerPublishes: a stored order is announced once; a failed publish does not fail the request; a failed store
// announces nothing.
func TestHandlerPublishes(t *testing.T) {
	tests := []struct {
		name       string
		store      *fakeStore
		pubErr     error
		wantStatus int
		wantEvents int
	}{
		{"stored and announced", &fakeStore{orders: map[string]Order{}}, nil, 201, 1},
		{"publish fails, order still created", &fakeStore{orders: map[string]Order{}}, errors.New("throttled"), 201, 1},
		{"store fails, nothing announced", &fakeStore{failPut: errors.New("down")}, nil, 500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub := &fakePublisher{err: tt.pubErr}
			h := &Handler{Store: tt.store, Events: pub, Source: "service-c", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("POST", "/orders", strings.NewReader(`{"customer":"a","item":"b","quantity":1}`)))
			if rec.Code != tt.wantStatus || len(pub.events) != tt.wantEvents {
				t.Fatalf("HTTP %d with %d events, want %d with %d", rec.Code, len(pub.events), tt.wantStatus, tt.wantEvents)
			}
			if tt.wantEvents == 1 && (pub.events[0].Type != "order.created" || pub.events[0].Source != "service-c" || pub.events[0].Order.Item != "b") {
				t.Fatalf("event %+v", pub.events[0])
			}
		})
	}
}

type fakeSecrets struct {
	value string
	err   error
	calls int
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls++
	if aws.ToString(in.SecretId) != "arn:secret" {
		return nil, errors.New("wrong secret " + aws.ToString(in.SecretId))
	}
	if f.err != nil {
		return nil, f.err
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(f.value)}, nil
}

func TestPostgresConfig(t *testing.T) {
	env := map[string]string{"DB_HOST": "db.example", "DB_PORT": "6543", "DB_NAME": "orders", "DB_SECRET_ARN": "arn:secret"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name     string
		env      map[string]string
		secret   fakeSecrets
		wantErr  string
		wantUser string
	}{
		{"from secret", nil, fakeSecrets{value: `{"username":"app","password":"p@ss/word"}`}, "", "app"},
		{"secret unreadable", nil, fakeSecrets{err: errors.New("AccessDenied")}, "read database secret: AccessDenied", ""},
		{"secret not JSON", nil, fakeSecrets{value: `hunter2`}, "not JSON with username and password", ""},
		{"missing host", map[string]string{"DB_HOST": ""}, fakeSecrets{}, "DB_HOST", ""},
		{"bad port", map[string]string{"DB_PORT": "http"}, fakeSecrets{}, `DB_PORT "http" is not a port number`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				old := env[k]
				env[k] = v
				defer func() { env[k] = old }()
			}
			cfg, err := PostgresConfig(getenv, &tt.secret)
			if err == nil {
				if cfg.ConnConfig.Host != "db.example" || cfg.ConnConfig.Port != 6543 || cfg.ConnConfig.Database != "orders" || cfg.ConnConfig.TLSConfig == nil {
					t.Fatalf("config %s:%d/%s tls=%v", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, cfg.ConnConfig.TLSConfig != nil)
				}
				cc := cfg.ConnConfig.Copy()
				err = cfg.BeforeConnect(context.Background(), cc)
				if err == nil && (cc.User != tt.wantUser || cc.Password != "p@ss/word") {
					t.Fatalf("credentials %q/%q", cc.User, cc.Password)
				}
				if err == nil {
					_ = cfg.BeforeConnect(context.Background(), cc)
					if tt.secret.calls != 1 {
						t.Fatalf("secret read %d times for two connections, want 1 (cached)", tt.secret.calls)
					}
				}
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
