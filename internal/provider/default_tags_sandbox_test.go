package provider

// The provider's default_tags against the sandbox (kumo): the real SDK
// requests of CreateSecret and CreateRole with tags, and of TagRole on an
// update, with the tags read back with the SDK. kumo lacks Secrets Manager's
// TagResource: the update's tagging of the secret fails there, which the
// resource reports as a warning, so the apply still succeeds.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

func TestAccProvider_defaultTagsSandbox(t *testing.T) {
	r := startReportSandbox(t)
	cfg, err := r.sb.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sm := secretsmanager.NewFromConfig(cfg)
	config := func(run, comment, expr string) string {
		provider := strings.TrimSuffix(r.sb.ProviderBlock("refarch"), "}\n") + fmt.Sprintf(`
  default_tags {
    tags = { "refarch:test-run" = %q, team = "media" }
  }
}
`, run)
		return testAccConfig(provider + fmt.Sprintf(`
resource "refarch_signed_url_keypair" "test" {
  name                        = "refarch-acc-tags"
  comment                     = %q
  secret_recovery_window_days = 0
}

resource "refarch_athena_report_schedule" "test" {
  name                = "daily-sales"
  database            = "sales"
  report_s3_uri       = "s3://reports-bucket/daily/"
  query               = "SELECT 1"
  schedule_expression = %q
  schedule_timezone   = "Europe/Paris" # kumo reports UTC for an unset time zone
}
`, comment, expr))
	}
	tagged := func(secretRun, roleRun string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			ctx := context.Background()
			a, err := keypairAttrs(s)
			if err != nil {
				return err
			}
			out, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(a["secret_arn"])})
			if err != nil {
				return err
			}
			got := map[string]string{}
			for _, tag := range out.Tags {
				got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			if got["refarch:test-run"] != secretRun || got["team"] != "media" || got[keypairSecretTagKey] != "refarch-acc-tags" {
				return fmt.Errorf("secret tags %v, want refarch:test-run = %s, team and its own tag", got, secretRun)
			}
			role := s.RootModule().Resources[testAccReportAddr].Primary.Attributes["managed_role_name"]
			// GetRole, not ListRoleTags, which kumo lacks.
			out2, err := r.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
			if err != nil {
				return err
			}
			got = map[string]string{}
			for _, tag := range out2.Role.Tags {
				got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			if got["refarch:test-run"] != roleRun || got["team"] != "media" {
				return fmt.Errorf("role %s tags %v, want refarch:test-run = %s and team", role, got, roleRun)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("run-1", "a", "rate(1 day)"), Check: tagged("run-1", "run-1")},
			{
				// default_tags alone: no plan diff, nothing tagged.
				Config:           config("run-2", "a", "rate(1 day)"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            tagged("run-1", "run-1"),
			},
			// An update for another reason brings the new default tags (to
			// the role: kumo has no TagResource for the secret, a warning).
			{Config: config("run-2", "b", "rate(1 hour)"), Check: tagged("run-1", "run-2")},
		},
	})
}
