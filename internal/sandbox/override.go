package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// OverrideFile is the name of the file WriteOverride writes into a root module.
const OverrideFile = "refarch_sandbox_override.tf"

// awsEndpoints are the hashicorp/aws endpoint keys pointed at the sandbox; kumo serves them all on one port.
var awsEndpoints = []string{
	"apigateway", "appautoscaling", "athena", "autoscaling", "cloudfront", "cloudwatch", "cognitoidentity",
	"cognitoidp", "dynamodb", "ec2", "ecr", "ecs", "efs", "elasticache", "elbv2", "events", "firehose", "glue", "iam",
	"iot", "kinesis", "kms", "lambda", "logs", "rds", "s3", "scheduler", "secretsmanager", "ses", "sesv2", "sns", "sqs",
	"ssm", "sts",
}

// refarchEndpoints are the refarch provider's endpoint keys.
var refarchEndpoints = []string{
	"athena", "cloudfront", "dynamodb", "iam", "lambda", "s3", "scheduler", "secretsmanager", "sts",
}

// Override is an OpenTofu override file that points a root module's aws and refarch providers at the sandbox.
// The root module must declare both provider blocks (override files only merge into existing ones).
func (s *Sandbox) Override() string {
	return fmt.Sprintf("# Written by refarch's sandbox harness: points the providers at kumo on %s. Never commit.\n%s\n%s",
		s.Endpoint, s.ProviderBlock("aws"), s.ProviderBlock("refarch"))
}

// ProviderBlock is a `provider "aws"` or `provider "refarch"` block configured for the sandbox, e.g. for the
// provider's acceptance tests.
//
// For aws, skip_requesting_account_id is on: with an account id the AWS provider tags S3 buckets through S3 Control
// at <account>.<endpoint>, a host that does not resolve locally; without it ARNs carry an empty account field,
// which kumo accepts.
func (s *Sandbox) ProviderBlock(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider %q {\n", name)
	switch name {
	case "aws":
		fmt.Fprintf(&b, "  region                      = %q\n  access_key                  = %q\n  secret_key                  = %q\n", s.Region, accessKey, secretKey)
		b.WriteString("  skip_credentials_validation = true\n  skip_metadata_api_check     = true\n")
		b.WriteString("  skip_region_validation      = true\n  skip_requesting_account_id  = true\n  s3_use_path_style           = true\n")
		writeEndpoints(&b, awsEndpoints, s.Endpoint, nil)
	case "refarch":
		fmt.Fprintf(&b, "  region     = %q\n  access_key = %q\n  secret_key = %q\n", s.Region, accessKey, secretKey)
		writeEndpoints(&b, refarchEndpoints, s.Endpoint, map[string]string{"athena": s.athenaURL})
	}
	b.WriteString("}\n")
	return b.String()
}

// writeEndpoints points every key at url, except those with their own (non-empty) endpoint in except.
func writeEndpoints(b *strings.Builder, keys []string, url string, except map[string]string) {
	b.WriteString("  endpoints {\n")
	for _, k := range keys {
		u := url
		if e := except[k]; e != "" {
			u = e
		}
		fmt.Fprintf(b, "    %-14s = %q\n", k, u)
	}
	b.WriteString("  }\n")
}

// WriteOverride writes Override into dir (a root module, usually a temporary copy of an example).
func (s *Sandbox) WriteOverride(dir string) error {
	return os.WriteFile(filepath.Join(dir, OverrideFile), []byte(s.Override()), 0o644)
}

// Prepare readies a staged root module of example (or of a test fixture) for the sandbox: it writes the provider
// override and the example's stand-in files (what kumo cannot build, such as Microservices' network), and returns
// the example's sandbox-only variables (LocalProfile), plus, for examples whose ElastiCache kumo cannot create, the
// endpoint of the sandbox's Redis (CacheEndpoint). Tests, the demo and the Go library all prepare through it.
func (s *Sandbox) Prepare(ctx context.Context, dir, example string) (map[string]any, error) {
	if err := s.WriteOverride(dir); err != nil {
		return nil, err
	}
	for name, src := range standInFiles[example] {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			return nil, err
		}
	}
	vars := LocalProfile(example)
	if cacheStandIn[example] {
		endpoint, err := s.CacheEndpoint(ctx)
		if err != nil {
			return nil, err
		}
		vars["cache_endpoint_override"] = endpoint
	}
	return vars, nil
}

// CacheEndpoint is the cache_endpoint_override value (address, port, tls) of the Redis that stands in for
// ElastiCache in this sandbox: one redis-server per sandbox, started on first use and stopped with the sandbox, so
// every plan and apply against the sandbox sees the same endpoint. Without redis-server installed the endpoint is
// 127.0.0.1:6379, which deploys but leaves the cache unreachable.
func (s *Sandbox) CacheEndpoint(ctx context.Context) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.redis == nil {
		r, err := s.StartRedis(ctx)
		switch {
		case errors.Is(err, ErrNoRedis):
			return map[string]any{"address": "127.0.0.1", "port": 6379, "tls": false}, nil
		case err != nil:
			return nil, err
		}
		s.redis = r
	}
	return map[string]any{"address": s.redis.Host, "port": s.redis.Port, "tls": false}, nil
}
