package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestProviderSchemaDefaultTags: default_tags.tags takes what IAM and
// Secrets Manager take as tags, and names the offending key or value.
func TestProviderSchemaDefaultTags(t *testing.T) {
	ctx := context.Background()
	var resp provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &resp)
	block, ok := resp.Schema.Blocks["default_tags"].(schema.SingleNestedBlock)
	if !ok {
		t.Fatalf("default_tags is %T, want a single nested block", resp.Schema.Blocks["default_tags"])
	}
	if !strings.HasSuffix(block.MarkdownDescription, ".") {
		t.Error("default_tags: MarkdownDescription is not a full sentence")
	}
	tags, ok := block.Attributes["tags"].(schema.MapAttribute)
	if !ok || !tags.Optional || !tags.ElementType.Equal(types.StringType) {
		t.Fatalf("default_tags.tags is %#v, want an optional map of strings", block.Attributes["tags"])
	}
	if !strings.HasSuffix(tags.MarkdownDescription, ".") {
		t.Error("default_tags.tags: MarkdownDescription is not a full sentence")
	}

	many := map[string]string{}
	for i := range maxDefaultTags + 1 {
		many[strings.Repeat("k", i+1)] = "v"
	}
	for name, tc := range map[string]struct {
		tags map[string]string
		want string // "" when valid
	}{
		"empty":               {map[string]string{}, ""},
		"run tag":             {map[string]string{"refarch:test-run": "20261201T101500Z-1a2b3c4d", "team": "media"}, ""},
		"allowed characters":  {map[string]string{"a b_c.d:e/f=g+h-i@j": "Ünïcode 42", "empty value": ""}, ""},
		"longest key":         {map[string]string{strings.Repeat("k", maxTagKeyLength): strings.Repeat("v", maxTagValueLength)}, ""},
		"aws: key":            {map[string]string{"aws:cloudformation:stack": "x"}, "aws:"},
		"AWS: key":            {map[string]string{"AWS:Owner": "x"}, "aws:"},
		"empty key":           {map[string]string{"": "x"}, "length"},
		"long key":            {map[string]string{strings.Repeat("k", maxTagKeyLength+1): "x"}, "length"},
		"long value":          {map[string]string{"k": strings.Repeat("v", maxTagValueLength+1)}, "length"},
		"bad key character":   {map[string]string{"owner#1": "x"}, "letters, digits"},
		"bad value character": {map[string]string{"owner": "a,b"}, "letters, digits"},
		"too many":            {many, "at most 49"},
	} {
		t.Run(name, func(t *testing.T) {
			elems := map[string]attr.Value{}
			for k, v := range tc.tags {
				elems[k] = types.StringValue(v)
			}
			req := validator.MapRequest{
				Path:        path.Root("default_tags").AtName("tags"),
				ConfigValue: types.MapValueMust(types.StringType, elems),
			}
			var out validator.MapResponse
			for _, v := range tags.Validators {
				v.ValidateMap(ctx, req, &out)
			}
			if tc.want == "" {
				if out.Diagnostics.HasError() {
					t.Fatalf("valid tags %v refused: %v", tc.tags, out.Diagnostics)
				}
				return
			}
			if !out.Diagnostics.HasError() {
				t.Fatalf("tags %v accepted, want an error about %q", tc.tags, tc.want)
			}
			var details []string
			for _, d := range out.Diagnostics.Errors() {
				details = append(details, d.Detail())
			}
			if got := strings.Join(details, "\n"); !strings.Contains(got, tc.want) {
				t.Errorf("errors %q do not mention %q", got, tc.want)
			}
		})
	}
}

