package provider

// TestAccAthenaReportSchedule_withFakeAWS drives OpenTofu through the
// lifecycle of refarch_athena_report_schedule against the strict fake
// (athena_report_schedule_resource_fake_test.go): create with a managed
// role and run_on_create, empty plan, in-place schedule update, query
// replacement, drift (schedule and named query deleted outside), the switch
// to a user role, plan-time validation errors, import and destroy.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const testAccReportAddr = "refarch_athena_report_schedule.test"

// reportConfig is the resource with the given attribute lines.
func reportConfig(providerBlock, attrs string) string {
	return testAccConfig(providerBlock + `
resource "refarch_athena_report_schedule" "test" {
  name          = "daily-sales"
  database      = "sales"
  report_s3_uri = "s3://reports-bucket/daily/"
` + attrs + "}\n")
}

const fakeProviderBlock = `
provider "refarch" {
  region     = "eu-west-1"
  access_key = "fake"
  secret_key = "fake"
}
`

func TestAccAthenaReportSchedule_withFakeAWS(t *testing.T) {
	// Its own provider instance and fake, explicit Region and keys: no
	// environment to isolate, so it runs beside the other tests.
	t.Parallel()
	f := newFakeReportAWS()
	cfg := func(attrs string) string { return reportConfig(fakeProviderBlock, attrs) }
	base := `
  query               = "SELECT 1"
  schedule_expression = "cron(0 6 * * ? *)"
  schedule_timezone   = "Europe/Paris"
  source_s3_uris      = ["s3://datalake/orders/"]
`
	addr := testAccReportAddr
	sameQuery := statecheck.CompareValue(compare.ValuesSame())
	diffQuery := statecheck.CompareValue(compare.ValuesDiffer())
	sameRole := statecheck.CompareValue(compare.ValuesSame())
	inFake := func(s *terraform.State) error {
		a := s.RootModule().Resources[addr].Primary.Attributes
		sc := f.schedules["default/daily-sales"]
		if sc == nil {
			return fmt.Errorf("no schedule in the fake")
		}
		if aws.ToString(sc.ScheduleExpression) != a["schedule_expression"] || string(sc.State) != a["state"] ||
			aws.ToString(sc.Target.RoleArn) != a["role_arn"] || !strings.Contains(aws.ToString(sc.Target.Input), fmt.Sprintf("%q", a["query"])) {
			return fmt.Errorf("fake schedule %+v does not match the state %v", sc, a)
		}
		if q, ok := f.queries[a["named_query_id"]]; !ok || aws.ToString(q.QueryString) != a["query"] {
			return fmt.Errorf("named query %s missing or stale", a["named_query_id"])
		}
		return nil
	}

	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProviderFactories(withReportManager(f.manager())),
		CheckDestroy: func(*terraform.State) error {
			if a, b, c := f.counts(); a+b+c != 0 {
				return fmt.Errorf("left behind: %d schedules, %d named queries, %d roles", a, b, c)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      cfg(base + `  schedule_expression_typo = 1` + "\n"),
				ExpectError: regexp.MustCompile(`schedule_expression_typo`),
			},
			{
				Config:      cfg(strings.Replace(base, "cron(0 6 * * ? *)", "cron(0 6 * * *)", 1)),
				ExpectError: regexp.MustCompile(`(?s)Invalid schedule expression.*schedule_expression.*has 5 fields`),
			},
			{
				Config:      cfg(strings.Replace(base, "Europe/Paris", "Europe/Pariss", 1)),
				ExpectError: regexp.MustCompile(`(?s)Invalid time zone.*schedule_timezone`),
			},
			{
				Config:      reportConfig(fakeProviderBlock, base+`  dead_letter_arn = "arn:aws:sns:eu-west-1:123456789012:x"`+"\n"),
				ExpectError: regexp.MustCompile(`(?s)dead_letter_arn.*SQS queue ARN`),
			},
			{
				Config:      strings.Replace(cfg(base), "s3://reports-bucket/daily/", "s3://reports-bucket/daily", 1),
				ExpectError: regexp.MustCompile(`(?s)Invalid S3 location.*report_s3_uri.*must end with a slash`),
			},
			{
				// Create: managed role, run once.
				Config: cfg(base + "  run_on_create = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("managed_role_name"), knownvalue.StringExact("refarch-athena-report-daily-sales")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("role_arn")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/daily-sales")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("role_arn"), knownvalue.StringExact("arn:aws:iam::123456789012:role/refarch-athena-report-daily-sales")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("initial_query_execution_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("retry_policy").AtMapKey("maximum_retry_attempts"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("workgroup"), knownvalue.StringExact("primary")),
					sameQuery.AddStateValue(addr, tfjsonpath.New("named_query_id")),
					sameRole.AddStateValue(addr, tfjsonpath.New("role_arn")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(inFake, func(*terraform.State) error {
					if len(f.started) != 1 {
						return fmt.Errorf("%d query runs, want 1", len(f.started))
					}
					return nil
				}),
			},
			{
				Config:           cfg(base + "  run_on_create = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Schedule-only change: in place, same named query, no new run.
				Config: cfg(strings.Replace(base, "cron(0 6 * * ? *)", "rate(1 hour)", 1) + `  run_on_create = true
  state = "DISABLED"
  flexible_time_window_minutes = 10
  retry_policy = { maximum_retry_attempts = 5 }
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("named_query_id"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameQuery.AddStateValue(addr, tfjsonpath.New("named_query_id")),
					sameRole.AddStateValue(addr, tfjsonpath.New("role_arn")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("retry_policy").AtMapKey("maximum_event_age_in_seconds"), knownvalue.Int64Exact(86400)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(inFake, func(*terraform.State) error {
					sc := f.schedules["default/daily-sales"]
					if len(f.started) != 1 || aws.ToInt32(sc.FlexibleTimeWindow.MaximumWindowInMinutes) != 10 || aws.ToInt32(sc.Target.RetryPolicy.MaximumRetryAttempts) != 5 ||
						aws.ToString(sc.ScheduleExpressionTimezone) != "Europe/Paris" {
						return fmt.Errorf("schedule after update: %+v", sc)
					}
					return nil
				}),
			},
			{
				// Query change: a new named query, the old one deleted.
				Config: cfg(strings.Replace(base, "SELECT 1", "SELECT 2", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("named_query_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{diffQuery.AddStateValue(addr, tfjsonpath.New("named_query_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(inFake, func(*terraform.State) error {
					if n := len(f.queries); n != 1 {
						return fmt.Errorf("%d named queries, want 1", n)
					}
					return nil
				}),
			},
			{
				Config:           cfg(strings.Replace(base, "SELECT 1", "SELECT 2", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Drift: the schedule changed outside (partial definition)
				// and the named query deleted: both put back in place.
				PreConfig: func() {
					_, err := f.UpdateSchedule(context.Background(), &scheduler.UpdateScheduleInput{
						Name: aws.String("daily-sales"), ScheduleExpression: aws.String("rate(5 minutes)"),
						FlexibleTimeWindow: f.schedules["default/daily-sales"].FlexibleTimeWindow, Target: f.schedules["default/daily-sales"].Target,
					})
					if err != nil {
						t.Fatal(err)
					}
					for id := range f.queries {
						if _, err := f.DeleteNamedQuery(context.Background(), &athena.DeleteNamedQueryInput{NamedQueryId: aws.String(id)}); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: cfg(strings.Replace(base, "SELECT 1", "SELECT 2", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("named_query_id")),
				}},
				Check: inFake,
			},
			{
				// Drift: the schedule deleted outside: created again.
				PreConfig: func() {
					if _, err := f.DeleteSchedule(context.Background(), &scheduler.DeleteScheduleInput{Name: aws.String("daily-sales")}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(strings.Replace(base, "SELECT 1", "SELECT 2", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(inFake, func(s *terraform.State) error {
					// The managed role is found by name and reused; the
					// named query of the forgotten state is an orphan (as
					// with any resource deleted outside), removed here.
					if _, queries, roles := f.counts(); roles != 1 || queries != 2 {
						return fmt.Errorf("%d roles, %d named queries, want 1 and 2", roles, queries)
					}
					current := s.RootModule().Resources[addr].Primary.Attributes["named_query_id"]
					for _, id := range f.queryIDs() {
						if id != current {
							_, _ = f.DeleteNamedQuery(context.Background(), &athena.DeleteNamedQueryInput{NamedQueryId: aws.String(id)})
						}
					}
					return nil
				}),
			},
			{
				// Drift: the managed role deleted outside: created again,
				// with its policy, and the schedule still runs as it.
				PreConfig: func() {
					f.mu.Lock()
					delete(f.roles, "refarch-athena-report-daily-sales")
					f.mu.Unlock()
				},
				Config: cfg(strings.Replace(base, "SELECT 1", "SELECT 2", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("role_arn")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("named_query_id"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(inFake, func(*terraform.State) error {
					r := f.roles["refarch-athena-report-daily-sales"]
					if r == nil || r.policies[reportRolePolicyName] == "" {
						return fmt.Errorf("the managed role or its policy was not recreated")
					}
					return nil
				}),
			},
			{
				Config:           cfg(strings.Replace(base, "SELECT 1", "SELECT 2", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The user brings a role: the managed role is deleted.
				Config: cfg(strings.Replace(base, "SELECT 1", "SELECT 2", 1) + `  role_arn = "arn:aws:iam::123456789012:role/my-own"` + "\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("managed_role_name"), knownvalue.Null()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(inFake, func(*terraform.State) error {
					if _, _, roles := f.counts(); roles != 0 {
						return fmt.Errorf("%d roles left, want 0", roles)
					}
					return nil
				}),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "default/daily-sales",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"named_query_id", "source_s3_uris"},
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "daily-sales",
				ExpectError:   regexp.MustCompile(`must be <schedule_group>/<name>`),
			},
		},
	})
}

// TestAccAthenaReportSchedule_withFakeAWSKMS: report_kms_key_arn is
// checked at plan time, sent with every run, granted to the managed role,
// read back from the schedule (empty re-plan, import) and removable.
func TestAccAthenaReportSchedule_withFakeAWSKMS(t *testing.T) {
	// Its own provider instance and fake, explicit Region and keys: no
	// environment to isolate, so it runs beside the other tests.
	t.Parallel()
	f := newFakeReportAWS()
	addr := testAccReportAddr
	base := `
  query               = "SELECT 1"
  schedule_expression = "rate(1 day)"
`
	withKey := base + `  report_kms_key_arn = "` + testReportKMSKey + `"` + "\n"
	cfg := func(attrs string) string { return reportConfig(fakeProviderBlock, attrs) }
	encrypted := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			sc := f.schedules["default/daily-sales"]
			if sc == nil {
				return fmt.Errorf("no schedule in the fake")
			}
			in := aws.ToString(sc.Target.Input)
			policy := f.roles["refarch-athena-report-daily-sales"].policies[reportRolePolicyName]
			hasKey := strings.Contains(in, `"EncryptionConfiguration":{"EncryptionOption":"SSE_KMS","KmsKey":"`+testReportKMSKey+`"}`)
			hasGrant := strings.Contains(policy, `"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":["`+testReportKMSKey+`"]`)
			if hasKey != want || hasGrant != want || (!want && (strings.Contains(in, "Encryption") || strings.Contains(policy, "kms:"))) {
				return fmt.Errorf("want the key: %v; target Input %s, role policy %s", want, in, policy)
			}
			return nil
		}
	}
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}
	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProviderFactories(withReportManager(f.manager())),
		CheckDestroy: func(*terraform.State) error {
			if a, b, c := f.counts(); a+b+c != 0 {
				return fmt.Errorf("left behind: %d schedules, %d named queries, %d roles", a, b, c)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      cfg(base + `  report_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:alias/reports"` + "\n"),
				ExpectError: regexp.MustCompile(`(?s)report_kms_key_arn.*must be a KMS key ARN`),
			},
			{
				Config:            cfg(withKey),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("report_kms_key_arn"), knownvalue.StringExact(testReportKMSKey))},
				Check:             encrypted(true),
			},
			{Config: cfg(withKey), ConfigPlanChecks: empty},
			{
				Config:            cfg(base),
				ConfigPlanChecks:  update,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("report_kms_key_arn"), knownvalue.Null())},
				Check:             encrypted(false),
			},
			{Config: cfg(base), ConfigPlanChecks: empty},
			{Config: cfg(withKey), ConfigPlanChecks: update, Check: encrypted(true)},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "default/daily-sales",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"named_query_id", "managed_role_name"},
			},
		},
	})
}
