package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/ingest"
)

func TestSetup(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	for _, tc := range []struct {
		name     string
		env      map[string]string
		wantErr  string
		registry bool
		max      int
	}{
		{"defaults", nil, "", false, 0},
		{"registry and limit", map[string]string{"DEVICE_REGISTRY_URI": "s3://lake/registry/devices.json", "MAX_RECORD_BYTES": "4096"}, "", true, 4096},
		{"bad registry", map[string]string{"DEVICE_REGISTRY_URI": "lake/devices.json"}, "DEVICE_REGISTRY_URI", false, 0},
		{"bad limit", map[string]string{"MAX_RECORD_BYTES": "2000000"}, "MAX_RECORD_BYTES", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := setup(context.Background(), slog.New(slog.DiscardHandler), func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("setup error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := tr.Devices.(*ingest.S3Registry); ok != tc.registry || tr.MaxRecordBytes != tc.max {
				t.Fatalf("setup = %+v", tr)
			}
		})
	}
}
