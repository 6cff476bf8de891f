package originverify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

const (
	current  = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	previous = "0ldva1ue0ldva1ue0ldva1ue0ldva1ue0ldva1ue0ldva1ue0ldva1ue0ldva1ue"
	arn      = "arn:aws:execute-api:eu-west-1:123456789012:abc123def4/v1/GET/api/posts/hello"
	scope    = "arn:aws:execute-api:eu-west-1:123456789012:abc123def4/v1/*"
)

func secretJSON(cur, prev string) string {
	b, _ := json.Marshal(map[string]string{"current": cur, "previous": prev})
	return string(b)
}

// fakeSecrets serves one secret string (or an error) and counts the reads.
type fakeSecrets struct {
	value string
	err   error
	reads int
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.reads++
	if f.err != nil {
		return nil, f.err
	}
	if aws.ToString(in.SecretId) != "origin-secret" {
		return nil, errors.New("ResourceNotFoundException")
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(f.value)}, nil
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func request(headers map[string]string, multi map[string][]string) events.APIGatewayCustomAuthorizerRequestTypeRequest {
	req := events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type: "REQUEST", MethodArn: arn, HTTPMethod: "GET", Path: "/v1/api/posts/hello",
		Headers: headers, MultiValueHeaders: multi,
	}
	req.RequestContext.RequestID = "req-1"
	req.RequestContext.Identity.SourceIP = "203.0.113.9"
	return req
}

func TestParseSecret(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		want    int
		wantErr string
	}{
		{"current only", `{"current":"` + current + `"}`, 1, ""},
		{"current and previous", secretJSON(current, previous), 2, ""},
		{"empty previous", secretJSON(current, ""), 1, ""},
		{"not JSON", current, 0, "not JSON"},
		{"unknown field", `{"current":"` + current + `","next":"x"}`, 0, "not JSON"},
		{"trailing data", `{"current":"` + current + `"} {}`, 0, "after its JSON"},
		{"no current", `{"previous":"` + previous + `"}`, 0, "current value must be 32-256"},
		{"short current", secretJSON("short", ""), 0, "current value must be 32-256"},
		{"long previous", secretJSON(current, strings.Repeat("a", 257)), 0, "previous value must be 32-256"},
		{"control character", secretJSON(current[:40]+"\n"+current[41:], ""), 0, "printable ASCII"},
		{"non-ASCII", secretJSON(current[:40]+"é"+current[42:], ""), 0, "printable ASCII"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSecret(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseSecret error %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), current[:32]) || strings.Contains(err.Error(), previous[:32]) {
					t.Fatalf("error %q quotes the secret", err)
				}
				return
			}
			if err != nil || len(got) != tc.want {
				t.Fatalf("ParseSecret = %d values, %v; want %d", len(got), err, tc.want)
			}
		})
	}
}

