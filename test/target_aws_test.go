//go:build aws

package test

import (
	"context"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/examples"
	"github.com/refarch/terraform-provider-refarch/internal/restapi"
	"github.com/refarch/terraform-provider-refarch/internal/sweep"
)

// target is real AWS, with the credentials and region of the environment (AWS_PROFILE / AWS_REGION, …).
// Run: make test-aws (go test -tags aws ./test/...). Functions run as arm64 zips from the refarch provider.
type target struct{ region string }

func newTarget(t *testing.T) target {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		t.Fatal("set AWS_REGION (and credentials) to run the real-AWS tier")
	}
	t.Logf("run %s: every resource is tagged %s=%s (make sweep-aws SWEEP_RUN=%s deletes what is left)", testRun(), sweep.TagKey, testRun(), testRun())
	return target{region: region}
}

func (tg target) prepare(t *testing.T, opts *terraform.Options) {
	if opts.Vars == nil {
		opts.Vars = map[string]any{}
	}
	opts.Vars["region"] = tg.region
	// Every root declares default_tags and hands it to the AWS and refarch providers (TestRootsApplyDefaultTags).
	opts.Vars["default_tags"] = runTags()
	// The tests sign users in with USER_PASSWORD_AUTH (the examples' default is SRP only).
	if declares(exampleName(opts), "allow_user_password_auth") {
		opts.Vars["allow_user_password_auth"] = true
	}
	// The test account has no ACM certificate for the load balancers' *.elb.amazonaws.com names (nor a domain to
	// point at them), so the examples with a load balancer serve plain HTTP there; their modules refuse that unless
	// asked (modules/alb's HTTPS default is covered by the mocked tofu tests).
	if opts.Vars["certificate_arn"] == nil && opts.Vars["alb_certificate_arn"] == nil && declares(exampleName(opts), "allow_plain_http") {
		opts.Vars["allow_plain_http"] = true
	}
}

// startFunction is a no-op: AWS Lambda runs the deployed package.
func (tg target) startFunction(*testing.T, string, string) {}

func (tg target) api(t *testing.T, opts *terraform.Options) *restapi.Client {
	return restapi.ForURL(terraform.OutputContext(t, t.Context(), opts, "api_url"))
}

// directAPI calls a stage by its invoke URL, bypassing any CloudFront distribution in front of it.
func (tg target) directAPI(_ *testing.T, stageURL string) *restapi.Client {
	return restapi.ForURL(stageURL)
}

func (tg target) awsConfig(t *testing.T) aws.Config {
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(tg.region))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func (tg target) alive(*testing.T) {}

func (tg target) siteURL(t *testing.T, opts *terraform.Options) string {
	return "https://" + terraform.OutputContext(t, t.Context(), opts, "distribution_domain_name")
}

// driveEventSources is a no-op: AWS Lambda polls the event source mappings.
func (tg target) driveEventSources(*testing.T, string) {}

// deliverBucketNotifications is a no-op: S3 delivers them.
func (tg target) deliverBucketNotifications(*testing.T, string) {}

// driveEventSource is a no-op: AWS Lambda polls the event source mappings.
func (tg target) driveEventSource(*testing.T, string, string) {}

// waitStreamDrained: AWS Lambda's poller gives no such signal; tests call it only where sentMail can read a mailbox,
// which on AWS it cannot.
func (tg target) waitStreamDrained(t *testing.T, _, _ string, _ time.Duration) {
	t.Fatal("waitStreamDrained: no drain signal from AWS Lambda's stream poller")
}

// sentMail: SES keeps no readable mailbox on AWS.
func (tg target) sentMail(*testing.T, string) ([]sentMail, bool) { return nil, false }

// sandbox is false here: Cognito sign-ups are confirmed with AdminConfirmSignUp.
func (tg target) sandbox() bool { return false }

func (tg target) destroy(t *testing.T, opts *terraform.Options) {
	terraform.DestroyContext(t, t.Context(), opts)
}

// athenaEndpoint is nil: the SDK's own.
func (tg target) athenaEndpoint() *string { return nil }

// directObjectURL is an object's URL straight at S3, bypassing CloudFront.
func (tg target) directObjectURL(bucket, key string) string {
	return "https://" + bucket + ".s3." + tg.region + ".amazonaws.com/" + key
}

// declares reports whether examples/<example> has the input variable.
func declares(example, variable string) bool {
	b, err := fs.ReadFile(examples.FS, path.Join(example, "variables.tf"))
	return err == nil && strings.Contains(string(b), `variable "`+variable+`"`)
}
