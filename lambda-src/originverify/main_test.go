package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestSetupRefusesBadEnvironment: the checks that come before any AWS call (the secret itself is read at start-up,
// see lambda-src/internal/originverify for its handling).
func TestSetupRefusesBadEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"nothing", nil, "HEADER_NAME"},
		{"no secret", map[string]string{"HEADER_NAME": "X-Origin-Verify"}, "SECRET_ARN"},
		{"bad header", map[string]string{"HEADER_NAME": "X Origin", "SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:x"}, "HEADER_NAME"},
		{"bad accept previous", map[string]string{"HEADER_NAME": "X-Origin-Verify", "SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:x", "ACCEPT_PREVIOUS": "yes"}, "ACCEPT_PREVIOUS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := setup(context.Background(), slog.New(slog.DiscardHandler), func(k string) string { return tc.env[k] })
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("setup error %v, want %q", err, tc.wantErr)
			}
		})
	}
}
