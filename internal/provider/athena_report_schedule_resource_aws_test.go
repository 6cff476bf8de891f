//go:build aws

package provider

// refarch_athena_report_schedule against real AWS (see acc_aws_test.go):
// Athena named queries, which kumo lacks
// (athena_report_schedule_resource_sandbox_test.go), and a real query
// execution writing its results to S3.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/refarch/terraform-provider-refarch/internal/sweep"
)

// awsAccReportBucket creates a private S3 bucket for the query results and
// registers its deletion (with every object in it) as cleanup, which runs
// after the test's destroy.
func awsAccReportBucket(t *testing.T, e *awsAcc, bucket string) *s3.Client {
	t.Helper()
	ctx := context.Background()
	c := s3.NewFromConfig(e.cfg)
	// Tagged with the run (awsAccRun) at creation, so `make sweep-aws` finds it if the cleanup never runs.
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{
		Tags: []s3types.Tag{{Key: aws.String(sweep.TagKey), Value: aws.String(awsAccRun())}},
	}}
	if e.region != "us-east-1" {
		in.CreateBucketConfiguration.LocationConstraint = s3types.BucketLocationConstraint(e.region)
	}
	if _, err := c.CreateBucket(ctx, in); err != nil {
		t.Fatalf("creating the results bucket %s: %v", bucket, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Errorf("listing the results bucket %s for its deletion: %v", bucket, err)
				return
			}
			if len(page.Contents) == 0 {
				continue
			}
			del := &s3types.Delete{Quiet: aws.Bool(true)}
			for _, o := range page.Contents {
				del.Objects = append(del.Objects, s3types.ObjectIdentifier{Key: o.Key})
			}
			if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: del}); err != nil {
				t.Errorf("emptying the results bucket %s: %v", bucket, err)
				return
			}
		}
		if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Errorf("deleting the results bucket %s: %v", bucket, err)
		}
	})
	if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		},
	}); err != nil {
		t.Fatalf("blocking public access to the results bucket %s: %v", bucket, err)
	}
	return c
}

// awsAccQuerySucceeded waits for the query execution to reach SUCCEEDED
// and returns its output location.
func awsAccQuerySucceeded(c *athena.Client, id string, timeout time.Duration) (string, error) {
	var output string
	err := awsAccEventually(timeout, 3*time.Second, func(ctx context.Context) (bool, error) {
		out, err := c.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			return false, fmt.Errorf("GetQueryExecution %s: %w", id, err)
		}
		q := out.QueryExecution
		if q == nil || q.Status == nil {
			return false, fmt.Errorf("%w: query execution %s has no status", errAWSAccRetry, id)
		}
		switch q.Status.State {
		case athenatypes.QueryExecutionStateSucceeded:
			if q.ResultConfiguration != nil {
				output = aws.ToString(q.ResultConfiguration.OutputLocation)
			}
			return true, nil
		case athenatypes.QueryExecutionStateFailed, athenatypes.QueryExecutionStateCancelled:
			return false, fmt.Errorf("query execution %s ended %s: %s", id, q.Status.State, aws.ToString(q.Status.StateChangeReason))
		default:
			return false, fmt.Errorf("%w: query execution %s is %s", errAWSAccRetry, id, q.Status.State)
		}
	})
	return output, err
}

