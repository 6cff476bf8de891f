package sandbox

import (
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
