package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/refarch/terraform-provider-refarch/internal/awsconfig"
	"github.com/refarch/terraform-provider-refarch/internal/lambdapkg"
)

// Running the acceptance tests (TestAcc*) against OpenTofu.
//
// terraform-plugin-testing runs the provider in this test process and points
// the CLI at it with TF_REATTACH_PROVIDERS, under the address
// <TF_ACC_PROVIDER_HOST>/<TF_ACC_PROVIDER_NAMESPACE>/refarch (defaults:
// registry.terraform.io and "hashicorp" plus the legacy "-"). What it needs:
//
//   - TF_ACC_TERRAFORM_PATH: the CLI binary, here OpenTofu, for example
//     $(tools/tool.sh path tofu) = ~/.cache/refarch/tools/tofu/v1.12.6/tofu.
//     The framework does not care that it is OpenTofu: it only runs and
//     parses `tofu version`. Without it, the framework looks for `terraform`
//     on PATH and then downloads Terraform from checkpoint.hashicorp.com.
//   - The configuration must name the provider by that reattach address.
//     OpenTofu resolves a bare `refarch` (no required_providers) or
//     `source = "refarch/refarch"` to host registry.opentofu.org, which does
//     not match the default registry.terraform.io: `tofu init` then fails
//     (`The legacy provider namespace "-" can be used only with hostname
//     registry.opentofu.org`) or tries to install the provider. Every test
//     config is therefore wrapped in testAccConfig, which writes a
//     required_providers block with the fully qualified reattach address, so
//     TF_ACC_PROVIDER_HOST and TF_ACC_PROVIDER_NAMESPACE may be left unset or
//     set as needed (`make test` sets TF_ACC_PROVIDER_NAMESPACE=refarch).
//     Configs written without testAccConfig need
//     TF_ACC_PROVIDER_HOST=registry.opentofu.org under OpenTofu.
//   - Under OpenTofu, TF_ACC_PROVIDER_NAMESPACE (any value, conventionally
//     "refarch") or TF_ACC_PROVIDER_HOST=registry.opentofu.org must be set:
//     with neither, the framework also registers the legacy namespace "-" on
//     registry.terraform.io, OpenTofu rejects the whole TF_REATTACH_PROVIDERS
//     value (`The legacy provider namespace "-" can be used only with
//     hostname registry.opentofu.org`) and every command fails.
//   - TF_CLI_CONFIG_FILE must be unset or name an existing file: when it
//     names a missing file, OpenTofu prints a warning before its version and
//     the framework fails with "unable to parse version".
//   - TF_ACC=1 only for resource.Test; resource.UnitTest (used by the tests
//     here, which need no AWS) runs without it.
//
// So, from the repository root, either
//
//	env -u TF_CLI_CONFIG_FILE TF_ACC=1 \
//	  TF_ACC_TERRAFORM_PATH=$(tools/tool.sh path tofu) \
//	  TF_ACC_PROVIDER_NAMESPACE=refarch \
//	  go test ./internal/provider/ -run TestAcc -v
//
// or eval "$(make -s env)" first, which sets all of the above.
// testAccPreCheck fails early with these explanations when the setup is off,
// and skips when neither TF_ACC nor TF_ACC_TERRAFORM_PATH is set, so that a
// plain `go test ./...` stays green without the CLI.

// testAccProtoV6ProviderFactories instantiates the provider during acceptance
// testing: the CLI connects to a provider server created by the factory for
// each command.
var testAccProtoV6ProviderFactories = testAccProviderFactories()

// testAccProviderFactories is testAccProtoV6ProviderFactories for a provider
// built with opts (its own instance, so tests with different fakes can run
// in parallel).
func testAccProviderFactories(opts ...Option) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"refarch": providerserver.NewProtocol6WithError(New("test", opts...)()),
	}
}

// withKeypairManager makes every refarch_signed_url_keypair of the provider
// work through a copy of m (a strict fake) and read m's clock.
func withKeypairManager(m *keypairManager) Option {
	return func(a *resourceAPIs) {
		a.now = m.now
		a.keypair = func(*awsconfig.Clients) *keypairManager { c := *m; return &c }
	}
}

// withReportManager makes every refarch_athena_report_schedule of the
// provider work through a copy of m (a strict fake).
func withReportManager(m *reportScheduleManager) Option {
	return func(a *resourceAPIs) {
		a.report = func(*awsconfig.Clients) *reportScheduleManager { c := *m; return &c }
	}
}

