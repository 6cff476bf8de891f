package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestSetup(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"sender only", map[string]string{"SENDER_ADDRESS": "hello@example.com"}, ""},
		{"with display name and site", map[string]string{"SENDER_ADDRESS": "MyBlog <hello@example.com>", "SITE_NAME": "Ann's blog"}, ""},
		{"no sender", nil, "SENDER_ADDRESS"},
		{"bad sender", map[string]string{"SENDER_ADDRESS": "hello"}, "SENDER_ADDRESS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := setup(context.Background(), slog.New(slog.DiscardHandler), func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("setup error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || h.SES == nil || h.Site != tc.env["SITE_NAME"] {
				t.Fatalf("setup = %+v, %v", h, err)
			}
		})
	}
}