func TestStageScope(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{arn, scope, true},
		{"arn:aws:execute-api:us-east-1:000000000000:api1/v1/POST/", "arn:aws:execute-api:us-east-1:000000000000:api1/v1/*", true},
		{"arn:aws-cn:execute-api:cn-north-1:123456789012:a/prod/GET/x", "arn:aws-cn:execute-api:cn-north-1:123456789012:a/prod/*", true},
		{"arn:aws:execute-api:eu-west-1:123456789012:abc/v1", "", false},
		{"arn:aws:lambda:eu-west-1:123456789012:function/x/y", "", false},
		{"arn:aws:execute-api:eu-west-1:123456789012:*/v1/GET/x", "", false},
		{"arn:aws:execute-api:eu-west-1:123456789012:abc/*/GET/x", "", false},
		{"", "", false},
		{"not an arn at all", "", false},
	} {
		got, ok := StageScope(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("StageScope(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestHandle(t *testing.T) {
	for _, tc := range []struct {
		name       string
		headers    map[string]string
		multi      map[string][]string
		methodArn  string
		secret     string
		secretErr  error
		wantEffect string // "" when an error is wanted
		wantErr    error
	}{
		{"current value", map[string]string{"X-Origin-Verify": current}, nil, "", "", nil, "Allow", nil},
		{"header name in another case", map[string]string{"x-origin-verify": current}, nil, "", "", nil, "Allow", nil},
		{"previous value during a rotation", map[string]string{"X-Origin-Verify": previous}, nil, "", "", nil, "Allow", nil},
		{"previous value after the rotation", map[string]string{"X-Origin-Verify": previous}, nil, "", secretJSON(current, ""), nil, "Deny", nil},
		{"wrong value", map[string]string{"X-Origin-Verify": strings.Repeat("x", 64)}, nil, "", "", nil, "Deny", nil},
		{"prefix of the secret", map[string]string{"X-Origin-Verify": current[:63]}, nil, "", "", nil, "Deny", nil},
		{"empty value", map[string]string{"X-Origin-Verify": ""}, nil, "", "", nil, "Deny", nil},
		{"huge value", map[string]string{"X-Origin-Verify": strings.Repeat("y", 1<<20)}, nil, "", "", nil, "Deny", nil},
		{"missing header", map[string]string{"Accept": "*/*"}, nil, "", "", nil, "", ErrUnauthorized},
		{"no headers at all", nil, nil, "", "", nil, "", ErrUnauthorized},
		{"repeated header", nil, map[string][]string{"X-Origin-Verify": {current, current}}, "", "", nil, "Deny", nil},
		{"multi-value with one value", nil, map[string][]string{"x-origin-verify": {current}}, "", "", nil, "Allow", nil},
		{"bad method ARN", map[string]string{"X-Origin-Verify": current}, nil, "garbage", "", nil, "Deny", nil},
		{"secret unreadable", map[string]string{"X-Origin-Verify": current}, nil, "", "", errors.New("AccessDeniedException"), "", errInternal},
		{"secret malformed", map[string]string{"X-Origin-Verify": current}, nil, "", "{}", nil, "", errInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret := tc.secret
			if secret == "" {
				secret = secretJSON(current, previous)
			}
			store := &SecretStore{API: &fakeSecrets{value: secret, err: tc.secretErr}, SecretID: "origin-secret"}
			var logs bytes.Buffer
			h := &Handler{Header: "X-Origin-Verify", Verifier: store, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
			req := request(tc.headers, tc.multi)
			if tc.methodArn != "" {
				req.MethodArn = tc.methodArn
			}
			resp, err := h.Handle(context.Background(), req)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Handle error %v, want %v", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("Handle error %v", err)
				}
				st := resp.PolicyDocument.Statement
				if len(st) != 1 || st[0].Effect != tc.wantEffect || len(st[0].Resource) != 1 || len(st[0].Action) != 1 || st[0].Action[0] != "execute-api:Invoke" {
					t.Fatalf("policy %+v, want one %s statement", resp.PolicyDocument, tc.wantEffect)
				}
				wantScope := scope
				if tc.methodArn != "" {
					wantScope = "*"
				}
				if st[0].Resource[0] != wantScope {
					t.Fatalf("policy resource %q, want %q", st[0].Resource[0], wantScope)
				}
				if (tc.wantEffect == "Allow") != (resp.PrincipalID == PrincipalID) {
					t.Fatalf("principal %q for %s", resp.PrincipalID, tc.wantEffect)
				}
			}
			// Logs never hold a value of the secret, nor much of what a client sent; one line at most.
			out := logs.String()
			if strings.Contains(out, current[:32]) || strings.Contains(out, previous[:32]) || strings.Contains(out, "xxxxxxxx") || strings.Contains(out, "yyyyyyyy") {
				t.Fatalf("log quotes a header value: %s", out)
			}
			if strings.Count(out, "\n") > 1 || len(out) > 2000 {
				t.Fatalf("log is not one bounded line: %d bytes, %d lines", len(out), strings.Count(out, "\n"))
			}
		})
	}
}

func TestHandleMisconfigured(t *testing.T) {
	for name, h := range map[string]*Handler{
		"no header name": {Verifier: &SecretStore{API: &fakeSecrets{value: secretJSON(current, "")}, SecretID: "origin-secret"}},
		"no verifier":    {Header: "X-Origin-Verify"},
	} {
		h.Logger = slog.New(slog.DiscardHandler)
		if _, err := h.Handle(context.Background(), request(map[string]string{"X-Origin-Verify": current}, nil)); !errors.Is(err, errInternal) {
			t.Errorf("%s: Handle error %v, want the internal error (refused)", name, err)
		}
	}
}

type panicky struct{}

func (panicky) Match(context.Context, string) (bool, error) { panic("boom") }