// testAccPreCheck checks the environment needed by every acceptance test
// (see the comment above). Tests that call AWS add their own checks.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	tfPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tfPath == "" && os.Getenv("TF_ACC") == "" {
		// resource.UnitTest runs even without TF_ACC: keep a plain `go test`
		// green on machines without the CLI setup.
		t.Skip("set TF_ACC_TERRAFORM_PATH to the tofu binary to run the tests that drive the CLI")
	}
	if tfPath == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the OpenTofu binary, for example $(tools/tool.sh path tofu): " +
			"otherwise terraform-plugin-testing looks for terraform on PATH or downloads it")
	}
	if strings.Contains(filepath.Base(tfPath), "tofu") &&
		os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" && os.Getenv("TF_ACC_PROVIDER_HOST") != "registry.opentofu.org" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is OpenTofu: set TF_ACC_PROVIDER_NAMESPACE=refarch (or " +
			"TF_ACC_PROVIDER_HOST=registry.opentofu.org); otherwise terraform-plugin-testing registers the provider " +
			`under the legacy namespace "-" on registry.terraform.io, which OpenTofu rejects`)
	}
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("TF_CLI_CONFIG_FILE=%s: %v; the CLI's warning about it breaks terraform-plugin-testing's "+
				"version check: unset TF_CLI_CONFIG_FILE or point it at an existing file", f, err)
		}
	}
}

// isolateAWSEnv hides the machine's AWS settings from the provider.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
	} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
}

// testAccConfig prefixes an acceptance test configuration with a
// required_providers block naming the provider by the exact address
// terraform-plugin-testing registers it under (built from the same
// TF_ACC_PROVIDER_HOST and TF_ACC_PROVIDER_NAMESPACE variables, with the same
// defaults). That makes the tests independent of the CLI's default registry
// host: OpenTofu and Terraform, with or without those variables, resolve
// `refarch` to the provider running in this process. Use it for every Config.
func testAccConfig(body string) string {
	host, namespace := "registry.terraform.io", "hashicorp"
	if v := os.Getenv("TF_ACC_PROVIDER_HOST"); v != "" {
		host = strings.TrimSuffix(v, "/")
	}
	if v := os.Getenv("TF_ACC_PROVIDER_NAMESPACE"); v != "" {
		namespace = strings.TrimSuffix(v, "/")
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    refarch = {
      source = %q
    }
  }
}

