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
		{"defaults", nil, ""},
		{"custom", map[string]string{"UPLOADS_PREFIX": "photos/", "THUMBNAILS_PREFIX": "small/", "THUMBNAIL_WIDTH": "200", "AWS_S3_USE_PATH_STYLE": "true"}, ""},
		{"recursive prefixes refused", map[string]string{"THUMBNAILS_PREFIX": "uploads/thumbnails/"}, "inside UPLOADS_PREFIX"},
		{"bad width refused", map[string]string{"THUMBNAIL_WIDTH": "x"}, "THUMBNAIL_WIDTH"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := setup(context.Background(), slog.New(slog.DiscardHandler), func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("setup error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || h.S3 == nil {
				t.Fatalf("setup = %+v, %v", h, err)
			}
		})
	}
}
