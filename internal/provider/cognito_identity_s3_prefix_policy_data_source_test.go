package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// testCognitoS3Policy is the policy the data source must render for
// bucketARN and prefix: objectActions on the folder's objects and
// listActions on the bucket, limited to the folder (either may be empty).
func testCognitoS3Policy(bucketARN, prefix string, objectActions, listActions []string) map[string]any {
	folder := prefix + "${cognito-identity.amazonaws.com:sub}/"
	var statements []any
	list := func(s []string) []any {
		out := []any{}
		for _, v := range s {
			out = append(out, v)
		}
		return out
	}
	if len(objectActions) > 0 {
		statements = append(statements, map[string]any{
			"Sid":      "OwnObjects",
			"Effect":   "Allow",
			"Action":   list(objectActions),
			"Resource": bucketARN + "/" + folder + "*",
		})
	}
	if len(listActions) > 0 {
		statements = append(statements, map[string]any{
			"Sid":       "ListOwnFolder",
			"Effect":    "Allow",
			"Action":    list(listActions),
			"Resource":  bucketARN,
			"Condition": map[string]any{"StringLike": map[string]any{"s3:prefix": []any{folder + "*"}}},
		})
	}
	return map[string]any{"Version": "2012-10-17", "Statement": statements}
}

// testCognitoS3PolicyEquals compares a JSON policy document structurally with want.
func testCognitoS3PolicyEquals(want map[string]any) knownvalue.Check {
	return knownvalue.StringFunc(func(doc string) error {
		var got map[string]any
		if err := json.Unmarshal([]byte(doc), &got); err != nil {
			return fmt.Errorf("json is not JSON: %v\n%s", err, doc)
		}
		if !reflect.DeepEqual(got, want) {
			wantJSON, _ := json.MarshalIndent(want, "", "  ")
			return fmt.Errorf("policy\n%s\nwant\n%s", doc, wantJSON)
		}
		return nil
	})
}

func TestCognitoIdentityS3PrefixPolicySchema(t *testing.T) {
	ctx := context.Background()
	var resp datasource.SchemaResponse
	NewCognitoIdentityS3PrefixPolicyDataSource().Schema(ctx, datasource.SchemaRequest{}, &resp)
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatal(diags)
	}
	for name, a := range resp.Schema.Attributes {
		if !strings.HasSuffix(a.GetMarkdownDescription(), ".") {
			t.Errorf("attribute %s: MarkdownDescription is not a full sentence", name)
		}
	}
	if d := resp.Schema.MarkdownDescription; !strings.Contains(d, "GetId") || !strings.Contains(d, "not* the `sub`") {
		t.Error("description does not explain the identity ID pitfall")
	}
}

func TestCognitoIdentityS3PrefixPolicy(t *testing.T) {
	doc, err := cognitoIdentityS3PrefixPolicy("arn:aws:s3:::uploads", "private/", []string{"s3:PutObject", "s3:ListBucket", "s3:GetObject"})
	if err != nil {
		t.Fatal(err)
	}
	want := testCognitoS3Policy("arn:aws:s3:::uploads", "private/", []string{"s3:GetObject", "s3:PutObject"}, []string{"s3:ListBucket"})
	if err := testCognitoS3PolicyEquals(want).CheckValue(doc); err != nil {
		t.Error(err)
	}
	// The policy variable is written as it is, not escaped.
	if !strings.Contains(doc, `"arn:aws:s3:::uploads/private/${cognito-identity.amazonaws.com:sub}/*"`) {
		t.Errorf("policy:\n%s", doc)
	}

	if _, err := cognitoIdentityS3PrefixPolicy("arn:aws:s3:::uploads", "private/", []string{"s3:*"}); err == nil {
		t.Error("s3:* accepted")
	}
}

