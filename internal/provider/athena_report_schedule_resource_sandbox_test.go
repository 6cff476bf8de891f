package provider

// Acceptance tests of refarch_athena_report_schedule against the local AWS
// sandbox (kumo). They skip without the sandbox unless TF_ACC is set (see
// sandboxtest.Start).
//
// kumo v0.33.1 implements EventBridge Scheduler (Create/Get/Update/
// DeleteSchedule), IAM roles with inline policies, STS GetCallerIdentity and
// Athena StartQueryExecution/GetQueryExecution, but not Athena named queries;
// every sandbox serves those on its own Athena endpoint
// (internal/sandbox/athena.go), and its provider block points the refarch
// provider's `athena` endpoint there. The tests run the shipped provider with
// that provider block: the same clients and endpoint wiring as a user's
// configuration, nothing injected.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

type reportSandbox struct {
	sb     *sandbox.Sandbox
	sched  *scheduler.Client
	iam    *iam.Client
	athena *athena.Client
}

func startReportSandbox(t *testing.T) *reportSandbox {
	t.Helper()
	isolateAWSEnv(t)
	sb := sandboxtest.Start(t)
	cfg, err := sb.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := &reportSandbox{sb: sb, sched: scheduler.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
		athena: athena.NewFromConfig(cfg, func(o *athena.Options) { o.BaseEndpoint = aws.String(sb.AthenaEndpoint()) })}
	if err := probeNamedQueries(context.Background(), r.athena); err != nil {
		t.Fatal(err)
	}
	return r
}

// probeNamedQueries: on AWS, GetNamedQuery of an unknown id is
// InvalidRequestException. Any other answer means the sandbox's Athena
// endpoint lacks the operation.
func probeNamedQueries(ctx context.Context, c *athena.Client) error {
	_, err := c.GetNamedQuery(ctx, &athena.GetNamedQueryInput{NamedQueryId: aws.String("00000000-0000-0000-0000-000000000000")})
	var ire *athenatypes.InvalidRequestException
	if errors.As(err, &ire) && !strings.Contains(ire.ErrorMessage(), "is not valid") {
		return nil
	}
	return fmt.Errorf("the sandbox's Athena endpoint does not implement GetNamedQuery/CreateNamedQuery/DeleteNamedQuery (probe: %v)", err)
}

