package catalog

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseConfig(t *testing.T) {
	base := map[string]string{"ITEMS_TABLE": "t", "CACHE_ENDPOINT": "cache.example:6379"}
	c, err := ParseConfig(envOf(base))
	if err != nil || !c.CacheTLS || c.TTL != 300*time.Second || c.Table != "t" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	c, err = ParseConfig(envOf(with("CACHE_TLS", "false")))
	if err != nil || c.CacheTLS {
		t.Fatalf("CACHE_TLS=false: %+v %v", c, err)
	}
	c, err = ParseConfig(envOf(with("CACHE_TTL_SECONDS", "2")))
	if err != nil || c.TTL != 2*time.Second {
		t.Fatalf("CACHE_TTL_SECONDS=2: %+v %v", c, err)
	}
	for _, bad := range []map[string]string{
		{"CACHE_ENDPOINT": "x:1"},
		{"ITEMS_TABLE": "t"},
		with("CACHE_ENDPOINT", "no-port"),
		with("CACHE_TLS", "maybe"),
		with("CACHE_TTL_SECONDS", "0"),
		with("CACHE_TTL_SECONDS", "86401"),
		with("CACHE_TTL_SECONDS", "5m"),
	} {
		if _, err := ParseConfig(envOf(bad)); err == nil {
			t.Errorf("ParseConfig(%v) succeeded", bad)
		}
	}
}

func TestRedisOptions(t *testing.T) {
	o, err := RedisOptions("master.x.cache.amazonaws.com:6379", true, Credentials{Username: "u", Password: "p"})
	if err != nil || o.TLSConfig == nil || o.TLSConfig.ServerName != "master.x.cache.amazonaws.com" || o.TLSConfig.MinVersion < 0x0303 || o.Username != "u" {
		t.Fatalf("%+v %v", o, err)
	}
	o, err = RedisOptions("127.0.0.1:6379", false, Credentials{})
	if err != nil || o.TLSConfig != nil {
		t.Fatalf("%+v %v", o, err)
	}
	if _, err := RedisOptions("nope", true, Credentials{}); err == nil {
		t.Fatal("endpoint without port accepted")
	}
}

type fakeSecrets struct {
	value string
	err   error
	calls int
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretString: aws.String(f.value)}, nil
}

func TestSecretCredentialsRefreshAndKeepLastGood(t *testing.T) {
	clk := &clock{t: time.Unix(0, 0)}
	api := &fakeSecrets{value: `{"username":"app","password":"one"}`}
	s := &SecretCredentials{API: api, SecretARN: "arn", Refresh: time.Minute, Now: clk.Now}
	ctx := context.Background()
	if u, p, err := s.Get(ctx); err != nil || u != "app" || p != "one" {
		t.Fatalf("%s %s %v", u, p, err)
	}
	api.value = `{"username":"app","password":"two"}`
	if _, p, _ := s.Get(ctx); p != "one" || api.calls != 1 {
		t.Fatalf("re-read before Refresh: password %s, %d calls", p, api.calls)
	}
	clk.Advance(time.Minute)
	if _, p, _ := s.Get(ctx); p != "two" {
		t.Fatalf("after Refresh: password %s, want two (rotated)", p)
	}
	api.err = errors.New("throttled")
	clk.Advance(time.Minute)
	if _, p, err := s.Get(ctx); err != nil || p != "two" {
		t.Fatalf("failed refresh: %s %v, want the last good password", p, err)
	}
}

func TestLoadCredentialsRejectsBadSecrets(t *testing.T) {
	for _, v := range []string{"", "not json", `{"username":"u"}`, `{"password":"p"}`} {
		_, err := LoadCredentials(context.Background(), &fakeSecrets{value: v}, "arn")
		if err == nil || strings.Contains(err.Error(), v) && v != "" {
			t.Errorf("secret %q: %v (must fail without echoing the value)", v, err)
		}
	}
	if _, _, err := (&SecretCredentials{API: &fakeSecrets{err: errors.New("denied")}, SecretARN: "a"}).Get(context.Background()); err == nil {
		t.Fatal("no credentials and a failing read must be an error")
	}
}
