package originverify

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

const (
	current  = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	previous = "0ldva1ue0ldva1ue0ldva1ue0ldva1ue0ldva1ue0ldva1ue0ldva1ue0ldva1ue"
	arn      = "arn:aws:execute-api:eu-west-1:123456789012:abc123def4/v1/GET/api/posts/hello"
	scope    = "arn:aws:execute-api:eu-west-1:123456789012:abc123def4/v1/*"
)

// fakeSecrets serves the values per staging label (a missing label is ResourceNotFoundException, as from Secrets
// Manager), or err, and counts the reads.
type fakeSecrets struct {
	stages map[string]string
	err    error
	reads  int
}

func secrets(cur, prev string) *fakeSecrets {
	f := &fakeSecrets{stages: map[string]string{StageCurrent: cur}}
	if prev != "" {
		f.stages[StagePrevious] = prev
	}
	return f
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.reads++
	if f.err != nil {
		return nil, f.err
	}
	v, ok := f.stages[aws.ToString(in.VersionStage)]
	if aws.ToString(in.SecretId) != "origin-secret" || !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret version.")}
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(v)}, nil
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

func TestParseValue(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		wantErr string
	}{
		{"64 letters and digits", current, ""},
		{"32 characters", current[:32], ""},
		{"printable ASCII", strings.Repeat("a!~ ", 10), ""},
		{"empty", "", "must be 32-256"},
		{"short", current[:31], "must be 32-256"},
		{"long", strings.Repeat("a", 257), "must be 32-256"},
		{"control character", current[:40] + "\n" + current[41:], "printable ASCII"},
		{"non-ASCII", current[:40] + "é" + current[42:], "printable ASCII"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseValue(tc.in)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseValue: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || (len(tc.in) >= 8 && strings.Contains(err.Error(), tc.in[:8])) {
				t.Fatalf("ParseValue error %v, want %q and no part of the value", err, tc.wantErr)
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
		secrets    *fakeSecrets
		wantEffect string // "" when an error is wanted
		wantErr    error
	}{
		{"current value", map[string]string{"X-Origin-Verify": current}, nil, "", nil, "Allow", nil},
		{"header name in another case", map[string]string{"x-origin-verify": current}, nil, "", nil, "Allow", nil},
		{"previous value during a rotation", map[string]string{"X-Origin-Verify": previous}, nil, "", nil, "Allow", nil},
		{"previous value, never rotated", map[string]string{"X-Origin-Verify": previous}, nil, "", secrets(current, ""), "Deny", nil},
		{"previous value not a secret value", map[string]string{"X-Origin-Verify": "short"}, nil, "", secrets(current, "short"), "Deny", nil},
		{"wrong value", map[string]string{"X-Origin-Verify": strings.Repeat("x", 64)}, nil, "", nil, "Deny", nil},
		{"prefix of the secret", map[string]string{"X-Origin-Verify": current[:63]}, nil, "", nil, "Deny", nil},
		{"empty value", map[string]string{"X-Origin-Verify": ""}, nil, "", nil, "Deny", nil},
		{"huge value", map[string]string{"X-Origin-Verify": strings.Repeat("y", 1<<20)}, nil, "", nil, "Deny", nil},
		{"missing header", map[string]string{"Accept": "*/*"}, nil, "", nil, "", ErrUnauthorized},
		{"no headers at all", nil, nil, "", nil, "", ErrUnauthorized},
		{"repeated header", nil, map[string][]string{"X-Origin-Verify": {current, current}}, "", nil, "Deny", nil},
		{"multi-value with one value", nil, map[string][]string{"x-origin-verify": {current}}, "", nil, "Allow", nil},
		{"bad method ARN", map[string]string{"X-Origin-Verify": current}, nil, "garbage", nil, "Deny", nil},
		{"secret unreadable", map[string]string{"X-Origin-Verify": current}, nil, "", &fakeSecrets{err: errors.New("AccessDeniedException")}, "", errInternal},
		{"current value malformed", map[string]string{"X-Origin-Verify": current}, nil, "", secrets("{}", previous), "", errInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := tc.secrets
			if api == nil {
				api = secrets(current, previous)
			}
			store := &SecretStore{API: api, SecretID: "origin-secret", AcceptPrevious: true}
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
		"no header name": {Verifier: &SecretStore{API: secrets(current, ""), SecretID: "origin-secret"}},
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
// MinRefresh — when a value matches none of them (a rotation), and kept when a re-read fails; AWSPREVIOUS counts only
// with AcceptPrevious.
func TestSecretStoreRefresh(t *testing.T) {
	api := secrets(current, "")
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := &SecretStore{API: api, SecretID: "origin-secret", AcceptPrevious: true, Now: c.now}
	ctx := context.Background()
	if err := s.Load(ctx); err != nil || api.reads != 2 {
		t.Fatalf("Load: %v, %d reads (want AWSCURRENT and AWSPREVIOUS)", err, api.reads)
	}
	check := func(value string, want bool, reads int) {
		t.Helper()
		got, err := s.Match(ctx, value)
		if err != nil || got != want || api.reads != reads {
			t.Fatalf("Match = %v, %v after %d reads; want %v after %d", got, err, api.reads, want, reads)
		}
	}
	check(current, true, 2)
	check(previous, false, 2) // read less than MinRefresh ago: no re-read

	// Rotated: a new current value, the old one AWSPREVIOUS; the first request with it after MinRefresh re-reads.
	api.stages = map[string]string{StageCurrent: previous, StagePrevious: current}
	c.t = c.t.Add(MinRefresh)
	check(previous, true, 4)
	check("wrong-but-long-enough-wrong-but-long-enough-0000", false, 4) // within MinRefresh of the last read
	c.t = c.t.Add(MinRefresh)
	check("wrong-but-long-enough-wrong-but-long-enough-0000", false, 6) // one re-read, then refused
	check(current, true, 6)

	// After MaxAge the secret is read again even for a matching value; a failed read keeps the known values.
	api.err = errors.New("throttled")
	c.t = c.t.Add(MaxAge)
	check(current, true, 7)
	check(previous, true, 7)

	// Without AcceptPrevious only AWSCURRENT is read and accepted.
	api = secrets(previous, current)
	only := &SecretStore{API: api, SecretID: "origin-secret", Now: c.now}
	if ok, err := only.Match(ctx, current); ok || err != nil || api.reads != 1 {
		t.Fatalf("AWSPREVIOUS without AcceptPrevious: Match = %v, %v after %d reads; want false after 1", ok, err, api.reads)
	}
}

func TestSecretStoreNeverRead(t *testing.T) {
	api := &fakeSecrets{err: errors.New("AccessDeniedException")}
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := &SecretStore{API: api, SecretID: "origin-secret", AcceptPrevious: true, Now: c.now}
	for i, wantReads := range []int{1, 1, 2} {
		if i == 2 {
			c.t = c.t.Add(MinRefresh)
		}
		if ok, err := s.Match(context.Background(), current); ok || err == nil || api.reads != wantReads {
			t.Fatalf("call %d: Match = %v, %v after %d reads; want an error after %d", i, ok, err, api.reads, wantReads)
		}
	}
}

// FuzzHandle: whatever the header value, method ARN and secret values, the handler returns (never panics), allows only
// the exact current or previous value, and never allows more than the request's own stage.
func FuzzHandle(f *testing.F) {
	f.Add(current, arn, current, previous)
	f.Add(previous, arn, current, "")
	f.Add("", "", "", "")
	f.Add(current[:10], "arn:aws:execute-api:a:b:c/d/e", "{}", "x")
	f.Add(strings.Repeat("z", 300), "arn:aws:execute-api:eu-west-1:1:*/v1/GET/x", current, previous)
	f.Fuzz(func(t *testing.T, value, methodArn, cur, prev string) {
		h := &Handler{Header: "X-Origin-Verify", Verifier: &SecretStore{API: secrets(cur, prev), SecretID: "origin-secret", AcceptPrevious: true}, Logger: slog.New(slog.DiscardHandler)}
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
		if value != cur && (prev == "" || value != prev) {
			t.Fatalf("allowed value %q for current %q, previous %q", value, cur, prev)
		}
		if _, err := ParseValue(value); err != nil {
			t.Fatalf("allowed value %q that is not a secret value: %v", value, err)
		}
		want, ok := StageScope(methodArn)
		if !ok || st[0].Resource[0] != want || strings.Count(want, "*") != 1 {
			t.Fatalf("allowed %q for method ARN %q", st[0].Resource[0], methodArn)
		}
	})
}
