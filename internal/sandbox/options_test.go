package sandbox

import (
	"slices"
	"testing"
)

func TestWithRDSBackend(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"all engines", Options{}.WithRDSBackend("", "127.0.0.1:5432"), []string{"KUMO_RDS_BACKEND=127.0.0.1:5432"}},
		{"one engine", Options{Env: []string{"A=b"}}.WithRDSBackend("postgres", "127.0.0.1:5"), []string{"A=b", "KUMO_RDS_BACKEND=postgres=127.0.0.1:5"}},
		{"two engines", Options{}.WithRDSBackend("postgres", "127.0.0.1:5").WithRDSBackend("mysql", "127.0.0.1:6"),
			[]string{"KUMO_RDS_BACKEND=postgres=127.0.0.1:5,mysql=127.0.0.1:6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.opts.Env, tt.want) {
				t.Fatalf("Env = %q, want %q", tt.opts.Env, tt.want)
			}
		})
	}
}