func TestHandleRecoversFromPanic(t *testing.T) {
	h := &Handler{Header: "X-Origin-Verify", Verifier: panicky{}, Logger: slog.New(slog.DiscardHandler)}
	if _, err := h.Handle(context.Background(), request(map[string]string{"X-Origin-Verify": current}, nil)); !errors.Is(err, errInternal) {
		t.Fatalf("Handle error %v, want the internal error", err)
	}
}

// TestSecretStoreRefresh: the values are read at Load, reused until MaxAge, re-read at once — but at most once per
// MinRefresh — when a value matches none of them (a rotation), and kept when a re-read fails.
func TestSecretStoreRefresh(t *testing.T) {
	api := &fakeSecrets{value: secretJSON(current, "")}
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := &SecretStore{API: api, SecretID: "origin-secret", Now: c.now}
	ctx := context.Background()
	if err := s.Load(ctx); err != nil || api.reads != 1 {
		t.Fatalf("Load: %v, %d reads", err, api.reads)
	}
	check := func(value string, want bool, reads int) {
		t.Helper()
		got, err := s.Match(ctx, value)
		if err != nil || got != want || api.reads != reads {
			t.Fatalf("Match = %v, %v after %d reads; want %v after %d", got, err, api.reads, want, reads)
		}
	}
	check(current, true, 1)
	check(previous, false, 1) // read less than MinRefresh ago: no re-read

	// Rotated: the secret now holds a new value; the first request with it after MinRefresh re-reads.
	api.value = secretJSON(previous, current)
	c.t = c.t.Add(MinRefresh)
	check(previous, true, 2)
	check("wrong-but-long-enough-wrong-but-long-enough-0000", false, 2) // within MinRefresh of the last read
	c.t = c.t.Add(MinRefresh)
	check("wrong-but-long-enough-wrong-but-long-enough-0000", false, 3) // one re-read, then refused
	check(current, true, 3)

	// After MaxAge the secret is read again even for a matching value; a failed read keeps the known values.
	api.err = errors.New("throttled")
	c.t = c.t.Add(MaxAge)
	check(current, true, 4)
	check(previous, true, 4)
}

func TestSecretStoreNeverRead(t *testing.T) {
	api := &fakeSecrets{err: errors.New("AccessDeniedException")}
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := &SecretStore{API: api, SecretID: "origin-secret", Now: c.now}
	for i, wantReads := range []int{1, 1, 2} {
		if i == 2 {
			c.t = c.t.Add(MinRefresh)
		}
		if ok, err := s.Match(context.Background(), current); ok || err == nil || api.reads != wantReads {
			t.Fatalf("call %d: Match = %v, %v after %d reads; want an error after %d", i, ok, err, api.reads, wantReads)
		}
	}
}

// FuzzHandle: whatever the header value, method ARN and secret, the handler returns (never panics), allows only the
// exact current or previous value, and never allows more than the request's own stage.
func FuzzHandle(f *testing.F) {
	f.Add(current, arn, secretJSON(current, previous))
	f.Add(previous, arn, secretJSON(current, ""))
	f.Add("", "", "")
	f.Add(current[:10], "arn:aws:execute-api:a:b:c/d/e", "{}")
	f.Add(strings.Repeat("z", 300), "arn:aws:execute-api:eu-west-1:1:*/v1/GET/x", `{"current":"`+current+`","previous":"`+previous+`"}`)
	f.Fuzz(func(t *testing.T, value, methodArn, secret string) {
		h := &Handler{Header: "X-Origin-Verify", Verifier: &SecretStore{API: &fakeSecrets{value: secret}, SecretID: "origin-secret"}, Logger: slog.New(slog.DiscardHandler)}
		req := request(map[string]string{"X-Origin-Verify": value}, nil)
		req.MethodArn = methodArn
		resp, err := h.Handle(context.Background(), req)
		if err != nil {
			return
		}
		st := resp.PolicyDocument.Statement
		if len(st) != 1 || len(st[0].Resource) != 1 {
			t.Fatalf("policy %+v", resp.PolicyDocument)
		}
		if st[0].Effect != "Allow" {
			return
		}
		var doc secretDoc
		if json.Unmarshal([]byte(secret), &doc) != nil || (value != doc.Current && (doc.Previous == "" || value != doc.Previous)) {
			t.Fatalf("allowed value %q for secret %q", value, secret)
		}
		want, ok := StageScope(methodArn)
		if !ok || st[0].Resource[0] != want || strings.Count(want, "*") != 1 {
			t.Fatalf("allowed %q for method ARN %q", st[0].Resource[0], methodArn)
		}
	})
}
