package refarch

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// TestSandboxApplyCancelResume deploys MyTodoList to the local sandbox through the library: an Apply cancelled at a
// fixed point (after init) stops cleanly, a second Apply completes from the state it left, the typed outputs are filled, a
// plan is empty, the handler runs, and Destroy removes it all.
func TestSandboxApplyCancelResume(t *testing.T) {
	needSandbox(t)
	t.Parallel()
	ctx := context.Background()
	sb := startSandbox(t)

	stack := &Stack{
		Architecture: MyTodoList{Name: "lib-" + strings.ToLower(time.Now().Format("150405"))},
		Target:       sb,
		Dir:          t.TempDir(),
	}
	defer func() {
		if err := stack.Destroy(ctx); err != nil {
			t.Errorf("Destroy: %v", err)
		}
	}()

	// The first Apply is cancelled at a fixed point in its output (init done, before `apply` starts), not after a
	// fixed time: a cancel that lands while a create request is in flight makes the provider drop the answer, so
	// the resource exists but not in the state and the resume fails with "already exists" — as on AWS. That
	// happened here with an 8 s timer once the toolchain got faster.
	cctx, cancel := context.WithCancel(ctx)
	stack.Stdout = cancelOn{marker: "has been successfully initialized", cancel: cancel}
	err := stack.Apply(cctx)
	if err == nil || !errors.Is(cctx.Err(), context.Canceled) {
		t.Fatalf("first Apply, cancelled after init: %v (want an error after the cancellation)", err)
	}
	stack.Stdout = nil

	if err := stack.Apply(ctx); err != nil {
		t.Fatalf("second Apply after a cancelled one: %v", err)
	}
	var out MyTodoListOutputs
	if err := stack.Outputs(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if out.RestAPIID == "" || out.TableName == "" || out.UserPoolID == "" || out.FunctionName == "" || out.StageName == "" {
		t.Fatalf("typed outputs missing values: %+v", out)
	}
	if changes, err := stack.Plan(ctx); err != nil || changes {
		t.Fatalf("Plan after Apply: changes=%v err=%v, want an empty plan", changes, err)
	}
	names, err := sb.RunFunctions(ctx, stack)
	if err != nil || len(names) != 1 || names[0] != out.FunctionName {
		t.Fatalf("RunFunctions = %v, %v; want [%s]", names, err, out.FunctionName)
	}
}

// TestSandboxArchitectures deploys, through the library, every other architecture whose example the sandbox can
// apply — MyBlog, PaidContent, Ingestion and Microservices (MyTodoList is TestSandboxApplyCancelResume's) — each to its own
// sandbox: Apply, typed outputs filled, an empty re-plan, the handlers running natively, one request through the
// deployment's front door, and a Destroy that leaves nothing behind in the state.
func TestSandboxArchitectures(t *testing.T) {
	needSandbox(t)
	suffix := strings.ToLower(time.Now().Format("150405"))
	blogOut, paidOut, ingOut, msOut := &MyBlogOutputs{}, &PaidContentOutputs{}, &IngestionOutputs{}, &MicroservicesOutputs{}
	tests := []struct {
		arch    Architecture
		outputs any
		// check inspects the typed outputs and exercises the running deployment.
		check func(t *testing.T, ctx context.Context, sb *Sandbox)
	}{
		{
			arch:    MyBlog{Name: "lib-blog-" + suffix, SenderAddress: "blog@example.com"},
			outputs: blogOut,
			check: func(t *testing.T, ctx context.Context, sb *Sandbox) {
				out := blogOut
				requireSet(t, out.DistributionDomainName, out.SiteBucketName, out.UploadsBucketName, out.UsersTableName,
					out.PostsTableName, out.WelcomeFunctionName, out.ThumbnailFunctionName, out.PostsFunctionName,
					out.UsersStreamARN, out.SenderIdentity, out.DLQURL, out.APIURL, out.OriginVerifyFunctionName, out.OriginVerifyHeaderName, out.AlarmTopicARN)
				site := sandbox.EdgeURL(sb.Endpoint(), "https://"+out.DistributionDomainName)
				putObject(t, ctx, sb, out.SiteBucketName, "index.html", "<h1>lib</h1>")
				if status, body := get(t, site+"/index.html"); status != http.StatusOK || body != "<h1>lib</h1>" {
					t.Fatalf("GET /index.html through the distribution: %d %q", status, body)
				}
				if status, body := get(t, site+"/api/posts"); status != http.StatusOK || !strings.Contains(body, "posts") {
					t.Fatalf("GET /api/posts through the distribution (the posts function): %d %q", status, body)
				}
				// Straight to the API (kumo's execute-api, the invoke URL's host as Host): refused without the origin header.
				api := restapi.ForURL(out.APIURL)
				u, err := url.Parse(out.APIURL)
				if err != nil {
					t.Fatal(err)
				}
				api.BaseURL, api.Host = sb.Endpoint()+u.Path, u.Host
				if resp, err := api.Do(ctx, http.MethodGet, "/api/posts", nil); err != nil || resp.Status != http.StatusUnauthorized {
					t.Fatalf("GET %s/api/posts straight to the API: %+v %v, want 401 (only the distribution gets through)", out.APIURL, resp, err)
				}
			},
		},
		{
			arch:    PaidContent{Name: "lib-paid-" + suffix, SecretRecoveryWindowDays: intp(0)},
			outputs: paidOut,
			check: func(t *testing.T, ctx context.Context, sb *Sandbox) {
				out := paidOut
				requireSet(t, out.APIURL, out.RestAPIID, out.StageName, out.FunctionName, out.UserPoolID,
					out.UserPoolClientID, out.PremiumTableName, out.VideoBucketName, out.DistributionDomainName, out.KeyGroupID,
					out.AlarmTopicARN)
				putObject(t, ctx, sb, out.VideoBucketName, "videos/intro.mp4", "video")
				edge := sandbox.EdgeURL(sb.Endpoint(), "https://"+out.DistributionDomainName)
				if status, _ := get(t, edge+"/videos/intro.mp4"); status != http.StatusForbidden {
					t.Fatalf("unsigned GET of a video through the distribution: %d, want 403", status)
				}
			},
		},
		{
			arch:    Ingestion{Name: "lib-ing-" + suffix},
			outputs: ingOut,
			check: func(t *testing.T, _ context.Context, _ *Sandbox) {
				out := ingOut
				requireSet(t, out.IngestionBucketName, out.ReportingBucketName, out.DeliveryStreamName,
					out.TransformFunctionName, out.PartitionsFunctionName, out.NotificationQueueURL,
					out.NotificationDLQURL, out.GlueDatabaseName, out.GlueTableName, out.AlarmTopicARN)
			},
		},
		{
			// No Network: the sandbox stands in for modules/vpc with a plain VPC and subnets (sandbox.Prepare).
			arch: Microservices{
				Name:                  "lib-ms-" + suffix,
				ServiceAImage:         "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:sandbox",
				ServiceCArtifactS3URI: "s3://refarch-sandbox-artifacts/orders/orders-arm64",
				FinalSnapshot:         new(false),
			},
			outputs: msOut,
			check: func(t *testing.T, _ context.Context, _ *Sandbox) {
				out := msOut
				requireSet(t, out.ServiceAURL, out.ServiceATableName, out.ServiceBAPIURL, out.ServiceBFunctionName,
					out.ServiceCURL, out.ServiceCDBInstanceIdentifier, out.ServiceCDBSecretARN, out.EventsTopicARN,
					out.EventsConsumerFunctionName, out.EventsQueueURLs["fulfilment"], out.EventsDLQURLs["fulfilment"], out.AlarmTopicARN)
				if out.ServiceCEnvironment["DB_SECRET_ARN"] != out.ServiceCDBSecretARN {
					t.Fatalf("service C's environment %v does not name the database secret %s", out.ServiceCEnvironment, out.ServiceCDBSecretARN)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.arch.Example(), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			sb := startSandbox(t)
			stack := &Stack{Architecture: tt.arch, Target: sb, Dir: t.TempDir()}
			defer func() {
				if err := stack.Destroy(ctx); err != nil {
					t.Errorf("Destroy: %v", err)
				}
				if left := stateAddresses(t, ctx, stack); left != "" {
					t.Errorf("state after Destroy still holds:\n%s", left)
				}
			}()
			if err := stack.Apply(ctx); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if err := stack.Outputs(ctx, tt.outputs); err != nil {
				t.Fatal(err)
			}
			if changes, err := stack.Plan(ctx); err != nil || changes {
				t.Fatalf("Plan after Apply: changes=%v err=%v, want an empty plan", changes, err)
			}
			fa, _ := tt.arch.(interface{ functions() map[string]string })
			names, err := sb.RunFunctions(ctx, stack)
			if err != nil || fa == nil || len(names) != len(fa.functions()) {
				t.Fatalf("RunFunctions = %v, %v; want one running handler per function output", names, err)
			}
			tt.check(t, ctx, sb)
		})
	}
}

// requireSet fails on the first empty typed output.
func requireSet(t *testing.T, values ...string) {
	t.Helper()
	for i, v := range values {
		if v == "" {
			t.Fatalf("typed output #%d of the checked set is empty", i+1)
		}
	}
}

func putObject(t *testing.T, ctx context.Context, sb *Sandbox, bucket, key, body string) {
	t.Helper()
	cfg, err := sb.sb.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body),
	}); err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// stateAddresses lists what the stack's state still holds.
func stateAddresses(t *testing.T, ctx context.Context, s *Stack) string {
	t.Helper()
	tf, _, err := s.init(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tf.Show(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Values == nil {
		return ""
	}
	return addresses(st.Values.RootModule)
}

// needSandbox skips tests that deploy unless `make test` (or `eval "$(make -s env)"` with TF_ACC=1) set them up.
func needSandbox(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" && os.Getenv("REFARCH_KUMO") == "" {
		t.Skip("needs the local sandbox: run with `make test` (TF_ACC=1)")
	}
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		t.Skip("TF_CLI_CONFIG_FILE is not set: `make test` points OpenTofu at the provider mirror")
	}
}

// startSandbox starts a sandbox of the test's own, stopped when the test ends (after its deferred calls, such as a
// Destroy).
func startSandbox(t *testing.T) *Sandbox {
	t.Helper()
	sb, err := StartSandbox(context.Background(), SandboxOptions{LogDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Stop)
	return sb
}

// cancelOn calls cancel once the output it is given contains marker (written in one piece by the CLI).
type cancelOn struct {
	marker string
	cancel context.CancelFunc
}

func (c cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.marker) {
		c.cancel()
	}
	return len(p), nil
}