%s`, host+"/"+namespace+"/refarch", body)
}

func TestProviderSchema(t *testing.T) {
	ctx := context.Background()
	var resp provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("ValidateImplementation: %v", diags)
	}
	for name, a := range resp.Schema.Attributes {
		if !strings.HasSuffix(a.GetMarkdownDescription(), ".") {
			t.Errorf("attribute %s: MarkdownDescription is not a full sentence", name)
		}
	}
	for name, a := range resp.Schema.Blocks["assume_role"].GetNestedObject().GetAttributes() {
		if !strings.HasSuffix(a.GetMarkdownDescription(), ".") {
			t.Errorf("assume_role.%s: MarkdownDescription is not a full sentence", name)
		}
	}
	endpoints := resp.Schema.Blocks["endpoints"].GetNestedObject().GetAttributes()
	if len(endpoints) != len(endpointServices) {
		t.Errorf("endpoints block has %d attributes, want %d", len(endpoints), len(endpointServices))
	}
	for name, a := range endpoints {
		if !strings.HasSuffix(a.GetMarkdownDescription(), ".") {
			t.Errorf("endpoints.%s: MarkdownDescription is not a full sentence", name)
		}
	}
}

// configure runs the provider's Configure on model.
func configure(t *testing.T, model refarchProviderModel) *provider.ConfigureResponse {
	t.Helper()
	return configureAs(t, model, "")
}

// configureAs is configure with the CLI version the request carries.
func configureAs(t *testing.T, model refarchProviderModel, terraformVersion string) *provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)

	// Build the raw config value through a Plan, which can Set a model.
	plan := tfsdk.Plan{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	if diags := plan.Set(ctx, &model); diags.HasError() {
		t.Fatalf("building config: %v", diags)
	}
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, provider.ConfigureRequest{TerraformVersion: terraformVersion, Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: plan.Raw}}, resp)
	return resp
}

func endpointsAttrTypes() map[string]attr.Type {
	out := map[string]attr.Type{}
	for _, s := range endpointServices {
		out[s.id] = types.StringType
	}
	return out
}

func endpointsObject(t *testing.T, values map[string]string) types.Object {
	t.Helper()
	attrs := map[string]attr.Value{}
	for _, s := range endpointServices {
		attrs[s.id] = types.StringNull()
		if v, ok := values[s.id]; ok {
			attrs[s.id] = types.StringValue(v)
		}
	}
	return types.ObjectValueMust(endpointsAttrTypes(), attrs)
}

func nullModel() refarchProviderModel {
	return refarchProviderModel{
		Region: types.StringNull(), AccessKey: types.StringNull(), SecretKey: types.StringNull(), Token: types.StringNull(),
		Profile: types.StringNull(), Endpoints: types.ObjectNull(endpointsAttrTypes()),
	}
}

func TestConfigure(t *testing.T) {
	isolateAWSEnv(t)
	t.Setenv("AWS_ENDPOINT_URL", "http://global.example:4566")

	m := nullModel()
	m.Region = types.StringValue("eu-west-1")
	m.AccessKey = types.StringValue("AKIDEXAMPLE")
	m.SecretKey = types.StringValue("secret")
	m.Endpoints = endpointsObject(t, map[string]string{"cloudfront": "http://cloudfront.example:1", "s3": ""})

	resp := configure(t, m)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure: %v", resp.Diagnostics)
	}
	data, diags := providerDataFrom(resp.DataSourceData)
	if diags.HasError() || data == nil {
		t.Fatalf("DataSourceData = %#v, %v", resp.DataSourceData, diags)
	}
	if resp.ResourceData != resp.DataSourceData {
		t.Error("ResourceData and DataSourceData differ")
	}
	clients, diags := data.AWS()
	if diags.HasError() {
		t.Fatalf("AWS(): %v", diags)
	}
	if clients.Config.Region != "eu-west-1" {
		t.Errorf("Region = %q", clients.Config.Region)
	}
	creds, err := clients.Config.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIDEXAMPLE" {
		t.Errorf("credentials = %+v, %v", creds, err)
	}
	if got := clients.CloudFront().Options().BaseEndpoint; got == nil || *got != "http://cloudfront.example:1" {
		t.Errorf("CloudFront BaseEndpoint = %v", got)
	}
	if got := clients.DynamoDB().Options().BaseEndpoint; got == nil || *got != "http://global.example:4566" {
		t.Errorf("DynamoDB BaseEndpoint = %v, want AWS_ENDPOINT_URL", got)
	}
	if clients.EndpointFor("s3") != nil {
		t.Error("an empty endpoint must count as unset")
	}
}

// TestConfigureIdentity: profile, assume_role and the User-Agent reach the
// clients the resources use. A local server stands in for STS and Secrets
// Manager and records who signed each request.
func TestConfigureIdentity(t *testing.T) {
	isolateAWSEnv(t)
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, []byte("[deploy]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)

	type seen struct{ action, key, userAgent, body string }
	var mu sync.Mutex
	var requests []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
		key, _, _ := strings.Cut(cred, "/")
		mu.Lock()
		requests = append(requests, seen{form.Get("Action") + r.Header.Get("X-Amz-Target"), key, r.Header.Get("User-Agent"), string(body)})
		mu.Unlock()
		if form.Get("Action") == "AssumeRole" {
			fmt.Fprintf(w, `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>`+
				`<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>%s</Expiration></Credentials>`+
				`</AssumeRoleResult></AssumeRoleResponse>`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprint(w, `{"Name":"s"}`)
	}))
	defer srv.Close()

	m := nullModel()
	m.Region = types.StringValue("eu-west-1")
	m.Profile = types.StringValue("deploy")
	m.AssumeRole = &assumeRoleModel{
		RoleARN: types.StringValue("arn:aws:iam::111122223333:role/deployer"), SessionName: types.StringValue("ci-7"),
		ExternalID: types.StringValue("ext-42"),
	}
	m.Endpoints = endpointsObject(t, map[string]string{"sts": srv.URL, "secretsmanager": srv.URL})
	resp := configureAs(t, m, "1.12.6")
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	data, _ := providerDataFrom(resp.ResourceData)
	clients, diags := data.AWS()
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, err := newKeypairManager(clients).sm.DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	if len(requests) != 2 {
		t.Fatalf("requests %+v, want AssumeRole then DescribeSecret", requests)
	}
	if r := requests[0]; r.action != "AssumeRole" || r.key != "AKIDPROFILE" ||
		!strings.Contains(r.body, "RoleSessionName=ci-7") || !strings.Contains(r.body, "ExternalId=ext-42") {
		t.Errorf("AssumeRole: %+v, want it signed by the profile's key with the session name and external id", r)
	}
	if r := requests[1]; r.action != "secretsmanager.DescribeSecret" || r.key != "ASIAROLE" {
		t.Errorf("DescribeSecret: %+v, want it signed by the role's key", r)
	}
	for _, r := range requests {
		if !strings.Contains(r.userAgent, "terraform-provider-refarch/test") || !strings.Contains(r.userAgent, "Terraform/1.12.6") {
			t.Errorf("User-Agent %q lacks the provider and CLI versions", r.userAgent)
		}
	}
}

func TestConfigureWithoutRegion(t *testing.T) {
	isolateAWSEnv(t)

	resp := configure(t, nullModel())
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure without a Region must not fail (data sources without AWS calls still work): %v", resp.Diagnostics)
	}
	data, _ := providerDataFrom(resp.ResourceData)
	_, diags := data.AWS()
	if !diags.HasError() {
		t.Fatal("AWS() without a Region succeeded")
	}
	if detail := diags[0].Detail(); !strings.Contains(detail, "AWS_REGION") {
		t.Errorf("error detail %q does not explain how to set a Region", detail)
	}
	if !errors.Is(data.awsErr, awsconfig.ErrRegionRequired) {
		t.Errorf("awsErr = %v", data.awsErr)
	}
}

func TestConfigureRegionFromEnvironment(t *testing.T) {
	isolateAWSEnv(t)
	t.Setenv("AWS_DEFAULT_REGION", "ap-south-1")

	resp := configure(t, nullModel())
	data, _ := providerDataFrom(resp.ResourceData)
	clients, diags := data.AWS()
	if diags.HasError() {
		t.Fatal(diags)
	}
	if clients.Config.Region != "ap-south-1" {
		t.Errorf("Region = %q, want AWS_DEFAULT_REGION", clients.Config.Region)
	}
}

func TestConfigureUnknownValues(t *testing.T) {
	isolateAWSEnv(t)
	m := nullModel()
	m.Region = types.StringUnknown()

	resp := configure(t, m)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	data, _ := providerDataFrom(resp.ResourceData)
	if _, diags := data.AWS(); !diags.HasError() || !strings.Contains(diags[0].Detail(), "`region`") {
		t.Errorf("AWS() with an unknown region: %v", diags)
	}
}

func TestConfigureInvalid(t *testing.T) {
	isolateAWSEnv(t)
	m := nullModel()
	m.Region = types.StringValue("us-east-1")
	m.AccessKey = types.StringValue("AKIDEXAMPLE")

	if resp := configure(t, m); !resp.Diagnostics.HasError() {
		t.Fatal("Configure with access_key but no secret_key succeeded")
	}
}

func TestProviderDataFrom(t *testing.T) {
	if data, diags := providerDataFrom(nil); data != nil || diags.HasError() {
		t.Errorf("providerDataFrom(nil) = %v, %v; want nil, no error", data, diags)
	}
	if _, diags := providerDataFrom("nope"); !diags.HasError() {
		t.Error("providerDataFrom(string) did not fail")
	}
}

func TestAccProvider_invalidConfig(t *testing.T) {
	isolateAWSEnv(t)
	t.Cleanup(lambdapkg.ReplaceFS(fstest.MapFS{"todos_arm64.zip": {Data: []byte("zip")}}))
	t.Chdir(t.TempDir())
	for name, tc := range map[string]struct {
		provider string
		want     string
	}{
		"endpoint without scheme": {`endpoints { s3 = "localhost:4566" }`, `Invalid endpoint URL`},
		"relative endpoint":       {`endpoints { sts = "/sts" }`, `Invalid endpoint URL`},
		"access key alone":        {`access_key = "AKIDEXAMPLE"`, `secret_key`},
		"token alone":             {`token = "t"`, `access_key`},
		"assume_role without ARN": {`assume_role {
    session_name = "ci"
  }`, `role_arn`},
		"assume_role bad ARN": {`assume_role { role_arn = "deployer" }`, `must be an IAM role ARN`},
		"assume_role bad session": {`assume_role {
    role_arn     = "arn:aws:iam::111122223333:role/deployer"
    session_name = "has space"
  }`, `session_name`},
		"empty profile": {`profile = ""`, `profile`},
		"default_tags aws: key": {`default_tags {
    tags = { "aws:owner" = "x" }
  }`, `(?s)Reserved tag key.*aws:`},
		"default_tags long value": {`default_tags {
    tags = { owner = "` + strings.Repeat("v", maxTagValueLength+1) + `" }
  }`, `(?s)default_tags.*length`},
		"default_tags bad character": {`default_tags {
    tags = { "owner#1" = "x" }
  }`, `(?s)default_tags.*letters, digits`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: testAccConfig(`
provider "refarch" {
  region = "us-east-1"
  ` + tc.provider + `
}

data "refarch_lambda_package" "test" {
  name = "todos"
}
`),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}
