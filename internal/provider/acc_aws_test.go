//go:build aws

package provider

// The real-AWS tier of the provider's acceptance tests (TestAccAWS*): what
// the local sandbox (kumo) cannot run — Athena named queries and real query
// executions for refarch_athena_report_schedule — and what it runs only with
// a patched kumo (CloudFront UpdateKeyGroup for the rotation and cleanup of
// refarch_signed_url_keypair, tools/patches/kumo) runs here against the AWS
// account of the environment. These tests create billable
// resources and delete them again.
//
// They are compiled only with the build tag `aws` and skip unless TF_ACC
// and AWS_REGION are set. Credentials come from the environment like any
// SDK client (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO,
// instance roles, …); the provider block sets only the region. The CLI
// setup is the same as for the sandbox tests (see provider_test.go), so from
// the repository root:
//
//	eval "$(make -s env)"
//	TF_ACC=1 AWS_REGION=eu-west-1 AWS_PROFILE=… \
//	  go test -tags aws -run TestAccAWS -timeout 60m -v ./internal/provider/

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/refarch/terraform-provider-refarch/internal/sweep"
)

// awsAccPreCheck skips the test unless the real-AWS tier is asked for (TF_ACC
// and AWS_REGION set), then checks the CLI setup like every acceptance test.
func awsAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("real-AWS acceptance test: set TF_ACC=1, AWS_REGION and AWS credentials to run it " +
			"(go test -tags aws -run TestAccAWS ./internal/provider/); it creates billable resources in that account")
	}
	if os.Getenv("AWS_REGION") == "" {
		t.Skip("real-AWS acceptance test: set AWS_REGION (and AWS credentials in the environment) to run it")
	}
	testAccPreCheck(t)
}

// awsAcc is the real-AWS environment of one test: the region, and an SDK
// configuration for the checks made beside the provider.
type awsAcc struct {
	region string
	cfg    aws.Config
}

// newAWSAcc runs awsAccPreCheck (skipping the test when the tier is not
// asked for) and loads the SDK configuration from the environment. It fails
// early when no credentials can be found.
func newAWSAcc(t *testing.T) *awsAcc {
	t.Helper()
	awsAccPreCheck(t)
	region := os.Getenv("AWS_REGION")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		t.Fatalf("loading the AWS configuration from the environment: %v", err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		t.Fatalf("no AWS credentials in the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, …): %v", err)
	}
	return &awsAcc{region: region, cfg: cfg}
}

// providerBlock configures the provider for the region, with the run's
// refarch:test-run tag as default_tags (on the key pair's secret and the
// report schedule's role, so `make sweep-aws` finds them): credentials come
// from the environment.
func (e *awsAcc) providerBlock() string {
	return fmt.Sprintf(`
provider "refarch" {
  region = %q

  default_tags {
    tags = { %q = %q }
  }
}
`, e.region, sweep.TagKey, awsAccRun())
}

// config is body with the required_providers block (testAccConfig) and the
// provider block.
func (e *awsAcc) config(body string) string {
	return testAccConfig(e.providerBlock() + body)
}

// awsAccRun names this test process's run, as test/ does for the Terratest suites: $REFARCH_TEST_RUN, else a new
// id (sweep.NewRun). What the tests create with the SDK carries it as the refarch:test-run tag (make sweep-aws).
var awsAccRun = sync.OnceValue(func() string {
	if run := os.Getenv(sweep.RunEnv); run != "" {
		return run
	}
	return sweep.NewRun(time.Now())
})

// awsAccName is a unique name for the AWS objects of one test run:
// refarch-acc-<random digits>; lower case, so it is also a valid bucket name.
func awsAccName() string {
	return acctest.RandomWithPrefix("refarch-acc")
}

// awsAccEventually calls attempt every interval until it reports done, fails,
// or timeout passes (AWS is eventually consistent: a deleted IAM role or
// secret can still be read for a moment). The last attempt's error is
// returned on timeout.
func awsAccEventually(timeout, interval time.Duration, attempt func(context.Context) (done bool, err error)) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last error
	for {
		done, err := attempt(ctx)
		if done {
			return nil
		}
		if err != nil && !errors.Is(err, errAWSAccRetry) {
			return err
		}
		last = err
		select {
		case <-ctx.Done():
			if last == nil {
				last = ctx.Err()
			}
			return fmt.Errorf("gave up after %s: %w", timeout, last)
		case <-time.After(interval):
		}
	}
}

// errAWSAccRetry marks an attempt's error as a reason to try again (rather
// than to stop) in awsAccEventually.
var errAWSAccRetry = errors.New("not yet")
