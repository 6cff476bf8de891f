package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestPremiumSetupRefusesBadEnvironment(t *testing.T) {
	base := map[string]string{
		"PREMIUM_TABLE": "t", "SIGNING_SECRET_ARN": "arn:s", "USER_POOL_ID": "us-east-1_abc",
		"USER_POOL_CLIENT_ID": "c", "CONTENT_BASE_URL": "https://d1.cloudfront.net",
	}
	for _, tc := range []struct{ drop, set, val, want string }{
		{drop: "PREMIUM_TABLE", want: "PREMIUM_TABLE"},
		{drop: "SIGNING_SECRET_ARN", want: "SIGNING_SECRET_ARN"},
		{drop: "USER_POOL_CLIENT_ID", want: "USER_POOL_CLIENT_ID"},
		{drop: "CONTENT_BASE_URL", want: "CONTENT_BASE_URL"},
		{set: "URL_TTL", val: "24h", want: "URL_TTL"},
		{set: "URL_TTL", val: "30s", want: "URL_TTL"},
		{set: "VIDEO_PREFIX", val: "../", want: "VIDEO_PREFIX"},
	} {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		delete(env, tc.drop)
		if tc.set != "" {
			env[tc.set] = tc.val
		}
		_, err := setup(context.Background(), slog.New(slog.DiscardHandler), func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want one naming %s", tc, err, tc.want)
		}
	}
}
