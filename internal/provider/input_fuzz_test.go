package provider

import (
	"strings"
	"testing"
)

// Fuzz targets for the provider's input parsing: schedule expressions, S3
// locations, CloudFront private keys (PEM) and URLs to sign. Each must answer
// any input with a value or an error, never a panic; `make fuzz` runs them for
// FUZZTIME each and a crasher lands in testdata/fuzz as a regression test.

func FuzzValidateScheduleExpression(f *testing.F) {
	for _, s := range []string{
		"rate(1 day)", "rate(6 hours)", "rate(0 minutes)", "rate(1 days)", "cron(0 6 * * ? *)",
		"cron(0 6 ? * MON-FRI *)", "cron(15 10 L * ? *)", "cron(0 8 ? * 2#3 *)", "cron(0/15 * * * ? *)",
		"cron(0 6 15W * ? 2026-2030)", "cron(0 6 * * *)", "at(2026-11-26T06:00:00)", "at(2026-13-40T99:00:00)",
		"", "cron()", "cron(- - - - - -)", "rate(99999999999999999999 days)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		err := validateScheduleExpression(expr)
		known := strings.HasPrefix(expr, "rate(") || strings.HasPrefix(expr, "cron(") || strings.HasPrefix(expr, "at(")
		if err == nil && !known {
			t.Fatalf("%q accepted, but it is neither rate(), cron() nor at()", expr)
		}
		if again := validateScheduleExpression(expr); (again == nil) != (err == nil) {
			t.Fatalf("%q: validation is not deterministic (%v, then %v)", expr, err, again)
		}
	})
}

func FuzzValidateS3Prefix(f *testing.F) {
	for _, s := range []string{
		"s3://bucket/", "s3://my.bucket-1/reports/daily/", "s3://bucket/prefix", "s3://b/", "s3://192.168.0.1/",
		"s3://xn--bucket/", "s3://bucket//x/", "s3://Bucket/", "s3:/bucket/", "", "s3://a..b/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		if validateS3Prefix(uri) != nil {
			return
		}
		// Accepted: the split that the resource uses must give back a valid bucket and a folder prefix.
		bucket, prefix := s3Location(uri)
		if len(bucket) < 3 || len(bucket) > 63 || strings.ContainsAny(bucket, "/ ") {
			t.Fatalf("%q accepted, but its bucket is %q", uri, bucket)
		}
		if prefix != "" && (!strings.HasSuffix(prefix, "/") || strings.Contains(prefix, "//")) {
			t.Fatalf("%q accepted, but its prefix is %q", uri, prefix)
		}
		if "s3://"+bucket+"/"+prefix != uri {
			t.Fatalf("%q accepted, but splits into %q + %q", uri, bucket, prefix)
		}
	})
}

func FuzzParseCloudFrontPrivateKey(f *testing.F) {
	for _, s := range []string{
		"", "not pem",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
		"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
		"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n",
		"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
		"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMIIB\n-----END RSA PRIVATE KEY-----\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pemText string) {
		key, err := parseCloudFrontPrivateKey(pemText)
		if err == nil && key == nil {
			t.Fatalf("no key and no error for %q", pemText)
		}
		if err != nil && len(pemText) > 40 && strings.Contains(err.Error(), pemText) {
			t.Fatalf("the error repeats the key material: %v", err)
		}
	})
}

func FuzzValidateCloudFrontSignURL(f *testing.F) {
	for _, s := range []string{
		"https://d111111abcdef8.cloudfront.net/videos/a.mp4", "https://d111111abcdef8.cloudfront.net/a?x=1",
		"http://example.com/a", "https://example.com/a*", "", "https://", "://", "https://a/b?Signature=x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_ = validateCloudFrontSignURL(raw)
		_ = validateCloudFrontResource(raw)
	})
}