func TestAccAthenaReportSchedule_sandbox(t *testing.T) {
	r := startReportSandbox(t)
	base := `
  query               = "SELECT region, sum(amount) FROM orders GROUP BY 1"
  schedule_expression = "cron(0 6 * * ? *)"
  schedule_timezone   = "Europe/Paris"
  dead_letter_arn     = "arn:aws:sqs:us-east-1:000000000000:reports-dlq"
  report_kms_key_arn  = "` + testReportKMSKey + `"
  run_on_create       = true
`
	cfg := func(attrs string) string { return reportConfig(r.sb.ProviderBlock("refarch"), attrs) }
	ctx := context.Background()
	addr := testAccReportAddr
	inKumo := func(expr string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			a := s.RootModule().Resources[addr].Primary.Attributes
			out, err := r.sched.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("daily-sales")})
			if err != nil {
				return err
			}
			if aws.ToString(out.ScheduleExpression) != expr || aws.ToString(out.Target.Arn) != reportStartQueryTarget ||
				aws.ToString(out.Target.RoleArn) != a["role_arn"] || aws.ToString(out.Arn) != a["schedule_arn"] ||
				!strings.Contains(aws.ToString(out.Target.Input), `"OutputLocation":"s3://reports-bucket/daily/"`) ||
				!strings.Contains(aws.ToString(out.Target.Input), `"EncryptionConfiguration":{"EncryptionOption":"SSE_KMS","KmsKey":"`+testReportKMSKey+`"}`) {
				return fmt.Errorf("kumo schedule %+v, target %+v does not match %v", out, out.Target, a)
			}
			pol, err := r.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(a["managed_role_name"]), PolicyName: aws.String(reportRolePolicyName)})
			if err != nil {
				return fmt.Errorf("the managed role's policy: %w", err)
			}
			doc := aws.ToString(pol.PolicyDocument)
			for _, action := range []string{"athena:StartQueryExecution", "kms:GenerateDataKey", "s3:ListMultipartUploadParts"} {
				if !strings.Contains(doc, action) && !strings.Contains(doc, strings.Replace(action, ":", "%3A", 1)) {
					return fmt.Errorf("the managed role's policy lacks %s: %s", action, doc)
				}
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := r.sched.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("daily-sales")}); err == nil {
				return fmt.Errorf("the schedule is still in kumo")
			}
			if _, err := r.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("refarch-athena-report-daily-sales")}); err == nil {
				return fmt.Errorf("the managed role is still in kumo")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// Create with run_on_create: the query execution is kumo's.
				Config: cfg(base),
				Check: resource.ComposeAggregateTestCheckFunc(inKumo("cron(0 6 * * ? *)"), func(s *terraform.State) error {
					id := s.RootModule().Resources[addr].Primary.Attributes["initial_query_execution_id"]
					qe, err := r.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
					if err != nil {
						return fmt.Errorf("initial query execution %q: %w", id, err)
					}
					if q := qe.QueryExecution; !strings.HasPrefix(aws.ToString(q.Query), "SELECT region") ||
						aws.ToString(q.ResultConfiguration.OutputLocation) == "" || aws.ToString(q.QueryExecutionContext.Database) != "sales" {
						return fmt.Errorf("kumo's query execution %+v", q)
					}
					return nil
				}),
			},
			{Config: cfg(base), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{Config: cfg(base), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				Config: cfg(strings.Replace(base, "cron(0 6 * * ? *)", "rate(1 day)", 1) + "  state = \"DISABLED\"\n  flexible_time_window_minutes = 30\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: inKumo("rate(1 day)"),
			},
			{
				Config:           cfg(strings.Replace(base, "cron(0 6 * * ? *)", "rate(1 day)", 1) + "  state = \"DISABLED\"\n  flexible_time_window_minutes = 30\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Drift: the schedule deleted in kumo is created again.
				PreConfig: func() {
					if _, err := r.sched.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("daily-sales")}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(base),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: inKumo("cron(0 6 * * ? *)"),
			},
		},
	})
}

// TestAccAthenaReportSchedule_sandboxStartQuery sends the request of
// run_on_create (the same document as the schedule's target Input, with
// report_kms_key_arn's EncryptionConfiguration) to kumo's Athena and reads
// it back. A query that cannot start fails the test: the sandbox runs
// StartQueryExecution, so a failure is a regression, not a gap.
func TestAccAthenaReportSchedule_sandboxStartQuery(t *testing.T) {
	r := startReportSandbox(t)
	ctx := context.Background()
	s := testReportSpec()
	s.WorkGroup = "primary"
	s.ReportKMSKeyARN = testReportKMSKey
	out, err := r.athena.StartQueryExecution(ctx, s.startQueryExecutionInput())
	if err != nil {
		t.Fatalf("the sandbox's Athena did not start the query of run_on_create: %v", err)
	}
	qe, err := r.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: out.QueryExecutionId})
	if err != nil {
		t.Fatal(err)
	}
	q := qe.QueryExecution
	if aws.ToString(q.Query) != s.Query || aws.ToString(q.WorkGroup) != "primary" || aws.ToString(q.QueryExecutionContext.Database) != "sales" ||
		q.ResultConfiguration == nil || aws.ToString(q.ResultConfiguration.OutputLocation) == "" {
		t.Fatalf("query execution as kumo has it: %+v", q)
	}
	if e := q.ResultConfiguration.EncryptionConfiguration; e == nil || e.EncryptionOption != athenatypes.EncryptionOptionSseKms || aws.ToString(e.KmsKey) != testReportKMSKey {
		t.Errorf("encryption configuration as kumo has it: %+v", e)
	}
	t.Logf("kumo query execution %s: state %v, output %s", aws.ToString(out.QueryExecutionId), q.Status.State, aws.ToString(q.ResultConfiguration.OutputLocation))
}