func TestConfigureDefaultTags(t *testing.T) {
	isolateAWSEnv(t)
	m := nullModel()
	m.Region = types.StringValue("eu-west-1")
	m.DefaultTags = &defaultTagsModel{Tags: types.MapValueMust(types.StringType, map[string]attr.Value{
		"refarch:test-run": types.StringValue("run-1"),
	})}
	resp := configure(t, m)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	data, _ := providerDataFrom(resp.ResourceData)
	if d := cmp.Diff(map[string]string{"refarch:test-run": "run-1"}, data.defaultTags); d != "" {
		t.Errorf("defaultTags (-want +got):\n%s", d)
	}

	// No block, or a block without tags: no default tags.
	for _, dt := range []*defaultTagsModel{nil, {Tags: types.MapNull(types.StringType)}} {
		m.DefaultTags = dt
		data, _ := providerDataFrom(configure(t, m).ResourceData)
		if data.defaultTags != nil {
			t.Errorf("default_tags %v: defaultTags = %v, want none", dt, data.defaultTags)
		}
	}

	// Unknown tags: resources cannot tag, so they cannot call AWS either.
	m.DefaultTags = &defaultTagsModel{Tags: types.MapUnknown(types.StringType)}
	data, _ = providerDataFrom(configure(t, m).ResourceData)
	if _, diags := data.AWS(); !diags.HasError() || !strings.Contains(diags[0].Detail(), "`default_tags.tags`") {
		t.Errorf("AWS() with unknown default_tags: %v", diags)
	}
}

func TestMergeTags(t *testing.T) {
	if got := mergeTags(nil, nil); got != nil {
		t.Errorf("mergeTags(nil, nil) = %v", got)
	}
	defaults := map[string]string{"refarch:test-run": "r", "owner": "default"}
	got := mergeTags(defaults, map[string]string{"owner": "own"})
	if d := cmp.Diff(map[string]string{"refarch:test-run": "r", "owner": "own"}, got); d != "" {
		t.Errorf("merge (-want +got):\n%s", d)
	}
	if defaults["owner"] != "default" {
		t.Error("mergeTags changed the defaults")
	}
}

func smTag(k, v string) smtypes.Tag   { return smtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
func iamTag(k, v string) iamtypes.Tag { return iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

// TestSignedURLKeypairDefaultTags: the secret is created with the default
// tags under its own tag, which wins; tagSecret (which the resource's Update
// calls) adds default tags that are new since; without default tags nothing
// changes.
func TestSignedURLKeypairDefaultTags(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	f := newFakeAWS(clock)
	m := f.manager()
	m.defaultTags = map[string]string{"refarch:test-run": "run-1", "team": "media", keypairSecretTagKey: "not-mine"}

	st, err := m.create(ctx, "media", "", "")
	if err != nil {
		t.Fatal(err)
	}
	_, sent := f.secretTags(st.SecretARN)
	want := []smtypes.Tag{smTag(keypairSecretTagKey, "media"), smTag("refarch:test-run", "run-1"), smTag("team", "media")}
	if d := cmp.Diff(want, sent, cmp.AllowUnexported(smtypes.Tag{})); d != "" {
		t.Errorf("CreateSecret Tags (-want +got):\n%s", d)
	}

	// An update (here a rotation) does not tag; tagSecret adds the default
	// tags configured since.
	m.defaultTags = map[string]string{"refarch:test-run": "run-1", "cost-center": "42"}
	f.calls = nil
	st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.tagSecret(ctx, st); err != nil {
		t.Fatal(err)
	}
	if want := "TagResource " + f.secrets[st.SecretARN].name + " [cost-center refarch:signed-url-keypair refarch:test-run]"; !containsCall(f.calls, want) {
		t.Errorf("calls %v, want %q", f.calls, want)
	}
	tags, _ := f.secretTags(st.SecretARN)
	wantTags := map[string]string{keypairSecretTagKey: "media", "refarch:test-run": "run-1", "team": "media", "cost-center": "42"}
	if d := cmp.Diff(wantTags, tags); d != "" {
		t.Errorf("secret tags after the update (-want +got):\n%s", d)
	}

	// A secret the update has to create anew (deleted outside) gets them too.
	if err := m.delete(ctx, keypairState{SecretARN: st.SecretARN}, 0); err != nil {
		t.Fatal(err)
	}
	st.SecretARN = ""
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true}); err != nil {
		t.Fatal(err)
	}
	_, sent = f.secretTags(st.SecretARN)
	want = []smtypes.Tag{smTag("cost-center", "42"), smTag(keypairSecretTagKey, "media"), smTag("refarch:test-run", "run-1")}
	if d := cmp.Diff(want, sent, cmp.AllowUnexported(smtypes.Tag{})); d != "" {
		t.Errorf("CreateSecret Tags of the recreated secret (-want +got):\n%s", d)
	}

	// Without default tags: the secret's own tag only, no TagResource.
	f2 := newFakeAWS(clock)
	m2 := f2.manager()
	st2, err := m2.create(ctx, "plain", "", "")
	if err != nil {
		t.Fatal(err)
	}
	_, sent = f2.secretTags(st2.SecretARN)
	if d := cmp.Diff([]smtypes.Tag{smTag(keypairSecretTagKey, "plain")}, sent, cmp.AllowUnexported(smtypes.Tag{})); d != "" {
		t.Errorf("CreateSecret Tags without default tags (-want +got):\n%s", d)
	}
	f2.calls = nil
	if err := m2.tagSecret(ctx, st2); err != nil {
		t.Fatal(err)
	}
	for _, c := range f2.calls {
		if strings.HasPrefix(c, "TagResource") {
			t.Errorf("calls %v: TagResource without default tags", f2.calls)
		}
	}

	// A failing TagResource is an error naming default_tags (the resource
	// turns it into a warning).
	f.fail["TagResource"] = &smtypes.InvalidRequestException{Message: aws.String("denied")}
	if err := m.tagSecret(ctx, st); err == nil || !strings.Contains(err.Error(), "default_tags") {
		t.Errorf("tagSecret with a failing TagResource: %v", err)
	}
}

