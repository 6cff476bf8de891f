package premium

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // CloudFront canned policies are RSA-SHA1.
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/auth"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

func key(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	if testKey == nil {
		t.Fatal("no test key: generating it failed in an earlier test")
	}
	return testKey
}

func secretJSON(t testing.TB, kid string, k *rsa.PrivateKey) string {
	t.Helper()
	p := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	b, err := json.Marshal(map[string]string{"key_pair_id": kid, "private_key_pem": string(p)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fakeAuth maps bearer tokens to subjects.
type fakeAuth map[string]string

func (f fakeAuth) Authenticate(_ context.Context, req events.APIGatewayProxyRequest) (auth.Identity, error) {
	v := req.Headers["Authorization"]
	if v == "" {
		return auth.Identity{}, auth.ErrMissingToken
	}
	if sub, ok := f[strings.TrimPrefix(v, "Bearer ")]; ok {
		return auth.Identity{Subject: sub}, nil
	}
	return auth.Identity{}, auth.ErrInvalidToken
}

type fakeDynamo struct {
	items map[string]map[string]types.AttributeValue
	err   error
	calls int
	last  *dynamodb.GetItemInput
}

func (f *fakeDynamo) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	f.calls++
	f.last = in
	if f.err != nil {
		return nil, f.err
	}
	id, ok := in.Key["user_id"].(*types.AttributeValueMemberS)
	if !ok {
		return nil, fmt.Errorf("fake: key user_id is %T, want a string", in.Key["user_id"])
	}
	return &dynamodb.GetItemOutput{Item: f.items[id.Value]}, nil
}

type fakeSecrets struct {
	mu     sync.Mutex
	value  string
	err    error
	calls  int
	lastID string
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.lastID = *in.SecretId
	if f.err != nil {
		return nil, f.err
	}
	v := f.value
	return &secretsmanager.GetSecretValueOutput{SecretString: &v}, nil
}

func boolAV(b bool) types.AttributeValue  { return &types.AttributeValueMemberBOOL{Value: b} }
func strAV(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func newTestHandler(t testing.TB) (*Handler, *fakeDynamo, *fakeSecrets) {
	db := &fakeDynamo{items: map[string]map[string]types.AttributeValue{
		"alice":   {"user_id": strAV("alice"), "premium": boolAV(true)},
		"until":   {"user_id": strAV("until"), "premium": boolAV(true), "premium_until": strAV(now.Add(time.Hour).Format(time.RFC3339))},
		"lapsed":  {"user_id": strAV("lapsed"), "premium": boolAV(true), "premium_until": strAV(now.Add(-time.Second).Format(time.RFC3339))},
		"baddate": {"user_id": strAV("baddate"), "premium": boolAV(true), "premium_until": strAV("next year")},
		"numdate": {"user_id": strAV("numdate"), "premium": boolAV(true), "premium_until": &types.AttributeValueMemberN{Value: "1"}},
		"free":    {"user_id": strAV("free"), "premium": boolAV(false)},
		"strtrue": {"user_id": strAV("strtrue"), "premium": strAV("true")},
	}}
	sm := &fakeSecrets{value: secretJSON(t, "K2JCJMDEHXQW5F", key(t))}
	signer := &SecretSigner{API: sm, SecretARN: "arn:secret", Now: func() time.Time { return now }}
	if err := signer.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := &Handler{
		Config: Config{ContentBaseURL: "https://d111.cloudfront.net", VideoPrefix: "videos/", TTL: 5 * time.Minute},
		Auth: fakeAuth{"tok-alice": "alice", "tok-until": "until", "tok-lapsed": "lapsed", "tok-baddate": "baddate",
			"tok-numdate": "numdate", "tok-free": "free", "tok-strtrue": "strtrue", "tok-nobody": "nobody"},
		Users:  &DynamoUsers{API: db, Table: "premium", Now: func() time.Time { return now }},
		Signer: signer,
		Now:    func() time.Time { return now },
		Logger: slog.New(slog.DiscardHandler),
	}
	return h, db, sm
}

func videoReq(method, id, token string) events.APIGatewayProxyRequest {
	r := events.APIGatewayProxyRequest{
		HTTPMethod: method, Resource: "/videos/{id}/url", Path: "/videos/" + id + "/url",
		PathParameters: map[string]string{"id": id},
	}
	if token != "" {
		r.Headers = map[string]string{"Authorization": "Bearer " + token}
	}
	return r
}

// verifyCanned checks a canned-policy signed URL as CloudFront does.
func verifyCanned(t *testing.T, pub *rsa.PublicKey, signed string) (resource string, expires int64) {
	t.Helper()
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	expires, err = strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil {
		t.Fatalf("Expires %q", q.Get("Expires"))
	}
	sig, err := base64.StdEncoding.DecodeString(strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(q.Get("Signature")))
	if err != nil {
		t.Fatal(err)
	}
	u.RawQuery = ""
	resource = u.String()
	policy := fmt.Sprintf(`{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, resource, expires)
	h := sha1.Sum([]byte(policy)) //nolint:gosec
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA1, h[:], sig); err != nil {
		t.Fatalf("signature does not verify for %s: %v", resource, err)
	}
	if got := q.Get("Key-Pair-Id"); got != "K2JCJMDEHXQW5F" {
		t.Fatalf("Key-Pair-Id %q", got)
	}
	return resource, expires
}

func TestPremiumHandle(t *testing.T) {
	tests := []struct {
		name, method, id, token string
		status                  int
		msg                     string
	}{
		{"premium user", "GET", "intro.mp4", "tok-alice", 200, ""},
		{"premium until the future", "GET", "intro.mp4", "tok-until", 200, ""},
		{"premium lapsed", "GET", "intro.mp4", "tok-lapsed", 403, "a premium subscription is required"},
		{"malformed premium_until fails closed", "GET", "intro.mp4", "tok-baddate", 403, ""},
		{"numeric premium_until fails closed", "GET", "intro.mp4", "tok-numdate", 403, ""},
		{"not premium", "GET", "intro.mp4", "tok-free", 403, ""},
		{"premium as a string is not premium", "GET", "intro.mp4", "tok-strtrue", 403, ""},
		{"no row", "GET", "intro.mp4", "tok-nobody", 403, ""},
		{"no token", "GET", "intro.mp4", "", 401, "missing bearer token"},
		{"bad token", "GET", "intro.mp4", "forged", 401, "invalid token"},
		{"no token and a bad id is still 401", "GET", "../x", "", 401, ""},
		{"traversal", "GET", "../x", "tok-alice", 400, ""},
		{"dot dot inside", "GET", "a..b", "tok-alice", 400, ""},
		{"slash", "GET", "a/b", "tok-alice", 400, ""},
		{"encoded slash", "GET", "..%2Fx", "tok-alice", 400, ""},
		{"encoded dots", "GET", "%2e%2e", "tok-alice", 400, ""},
		{"backslash", "GET", `a\b`, "tok-alice", 400, ""},
		{"leading dot", "GET", ".hidden", "tok-alice", 400, ""},
		{"empty", "GET", "", "tok-alice", 400, ""},
		{"too long", "GET", strings.Repeat("a", 129), "tok-alice", 400, ""},
		{"longest", "GET", strings.Repeat("a", 128), "tok-alice", 200, ""},
		{"unicode", "GET", "vidéo", "tok-alice", 400, ""},
		{"query chars", "GET", "a?b=c", "tok-alice", 400, ""},
		{"POST", "POST", "intro.mp4", "tok-alice", 405, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, _, _ := newTestHandler(t)
			resp, err := h.Handle(context.Background(), videoReq(tc.method, tc.id, tc.token))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, resp.Body)
			}
			if resp.Headers["Content-Type"] != "application/json" {
				t.Errorf("Content-Type %q", resp.Headers["Content-Type"])
			}
			if tc.status != 200 {
				var e struct{ Error string }
				if err := json.Unmarshal([]byte(resp.Body), &e); err != nil || e.Error == "" {
					t.Fatalf("error body %q", resp.Body)
				}
				if tc.msg != "" && e.Error != tc.msg {
					t.Errorf("error %q, want %q", e.Error, tc.msg)
				}
				if tc.status == 401 && resp.Headers["WWW-Authenticate"] == "" {
					t.Error("401 without WWW-Authenticate")
				}
				return
			}
			var body URLResponse
			if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
				t.Fatal(err)
			}
			if resp.Headers["Cache-Control"] != "no-store" {
				t.Errorf("Cache-Control %q", resp.Headers["Cache-Control"])
			}
			resource, exp := verifyCanned(t, &key(t).PublicKey, body.URL)
			if want := "https://d111.cloudfront.net/videos/" + tc.id; resource != want {
				t.Errorf("resource %s, want %s", resource, want)
			}
			if want := now.Add(5 * time.Minute); exp != want.Unix() || body.ExpiresAt != want.Format(time.RFC3339) {
				t.Errorf("expires %d / %s, want %s", exp, body.ExpiresAt, want)
			}
		})
	}
}

func TestPremiumHandleRoutes(t *testing.T) {
	h, _, _ := newTestHandler(t)
	for path, status := range map[string]int{
		"/videos/intro.mp4/url":      200,
		"/prod/videos/intro.mp4/url": 200,
		"/videos/intro.mp4":          404,
		"/todos":                     404,
		"/":                          404,
	} {
		req := events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: path, Headers: map[string]string{"Authorization": "Bearer tok-alice"}}
		resp, _ := h.Handle(context.Background(), req)
		if resp.StatusCode != status {
			t.Errorf("%s: %d, want %d (%s)", path, resp.StatusCode, status, resp.Body)
		}
	}
}

func TestPremiumHandleLooksUpTheCallerOnly(t *testing.T) {
	h, db, _ := newTestHandler(t)
	req := videoReq("GET", "intro.mp4", "tok-free")
	// A client cannot pick whose row is read: only the verified subject counts.
	req.QueryStringParameters = map[string]string{"user_id": "alice"}
	req.Headers["X-User-Id"] = "alice"
	if resp, _ := h.Handle(context.Background(), req); resp.StatusCode != 403 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got, ok := db.last.Key["user_id"].(*types.AttributeValueMemberS); !ok || got.Value != "free" || *db.last.TableName != "premium" {
		t.Fatalf("looked up %v in %q", db.last.Key, *db.last.TableName)
	}
}

func TestPremiumHandleFailures(t *testing.T) {
	var logs bytes.Buffer
	h, db, sm := newTestHandler(t)
	h.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	db.err = errors.New("throttled")
	if resp, _ := h.Handle(context.Background(), videoReq("GET", "a", "tok-alice")); resp.StatusCode != 500 {
		t.Fatalf("dynamo failure: %d", resp.StatusCode)
	}
	db.err = nil

	// A signer with no key and a failing secret read: 500, and the secret is
	// read at most once a minute.
	sm.err = errors.New("AccessDenied")
	clock := now
	h.Signer = &SecretSigner{API: sm, SecretARN: "arn:secret", Now: func() time.Time { return clock }}
	before := sm.calls
	for range 3 {
		if resp, _ := h.Handle(context.Background(), videoReq("GET", "a", "tok-alice")); resp.StatusCode != 500 {
			t.Fatalf("secret failure: %d", resp.StatusCode)
		}
	}
	if sm.calls-before != 1 {
		t.Fatalf("%d secret reads within a minute, want 1", sm.calls-before)
	}
	sm.err = nil
	clock = clock.Add(RefreshInterval)
	if resp, _ := h.Handle(context.Background(), videoReq("GET", "a", "tok-alice")); resp.StatusCode != 200 {
		t.Fatalf("after recovery: %d %s", resp.StatusCode, resp.Body)
	}
	if sm.calls-before != 2 {
		t.Fatalf("%d secret reads, want 2", sm.calls-before)
	}
	if s := logs.String(); strings.Contains(s, "PRIVATE KEY") || strings.Contains(s, "tok-alice") || strings.Contains(s, "Signature=") {
		t.Fatalf("logs leak a secret: %s", s)
	}

	h.Auth = nil
	if resp, _ := h.Handle(context.Background(), videoReq("GET", "a", "tok-alice")); resp.StatusCode != 500 {
		t.Fatalf("no authenticator: %d", resp.StatusCode)
	}
}

func TestPremiumSecretSignerCachesTheKey(t *testing.T) {
	sm := &fakeSecrets{value: secretJSON(t, "K2JCJMDEHXQW5F", key(t))}
	s := &SecretSigner{API: sm, SecretARN: "arn:aws:secretsmanager:us-east-1:1:secret:x", Now: func() time.Time { return now }}
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := s.Sign(context.Background(), "https://d.cloudfront.net/videos/a", now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if sm.calls != 1 || sm.lastID != "arn:aws:secretsmanager:us-east-1:1:secret:x" {
		t.Fatalf("%d reads of %q, want 1", sm.calls, sm.lastID)
	}
	// A URL the SDK refuses to sign triggers one refresh, not one per call.
	for range 3 {
		if _, err := s.Sign(context.Background(), "://bad", now.Add(time.Minute)); err == nil {
			t.Fatal("signed an invalid URL")
		}
	}
	if sm.calls != 1 {
		t.Fatalf("%d reads, want 1 (last read less than a minute ago)", sm.calls)
	}
}

func TestPremiumParseKeySecret(t *testing.T) {
	k := key(t)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(k)
	pkcs8PEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	js := func(kid, p string) string {
		b, _ := json.Marshal(map[string]string{"key_pair_id": kid, "private_key_pem": p})
		return string(b)
	}
	good := secretJSON(t, "K1", k)
	tests := map[string]struct {
		secret string
		ok     bool
	}{
		"pkcs1":          {good, true},
		"pkcs8":          {js("K1", pkcs8PEM), true},
		"not json":       {"-----BEGIN RSA PRIVATE KEY-----", false},
		"no key id":      {js("", pkcs8PEM), false},
		"key id spaces":  {js("K 1", pkcs8PEM), false},
		"not pem":        {js("K1", "hello"), false},
		"public key":     {js("K1", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), false},
		"corrupt pkcs1":  {js("K1", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), false},
		"corrupt pkcs8":  {js("K1", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), false},
		"trailing comma": {good[:len(good)-1] + ",}", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			kid, got, err := ParseKeySecret(tc.secret)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				if strings.Contains(err.Error(), "AAAA") || strings.Contains(err.Error(), "MII") {
					t.Fatalf("error quotes key material: %v", err)
				}
				return
			}
			if kid != "K1" || !got.Equal(k) {
				t.Fatal("wrong key")
			}
		})
	}
}

func TestPremiumParseConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := ParseConfig(env("CONTENT_BASE_URL", "https://d1.cloudfront.net/"))
	if err != nil || c.ContentBaseURL != "https://d1.cloudfront.net" || c.VideoPrefix != "videos/" || c.TTL != 5*time.Minute {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	if c.VideoURL("a.mp4") != "https://d1.cloudfront.net/videos/a.mp4" {
		t.Fatal(c.VideoURL("a.mp4"))
	}
	c, err = ParseConfig(env("CONTENT_BASE_URL", "http://127.0.0.1:4566/kumo/cdn/E1", "VIDEO_PREFIX", "media/hd/", "URL_TTL", "12h"))
	if err != nil || c.VideoURL("x") != "http://127.0.0.1:4566/kumo/cdn/E1/media/hd/x" || c.TTL != 12*time.Hour {
		t.Fatalf("custom: %+v %v", c, err)
	}
	for _, bad := range [][]string{
		{},
		{"CONTENT_BASE_URL", "d1.cloudfront.net"},
		{"CONTENT_BASE_URL", "ftp://d1.cloudfront.net"},
		{"CONTENT_BASE_URL", "https://d1.cloudfront.net?x=1"},
		{"CONTENT_BASE_URL", "https://u:p@d1.cloudfront.net"},
		{"CONTENT_BASE_URL", "https://d1.cloudfront.net#f"},
		{"CONTENT_BASE_URL", "https://d1", "URL_TTL", "59s"},
		{"CONTENT_BASE_URL", "https://d1", "URL_TTL", "12h1s"},
		{"CONTENT_BASE_URL", "https://d1", "URL_TTL", "300"},
		{"CONTENT_BASE_URL", "https://d1", "URL_TTL", "-5m"},
		{"CONTENT_BASE_URL", "https://d1", "VIDEO_PREFIX", "/videos/"},
		{"CONTENT_BASE_URL", "https://d1", "VIDEO_PREFIX", "videos"},
		{"CONTENT_BASE_URL", "https://d1", "VIDEO_PREFIX", "../"},
	} {
		if _, err := ParseConfig(env(bad...)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestShortTTLExpires: a URL signed with the minimum TTL carries an expiry
// one minute ahead, which CloudFront enforces (the edge test covers a live
// check; here the signed Expires is checked against the clock).
func TestPremiumShortTTLExpires(t *testing.T) {
	h, _, _ := newTestHandler(t)
	h.Config.TTL = MinURLTTL
	resp, _ := h.Handle(context.Background(), videoReq(http.MethodGet, "a", "tok-alice"))
	var body URLResponse
	_ = json.Unmarshal([]byte(resp.Body), &body)
	_, exp := verifyCanned(t, &key(t).PublicKey, body.URL)
	if exp != now.Add(time.Minute).Unix() {
		t.Fatalf("Expires %d, want now+1m", exp)
	}
}

func FuzzPremiumVideoID(f *testing.F) {
	for _, s := range []string{"intro.mp4", "../x", "..%2Fx", "a/b", "a..b", "%2e%2e", "", ".", "a\x00", "A-b_c.d"} {
		f.Add(s)
	}
	h, _, _ := newTestHandler(f)
	f.Fuzz(func(t *testing.T, id string) {
		resp, err := h.Handle(context.Background(), videoReq(http.MethodGet, id, "tok-alice"))
		if err != nil {
			t.Fatal(err)
		}
		switch resp.StatusCode {
		case 400:
			if ValidVideoID(id) {
				t.Fatalf("valid id %q refused", id)
			}
		case 200:
			if strings.ContainsAny(id, "/\\%?#") || strings.Contains(id, "..") || len(id) > MaxVideoIDBytes {
				t.Fatalf("id %q accepted", id)
			}
			var body URLResponse
			_ = json.Unmarshal([]byte(resp.Body), &body)
			u, err := url.Parse(body.URL)
			if err != nil || u.Path != "/videos/"+id || u.Host != "d111.cloudfront.net" {
				t.Fatalf("id %q gave URL %q", id, body.URL)
			}
		default:
			t.Fatalf("id %q: status %d", id, resp.StatusCode)
		}
	})
}