func TestCognitoIdentityS3PrefixValidators(t *testing.T) {
	ctx := context.Background()
	validate := func(v validator.String, value string) string {
		var resp validator.StringResponse
		v.ValidateString(ctx, validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(value)}, &resp)
		if !resp.Diagnostics.HasError() {
			return ""
		}
		return resp.Diagnostics[0].Detail()
	}
	for _, ok := range []string{"arn:aws:s3:::my-bucket", "arn:aws-cn:s3:::a.b.c", "arn:aws-us-gov:s3:::abc"} {
		if msg := validate(s3BucketARNValidator{}, ok); msg != "" {
			t.Errorf("%s rejected: %s", ok, msg)
		}
	}
	for bad, want := range map[string]string{
		"my-bucket":                            "not an ARN",
		"arn:aws:s3:::my-bucket/private/*":     "object or prefix ARN",
		"arn:aws:s3:us-east-1:123:my-bucket":   "arn:aws:s3:::my-app-uploads",
		"arn:aws:sqs:us-east-1:123456789012:q": "not the ARN of an S3 general purpose bucket",
		"arn:aws:s3:::My_Bucket":               "not the ARN of an S3 general purpose bucket",
		"arn:aws:s3:::a..b":                    "not the ARN of an S3 general purpose bucket",
	} {
		if msg := validate(s3BucketARNValidator{}, bad); !strings.Contains(msg, want) {
			t.Errorf("%s: %q does not contain %q", bad, msg, want)
		}
	}
	for _, ok := range []string{"private/", "", "apps/photos/", "a b/"} {
		if msg := validate(cognitoIdentityS3PrefixValidator{}, ok); msg != "" {
			t.Errorf("%q rejected: %s", ok, msg)
		}
	}
	for bad, want := range map[string]string{
		"private":     `must end with "/"`,
		"/private/":   `write "private/"`,
		"private/*/":  "must not contain *, ? or $",
		"${user}/":    "must not contain *, ? or $",
		"private?/x/": "must not contain *, ? or $",
	} {
		if msg := validate(cognitoIdentityS3PrefixValidator{}, bad); !strings.Contains(msg, want) {
			t.Errorf("%q: %q does not contain %q", bad, msg, want)
		}
	}
}

func TestAccCognitoIdentityS3PrefixPolicyDataSource(t *testing.T) {
	isolateAWSEnv(t) // no Region: the data source makes no AWS call and must not need one
	const addr = "data.refarch_cognito_identity_s3_prefix_policy.test"

	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccConfig(`
data "refarch_cognito_identity_s3_prefix_policy" "test" {
  bucket_arn = "arn:aws:s3:::my-app-uploads"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("prefix"), knownvalue.StringExact("private/")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("actions"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("s3:DeleteObject"), knownvalue.StringExact("s3:GetObject"),
						knownvalue.StringExact("s3:ListBucket"), knownvalue.StringExact("s3:PutObject"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("json"), testCognitoS3PolicyEquals(testCognitoS3Policy(
						"arn:aws:s3:::my-app-uploads", "private/",
						[]string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"}, []string{"s3:ListBucket"}))),
				},
			},
			{
				Config: testAccConfig(`
data "refarch_cognito_identity_s3_prefix_policy" "test" {
  bucket_arn = "arn:aws-cn:s3:::photos.example"
  prefix     = "users/"
  actions    = ["s3:GetObject", "s3:GetObjectVersion"]
}

# The usual consumer: the identity pool's authenticated role.
output "policy_statements" {
  value = length(jsondecode(data.refarch_cognito_identity_s3_prefix_policy.test.json).Statement)
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("prefix"), knownvalue.StringExact("users/")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("json"), testCognitoS3PolicyEquals(testCognitoS3Policy(
						"arn:aws-cn:s3:::photos.example", "users/", []string{"s3:GetObject", "s3:GetObjectVersion"}, nil))),
					statecheck.ExpectKnownOutputValue("policy_statements", knownvalue.Int64Exact(1)),
				},
			},
			{
				Config: testAccConfig(`
data "refarch_cognito_identity_s3_prefix_policy" "test" {
  bucket_arn = "arn:aws:s3:::my-app-uploads"
  prefix     = ""
  actions    = ["s3:ListBucket"]
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("json"), testCognitoS3PolicyEquals(testCognitoS3Policy(
						"arn:aws:s3:::my-app-uploads", "", nil, []string{"s3:ListBucket"}))),
				},
			},
		},
	})
}

func TestAccCognitoIdentityS3PrefixPolicyDataSource_errors(t *testing.T) {
	isolateAWSEnv(t)
	for name, tc := range map[string]struct {
		config string
		want   string
	}{
		"bucket name instead of ARN": {`bucket_arn = "my-app-uploads"`, `Invalid S3 bucket ARN`},
		"object ARN":                 {`bucket_arn = "arn:aws:s3:::my-app-uploads/private/*"`, `this is an object or prefix ARN`},
		"prefix without slash": {
			"bucket_arn = \"arn:aws:s3:::my-app-uploads\"\n  prefix = \"private\"",
			`Invalid prefix "private": it must end with "/"`,
		},
		"prefix with wildcard": {
			"bucket_arn = \"arn:aws:s3:::my-app-uploads\"\n  prefix = \"p*/\"",
			`must not contain *, ? or $`,
		},
		"unsupported action": {
			"bucket_arn = \"arn:aws:s3:::my-app-uploads\"\n  actions = [\"s3:PutObjectAcl\"]",
			`value must be one of`,
		},
		"no action": {
			"bucket_arn = \"arn:aws:s3:::my-app-uploads\"\n  actions = []",
			`set must contain at least 1 elements`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      testAccConfig("data \"refarch_cognito_identity_s3_prefix_policy\" \"test\" {\n  " + tc.config + "\n}\n"),
					ExpectError: testAccCLIErrorText(tc.want),
				}},
			})
		})
	}
}