// TestAthenaReportSchedule_DefaultTags: the managed role is created with the
// default tags; tagRole (which the resource's Update calls) adds the ones it
// lacks (and only those); a role of the user's own is never tagged.
func TestAthenaReportSchedule_DefaultTags(t *testing.T) {
	ctx := context.Background()
	f := newFakeReportAWS()
	m := f.manager()
	m.defaultTags = map[string]string{"refarch:test-run": "run-1", "team": "data"}
	s := testReportSpec()
	st, err := m.create(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	_, sent := f.roleTags(st.ManagedRoleName)
	want := []iamtypes.Tag{iamTag("refarch:test-run", "run-1"), iamTag("team", "data")}
	if d := cmp.Diff(want, sent, cmp.AllowUnexported(iamtypes.Tag{})); d != "" {
		t.Errorf("CreateRole Tags (-want +got):\n%s", d)
	}

	// Unchanged default tags: nothing to tag.
	f.calls = nil
	if err := m.tagRole(ctx, st.ManagedRoleName); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.calls {
		if strings.HasPrefix(c, "TagRole") {
			t.Errorf("calls %v: TagRole with the role's tags unchanged", f.calls)
		}
	}

	// New and changed default tags are added, the rest left alone.
	m.defaultTags = map[string]string{"refarch:test-run": "run-2", "team": "data", "cost-center": "42"}
	f.calls = nil
	if err := m.tagRole(ctx, st.ManagedRoleName); err != nil {
		t.Fatal(err)
	}
	if want := "TagRole " + st.ManagedRoleName + " [cost-center refarch:test-run]"; !containsCall(f.calls, want) {
		t.Errorf("calls %v, want %q", f.calls, want)
	}
	tags, _ := f.roleTags(st.ManagedRoleName)
	if d := cmp.Diff(map[string]string{"refarch:test-run": "run-2", "team": "data", "cost-center": "42"}, tags); d != "" {
		t.Errorf("role tags after the update (-want +got):\n%s", d)
	}

	// The user's own role: no IAM call at all.
	f.calls = nil
	own := s
	own.Name, own.RoleARN = "own-role", "arn:aws:iam::123456789012:role/mine"
	if _, err := m.create(ctx, own); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.calls {
		if strings.HasPrefix(c, "CreateRole") || strings.HasPrefix(c, "TagRole") {
			t.Errorf("calls %v: IAM changed for a role of the user's own", f.calls)
		}
	}

	// Without default tags: no Tags, no TagRole.
	f2 := newFakeReportAWS()
	m2 := f2.manager()
	st2, err := m2.create(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, sent := f2.roleTags(st2.ManagedRoleName); sent != nil {
		t.Errorf("CreateRole Tags without default tags: %v", sent)
	}
	f2.calls = nil
	if err := m2.tagRole(ctx, st2.ManagedRoleName); err != nil {
		t.Fatal(err)
	}
	for _, c := range f2.calls {
		if strings.HasPrefix(c, "TagRole") {
			t.Errorf("calls %v: TagRole without default tags", f2.calls)
		}
	}
}

func containsCall(calls []string, want string) bool {
	for _, c := range calls {
		if c == want {
			return true
		}
	}
	return false
}

// TestAccProvider_defaultTagsWithFakeAWS drives OpenTofu with both resources
// on the strict fakes: the provider's default_tags reach the secret and the
// role at create; a change of default_tags alone plans nothing; an update of
// a resource for another reason brings the new default tags, and a failure to
// tag then is only a warning.
func TestAccProvider_defaultTagsWithFakeAWS(t *testing.T) {
	t.Parallel()
	kf := newFakeAWS(newFakeClock())
	rf := newFakeReportAWS()
	cfg := func(run, comment, expr string) string {
		return testAccConfig(fmt.Sprintf(`
provider "refarch" {
  region     = "eu-west-1"
  access_key = "fake"
  secret_key = "fake"

  default_tags {
    tags = { "refarch:test-run" = %q }
  }
}

resource "refarch_signed_url_keypair" "test" {
  name                        = "media"
  comment                     = %q
  secret_recovery_window_days = 0
}

resource "refarch_athena_report_schedule" "test" {
  name                = "daily-sales"
  database            = "sales"
  report_s3_uri       = "s3://reports-bucket/daily/"
  query               = "SELECT 1"
  schedule_expression = %q
}
`, run, comment, expr))
	}
	tagged := func(run string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			a, err := keypairAttrs(s)
			if err != nil {
				return err
			}
			if tags, _ := kf.secretTags(a["secret_arn"]); tags["refarch:test-run"] != run || tags[keypairSecretTagKey] != "media" {
				return fmt.Errorf("secret tags %v, want refarch:test-run = %s and its own tag", tags, run)
			}
			role := s.RootModule().Resources[testAccReportAddr].Primary.Attributes["managed_role_name"]
			if tags, _ := rf.roleTags(role); tags["refarch:test-run"] != run {
				return fmt.Errorf("role %s tags %v, want refarch:test-run = %s", role, tags, run)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		PreCheck: func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProviderFactories(
			withKeypairManager(kf.manager()), withReportManager(rf.manager())),
		Steps: []resource.TestStep{
			{Config: cfg("run-1", "a", "rate(1 day)"), Check: tagged("run-1")},
			{
				Config:           cfg("run-2", "a", "rate(1 day)"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            tagged("run-1"),
			},
			{Config: cfg("run-2", "b", "rate(1 hour)"), Check: tagged("run-2")},
			{
				// Tagging that fails on an update is a warning: the apply
				// succeeds with the key pair updated and the old tags.
				PreConfig: func() {
					kf.mu.Lock()
					defer kf.mu.Unlock()
					kf.fail["TagResource"] = &smtypes.InvalidRequestException{Message: aws.String("denied")}
				},
				Config: cfg("run-3", "c", "rate(1 hour)"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(testAccKeypairAddr, "comment", "c"),
					func(s *terraform.State) error {
						a, err := keypairAttrs(s)
						if err != nil {
							return err
						}
						if tags, _ := kf.secretTags(a["secret_arn"]); tags["refarch:test-run"] != "run-2" {
							return fmt.Errorf("secret tags %v after a failed TagResource, want run-2 kept", tags)
						}
						return nil
					},
				),
			},
		},
	})
}
