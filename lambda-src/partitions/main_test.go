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
	base := map[string]string{"BUCKET": "lake", "DATA_PREFIX": "data/", "GLUE_DATABASE": "iot", "GLUE_TABLE": "readings"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string
		athena  bool
	}{
		{"glue by default", base, "", false},
		{"athena", with("PARTITION_REGISTRATION", "athena", "ATHENA_WORKGROUP", "primary"), "", true},
		{"missing", map[string]string{"BUCKET": "lake"}, "DATA_PREFIX, GLUE_DATABASE, GLUE_TABLE", false},
		{"prefix without slash", with("DATA_PREFIX", "data"), "DATA_PREFIX", false},
		{"unknown mode", with("PARTITION_REGISTRATION", "crawler"), "PARTITION_REGISTRATION", false},
		{"athena with a bad identifier", with("PARTITION_REGISTRATION", "athena", "GLUE_TABLE", "x`; DROP"), "GLUE_TABLE", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := setup(context.Background(), slog.New(slog.DiscardHandler), func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("setup error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := p.Registrar.(*ingest.AthenaRegistrar); ok != tc.athena {
				t.Fatalf("registrar %T", p.Registrar)
			}
		})
	}
}
