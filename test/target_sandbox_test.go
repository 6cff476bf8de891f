//go:build !aws

package test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

// target is where a test deploys: here the local sandbox (kumo), one per test so tests run in parallel.
type target struct {
	sb *sandbox.Sandbox
}

func newTarget(t *testing.T) target {
	return target{sb: sandboxtest.Start(t)}
}

func (tg target) prepare(t *testing.T, opts *terraform.Options) {
	t.Helper()
	profile, err := tg.sb.Prepare(t.Context(), opts.TerraformDir, exampleName(opts))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Vars == nil {
		opts.Vars = map[string]any{}
	}
	for k, v := range profile {
		opts.Vars[k] = v
	}
	// CloudFront's If-Match protocol: the AWS provider retries a stale ETag when it deletes a distribution but not
	// when it disables one first, and once in a CI run kumo refused the disable with InvalidIfMatchVersion. A
	// retried command reads the current ETag again.
	opts.RetryableTerraformErrors = map[string]string{"InvalidIfMatchVersion": "stale CloudFront ETag; the retry reads the current one"}
	opts.MaxRetries = 2
	opts.TimeBetweenRetries = 5 * time.Second
}

// startFunction runs a deployed function's bootstrap (built for this machine) against the sandbox.
func (tg target) startFunction(t *testing.T, name, handler string) {
	t.Helper()
	ctx := context.Background()
	bin, err := sandbox.BuildBootstrap(ctx, handler, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.sb.StartFunction(ctx, name, bin); err != nil {
		t.Fatal(err)
	}
}

func (tg target) api(t *testing.T, opts *terraform.Options) *restapi.Client {
	t.Helper()
	return restapi.ForSandbox(tg.sb.Endpoint, tg.sb.Region, terraform.OutputContext(t, t.Context(), opts, "rest_api_id"), terraform.OutputContext(t, t.Context(), opts, "stage_name"))
}

// invokeURL is a REST API stage's invoke URL, https://<api id>.execute-api.<region>.amazonaws.com/<stage> (kumo's API
// ids contain '-').
var invokeURL = regexp.MustCompile(`^https://([A-Za-z0-9-]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/([A-Za-z0-9_-]+)/?$`)

// directAPI calls a stage by its invoke URL, bypassing any CloudFront distribution in front of it: here kumo's
// execute-api endpoint for it.
func (tg target) directAPI(t *testing.T, stageURL string) *restapi.Client {
	t.Helper()
	m := invokeURL.FindStringSubmatch(stageURL)
	if m == nil {
		t.Fatalf("%q is not a REST API stage's invoke URL", stageURL)
	}
	return restapi.ForSandbox(tg.sb.Endpoint, m[2], m[1], m[3])
}

func (tg target) awsConfig(t *testing.T) aws.Config {
	t.Helper()
	cfg, err := tg.sb.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func (tg target) alive(t *testing.T) { sandboxtest.Alive(t, tg.sb) }

// siteURL is where viewers reach a distribution: here kumo's CloudFront edge for it.
func (tg target) siteURL(t *testing.T, opts *terraform.Options) string {
	t.Helper()
	return tg.sb.Endpoint + "/kumo/cdn/" + terraform.OutputContext(t, t.Context(), opts, "distribution_id")
}

// driveEventSources polls every event source mapping kumo stored for the function, as the Lambda service would
// (kumo stores mappings but never polls them); the pollers stop with the test.
func (tg target) driveEventSources(t *testing.T, function string) {
	t.Helper()
	if err := tg.sb.DriveEventSources(t.Context(), function); err != nil {
		t.Fatal(err)
	}
}

// deliverBucketNotifications delivers the bucket's S3 → Lambda notifications (kumo sends them to a fixed
// localhost:4566, not to the sandbox's port); the poller stops with the test.
func (tg target) deliverBucketNotifications(t *testing.T, bucket string) {
	t.Helper()
	if err := tg.sb.DriveBucketNotifications(t.Context(), bucket); err != nil {
		t.Fatal(err)
	}
}

// driveEventSource stands in for the Lambda service's poller of an event source (an SQS queue or a DynamoDB
// stream): kumo runs no event source mappings, and the sandbox profile leaves them out. It stops with the test.
func (tg target) driveEventSource(t *testing.T, function, sourceARN string) {
	t.Helper()
	if err := tg.sb.DriveEventSource(t.Context(), sandbox.EventSource{FunctionName: function, EventSourceARN: sourceARN}); err != nil {
		t.Fatal(err)
	}
}

// waitStreamDrained returns once the poller driveEventSource started has handled every record the stream holds
// now, so every invocation for them has returned; the test fails when that takes longer than within.
func (tg target) waitStreamDrained(t *testing.T, function, streamARN string, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	if err := tg.sb.WaitStreamDrained(ctx, function, streamARN); err != nil {
		t.Fatal(err)
	}
}

// sentMail lists what SES sent from an address (kumo keeps a mailbox of SendEmail calls); ok is false where no
// mailbox can be read (real AWS).
func (tg target) sentMail(t *testing.T, from string) (mails []sentMail, ok bool) {
	t.Helper()
	resp, err := tg.sb.HTTPClient().Get(tg.sb.Endpoint + "/_aws/ses?email=" + url.QueryEscape(from))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sandbox SES mailbox: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&mails); err != nil {
		t.Fatalf("sandbox SES mailbox: %v", err)
	}
	return mails, true
}

// sandbox is true here: Cognito sign-ups are confirmed with kumo's fixed code.
func (tg target) sandbox() bool { return true }

// destroy tears the deployment down; resources kumo cannot delete on their own are forgotten first (their parents'
// deletion takes them along).
func (tg target) destroy(t *testing.T, opts *terraform.Options) {
	t.Helper()
	list, err := terraform.RunTerraformCommandContextE(t, t.Context(), opts, "state", "list")
	if err == nil {
		if addrs := sandbox.Undeletable(list); len(addrs) > 0 {
			terraform.RunTerraformCommandContext(t, t.Context(), opts, append([]string{"state", "rm"}, addrs...)...)
		}
	}
	terraform.DestroyContext(t, t.Context(), opts)
}

// athenaEndpoint is where Athena clients that read named queries go: the harness's endpoint (kumo has none).
func (tg target) athenaEndpoint() *string { return aws.String(tg.sb.AthenaEndpoint()) }

// directObjectURL is an object's URL straight at S3, bypassing CloudFront.
func (tg target) directObjectURL(bucket, key string) string {
	return tg.sb.Endpoint + "/" + bucket + "/" + key
}
