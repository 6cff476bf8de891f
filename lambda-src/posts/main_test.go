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
		{"table only", map[string]string{"TABLE_NAME": "posts"}, ""},
		{"no cache", map[string]string{"TABLE_NAME": "posts", "CACHE_SECONDS": "0"}, ""},
		{"no table", nil, "TABLE_NAME"},
		{"negative cache", map[string]string{"TABLE_NAME": "posts", "CACHE_SECONDS": "-1"}, "CACHE_SECONDS"},
		{"cache not a number", map[string]string{"TABLE_NAME": "posts", "CACHE_SECONDS": "1m"}, "CACHE_SECONDS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := setup(context.Background(), slog.New(slog.DiscardHandler), func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("setup error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || h.Store == nil {
				t.Fatalf("setup = %+v, %v", h, err)
			}
		})
	}
}