func TestAccAWSAthenaReportSchedule_basic(t *testing.T) {
	e := newAWSAcc(t)
	name := awsAccName()
	bucket := name // awsAccName is lower case letters, digits and hyphens
	s3c := awsAccReportBucket(t, e, bucket)
	sched, ath, iamc := scheduler.NewFromConfig(e.cfg), athena.NewFromConfig(e.cfg), iam.NewFromConfig(e.cfg)
	reportURI := "s3://" + bucket + "/reports/"
	roleName := "refarch-athena-report-" + name
	addr := testAccReportAddr

	// The database "default" of AwsDataCatalog and a query that reads no
	// table: nothing to create beside the bucket.
	cfg := func(query, expr string) string {
		return e.config(fmt.Sprintf(`
resource "refarch_athena_report_schedule" "test" {
  name                = %q
  database            = "default"
  query               = %q
  schedule_expression = %q
  report_s3_uri       = %q
  run_on_create       = true
}
`, name, query, expr, reportURI))
	}

	newQuery := statecheck.CompareValue(compare.ValuesDiffer())
	sameRole := statecheck.CompareValue(compare.ValuesSame())
	sameSchedule := statecheck.CompareValue(compare.ValuesSame())
	sameRun := statecheck.CompareValue(compare.ValuesSame())
	var firstNamedQueryID string

	// inAWS checks the schedule, its target and the named query as AWS has
	// them against the state.
	inAWS := func(query, expr string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			ctx := context.Background()
			a := s.RootModule().Resources[addr].Primary.Attributes
			out, err := findSchedule(ctx, sched, "default", name)
			if err != nil {
				return err
			}
			if got := aws.ToString(out.ScheduleExpression); got != expr {
				return fmt.Errorf("schedule expression %q, want %q", got, expr)
			}
			if aws.ToString(out.Arn) != a["schedule_arn"] || out.State != "ENABLED" {
				return fmt.Errorf("schedule %s is %s, state has %s", aws.ToString(out.Arn), out.State, a["schedule_arn"])
			}
			tg := out.Target
			if tg == nil || aws.ToString(tg.Arn) != reportStartQueryTarget || aws.ToString(tg.RoleArn) != a["role_arn"] {
				return fmt.Errorf("schedule target %+v, want %s run as %s", tg, reportStartQueryTarget, a["role_arn"])
			}
			if in := aws.ToString(tg.Input); !strings.Contains(in, fmt.Sprintf(`"QueryString":%q`, query)) ||
				!strings.Contains(in, fmt.Sprintf(`"OutputLocation":%q`, reportURI)) {
				return fmt.Errorf("schedule target input %s", in)
			}
			nq, err := findNamedQuery(ctx, ath, a["named_query_id"])
			if err != nil {
				return err
			}
			if aws.ToString(nq.QueryString) != query || aws.ToString(nq.Database) != "default" || aws.ToString(nq.Name) != name {
				return fmt.Errorf("named query %+v", nq)
			}
			role, err := findRole(ctx, iamc, roleName)
			if err != nil {
				return fmt.Errorf("the managed role: %w", err)
			}
			// The provider's default_tags (providerBlock: the run tag),
			// so that make sweep-aws finds the role.
			var run string
			for _, tag := range role.Tags {
				if aws.ToString(tag.Key) == sweep.TagKey {
					run = aws.ToString(tag.Value)
				}
			}
			if run != awsAccRun() {
				return fmt.Errorf("the managed role's %s tag is %q, want %q", sweep.TagKey, run, awsAccRun())
			}
			return nil
		}
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { awsAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, rs := range s.RootModule().Resources {
				if rs.Type != "refarch_athena_report_schedule" {
					continue
				}
				a := rs.Primary.Attributes
				ids := []string{a["named_query_id"], firstNamedQueryID}
				// IAM and Athena are eventually consistent: allow a moment.
				err := awsAccEventually(2*time.Minute, 5*time.Second, func(ctx context.Context) (bool, error) {
					if _, err := findSchedule(ctx, sched, a["schedule_group"], a["name"]); !errors.Is(err, errReportNotFound) {
						return false, fmt.Errorf("%w: schedule %s still exists (%v)", errAWSAccRetry, a["id"], err)
					}
					for _, id := range ids {
						if id == "" {
							continue
						}
						if _, err := findNamedQuery(ctx, ath, id); !errors.Is(err, errReportNotFound) {
							return false, fmt.Errorf("%w: named query %s still exists (%v)", errAWSAccRetry, id, err)
						}
					}
					if _, err := findRole(ctx, iamc, roleName); !errors.Is(err, errReportNotFound) {
						return false, fmt.Errorf("%w: managed role %s still exists (%v)", errAWSAccRetry, roleName, err)
					}
					return true, nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// Create: managed role, named query, schedule, one run.
				Config: cfg("SELECT 1", "rate(1 day)"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("managed_role_name"), knownvalue.StringExact(roleName)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("named_query_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("schedule_arn"), knownvalue.StringRegexp(regexp.MustCompile(
						`^arn:aws[a-z-]*:scheduler:`+regexp.QuoteMeta(e.region)+`:\d{12}:schedule/default/`+name+`$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("role_arn"), knownvalue.StringRegexp(regexp.MustCompile(
						`^arn:aws[a-z-]*:iam::\d{12}:role/`+roleName+`$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("managed_role_name"), knownvalue.StringExact(roleName)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("initial_query_execution_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("workgroup"), knownvalue.StringExact("primary")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("catalog"), knownvalue.StringExact("AwsDataCatalog")),
					newQuery.AddStateValue(addr, tfjsonpath.New("named_query_id")),
					sameRole.AddStateValue(addr, tfjsonpath.New("role_arn")),
					sameSchedule.AddStateValue(addr, tfjsonpath.New("schedule_arn")),
					sameRun.AddStateValue(addr, tfjsonpath.New("initial_query_execution_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					inAWS("SELECT 1", "rate(1 day)"),
					func(s *terraform.State) error {
						a := s.RootModule().Resources[addr].Primary.Attributes
						firstNamedQueryID = a["named_query_id"]
						// The run of run_on_create succeeds and writes its
						// results under report_s3_uri.
						output, err := awsAccQuerySucceeded(ath, a["initial_query_execution_id"], 5*time.Minute)
						if err != nil {
							return err
						}
						if !strings.HasPrefix(output, reportURI) {
							return fmt.Errorf("query results at %q, want under %s", output, reportURI)
						}
						key := strings.TrimPrefix(output, "s3://"+bucket+"/")
						if _, err := s3c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
							return fmt.Errorf("the query results %s: %w", output, err)
						}
						return nil
					},
				),
			},
			{
				Config:           cfg("SELECT 1", "rate(1 day)"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// New schedule expression and query: updated in place, with
				// a new named query (Athena cannot change one) and the old
				// one deleted; no new run.
				Config: cfg("SELECT 2", "rate(12 hours)"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("named_query_id")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("role_arn"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newQuery.AddStateValue(addr, tfjsonpath.New("named_query_id")),
					sameRole.AddStateValue(addr, tfjsonpath.New("role_arn")),
					sameSchedule.AddStateValue(addr, tfjsonpath.New("schedule_arn")),
					sameRun.AddStateValue(addr, tfjsonpath.New("initial_query_execution_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("schedule_expression"), knownvalue.StringExact("rate(12 hours)")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					inAWS("SELECT 2", "rate(12 hours)"),
					func(*terraform.State) error {
						_, err := findNamedQuery(context.Background(), ath, firstNamedQueryID)
						if !errors.Is(err, errReportNotFound) {
							return fmt.Errorf("the replaced named query %s still exists (%v)", firstNamedQueryID, err)
						}
						return nil
					},
				),
			},
			{
				Config:           cfg("SELECT 2", "rate(12 hours)"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
