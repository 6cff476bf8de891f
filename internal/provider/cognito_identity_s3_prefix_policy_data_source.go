package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource = (*cognitoIdentityS3PrefixPolicyDataSource)(nil)
	_ validator.String      = s3BucketARNValidator{}
	_ validator.String      = cognitoIdentityS3PrefixValidator{}
)

const (
	// cognitoIdentityIDVariable is the IAM policy variable that holds the
	// caller's Cognito identity pool identity ID.
	cognitoIdentityIDVariable = "${cognito-identity.amazonaws.com:sub}"

	cognitoIdentityS3DefaultPrefix = "private/"
)

// cognitoIdentityS3ObjectActions are the object-level actions the data source
// allows, granted on `<bucket>/<prefix><identity id>/*`. ACL actions are left
// out on purpose: they would let a user make their own objects public.
var cognitoIdentityS3ObjectActions = []string{
	"s3:AbortMultipartUpload",
	"s3:DeleteObject",
	"s3:DeleteObjectTagging",
	"s3:DeleteObjectVersion",
	"s3:GetObject",
	"s3:GetObjectAttributes",
	"s3:GetObjectTagging",
	"s3:GetObjectVersion",
	"s3:GetObjectVersionAttributes",
	"s3:ListMultipartUploadParts",
	"s3:PutObject",
	"s3:PutObjectTagging",
	"s3:RestoreObject",
}

// cognitoIdentityS3ListActions are the bucket-level listing actions the data
// source allows, granted on the bucket with an `s3:prefix` condition.
var cognitoIdentityS3ListActions = []string{
	"s3:ListBucket",
	"s3:ListBucketVersions",
}

var cognitoIdentityS3DefaultActions = []string{"s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}

// NewCognitoIdentityS3PrefixPolicyDataSource returns the
// refarch_cognito_identity_s3_prefix_policy data source.
func NewCognitoIdentityS3PrefixPolicyDataSource() datasource.DataSource {
	return &cognitoIdentityS3PrefixPolicyDataSource{}
}

// cognitoIdentityS3PrefixPolicyDataSource renders an IAM policy document. It
// makes no AWS call, so it needs no provider data.
type cognitoIdentityS3PrefixPolicyDataSource struct{}

type cognitoIdentityS3PrefixPolicyDataSourceModel struct {
	BucketARN types.String `tfsdk:"bucket_arn"`
	Prefix    types.String `tfsdk:"prefix"`
	Actions   types.Set    `tfsdk:"actions"`
	JSON      types.String `tfsdk:"json"`
}

func (d *cognitoIdentityS3PrefixPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cognito_identity_s3_prefix_policy"
}

func (d *cognitoIdentityS3PrefixPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	allActions := slices.Concat(cognitoIdentityS3ObjectActions, cognitoIdentityS3ListActions)
	slices.Sort(allActions)

	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders an IAM policy document that confines each signed-in user of a Cognito identity " +
			"pool to their own folder of an S3 bucket, `<bucket>/<prefix><identity ID>/`: attach `json` to the identity " +
			"pool's authenticated role (for example with `aws_iam_role_policy`), and every user can read and write the " +
			"objects under their folder, list only their folder, and touch nothing else.\n\n" +
			"The folder name is the IAM policy variable `" + cognitoIdentityIDVariable + "`, which AWS replaces, " +
			"at request time, with the caller's identity ID.\n\n" +
			"**Pitfall: the identity ID is not the user pool `sub`.** Despite its name, `" + cognitoIdentityIDVariable +
			"` is the **identity pool's identity ID** of the caller, such as `us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab` " +
			"(Region, colon, UUID), the value `GetId` returns and `GetCredentialsForIdentity` takes. It is *not* the `sub` " +
			"claim of the Cognito user pool ID or access token (a bare UUID), and the two never coincide. An application " +
			"that names the folder after the JWT `sub` gets `AccessDenied` on every request. The application must call " +
			"`GetId` (the AWS SDKs' and Amplify's Cognito credential providers do, and expose the result as the identity " +
			"ID) and use that identity ID as the folder name, `<prefix><identity ID>/<file>`. To find a user's folder " +
			"from the back end, store the identity ID with the user's record when the app first signs in; it cannot be " +
			"derived from the user pool `sub`.\n\n" +
			"The policy only allows; it does not deny anything, so the role must not also be granted broader access to " +
			"the bucket elsewhere. The role's trust policy must, as usual, restrict `cognito-identity.amazonaws.com:aud` " +
			"to the identity pool and `cognito-identity.amazonaws.com:amr` to `authenticated`. The data source makes " +
			"no AWS call.",
		Attributes: map[string]schema.Attribute{
			"bucket_arn": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "ARN of the S3 general purpose bucket, `arn:<partition>:s3:::<bucket name>`, for example " +
					"`arn:aws:s3:::my-app-uploads` (`aws_s3_bucket.<name>.arn`). Required; an object ARN (with `/`) or an " +
					"ARN of another service is rejected.",
				Validators: []validator.String{s3BucketARNValidator{}},
			},
			"prefix": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Key prefix under which every identity gets its folder, `<prefix><identity ID>/`. Must end " +
					"with `/`, must not start with `/`, and must not contain the wildcards `*` and `?` or `$`; the empty " +
					"string puts the folders at the top of the bucket. Defaults to `" + cognitoIdentityS3DefaultPrefix +
					"` (Amplify's convention for per-user files).",
				Validators: []validator.String{cognitoIdentityS3PrefixValidator{}},
			},
			"actions": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				MarkdownDescription: "S3 actions to allow. Object actions are granted on the objects in the identity's " +
					"folder; `s3:ListBucket` and `s3:ListBucketVersions` are granted on the bucket, limited by an " +
					"`s3:prefix` condition to listing the identity's folder. Defaults to `" +
					strings.Join(cognitoIdentityS3DefaultActions, "`, `") + "` (read, write and delete own objects, and " +
					"list own folder). Allowed values: `" + strings.Join(allActions, "`, `") + "`; at least one. Wildcards " +
					"and ACL actions are not accepted (an ACL action would let users make their objects public).",
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(allActions...)),
				},
			},
			"json": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The IAM policy document, as JSON (version `2012-10-17`). The `" + cognitoIdentityIDVariable +
					"` in it is an IAM policy variable for AWS to fill in, not an OpenTofu/Terraform template: pass `json` " +
					"on as it is.",
			},
		},
	}
}

func (d *cognitoIdentityS3PrefixPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data cognitoIdentityS3PrefixPolicyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}

	prefix := cognitoIdentityS3DefaultPrefix
	if !data.Prefix.IsNull() {
		prefix = data.Prefix.ValueString()
	}
	actions := slices.Clone(cognitoIdentityS3DefaultActions)
	if !data.Actions.IsNull() {
		actions = nil
		resp.Diagnostics.Append(data.Actions.ElementsAs(ctx, &actions, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	doc, err := cognitoIdentityS3PrefixPolicy(data.BucketARN.ValueString(), prefix, actions)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("actions"), "Cannot render the policy", err.Error())
		return
	}

	setActions, diags := types.SetValueFrom(ctx, types.StringType, actions)
	resp.Diagnostics.Append(diags...)
	data.Prefix = types.StringValue(prefix)
	data.Actions = setActions
	data.JSON = types.StringValue(doc)
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// cognitoS3PolicyDocument is an IAM policy document, in the JSON layout IAM uses.
type cognitoS3PolicyDocument struct {
	Version   string                     `json:"Version"`
	Statement []cognitoS3PolicyStatement `json:"Statement"`
}

type cognitoS3PolicyStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
	// Condition maps operator → condition key → values.
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// cognitoIdentityS3PrefixPolicy renders the policy for bucketARN, prefix and
// actions (already validated by the schema).
func cognitoIdentityS3PrefixPolicy(bucketARN, prefix string, actions []string) (string, error) {
	folder := prefix + cognitoIdentityIDVariable + "/"
	var objectActions, listActions []string
	for _, a := range actions {
		switch {
		case slices.Contains(cognitoIdentityS3ObjectActions, a):
			objectActions = append(objectActions, a)
		case slices.Contains(cognitoIdentityS3ListActions, a):
			listActions = append(listActions, a)
		default:
			return "", fmt.Errorf("the action %q is not supported", a)
		}
	}
	slices.Sort(objectActions)
	slices.Sort(listActions)

	doc := cognitoS3PolicyDocument{Version: "2012-10-17"}
	if len(objectActions) > 0 {
		doc.Statement = append(doc.Statement, cognitoS3PolicyStatement{
			Sid:      "OwnObjects",
			Effect:   "Allow",
			Action:   objectActions,
			Resource: bucketARN + "/" + folder + "*",
		})
	}
	if len(listActions) > 0 {
		doc.Statement = append(doc.Statement, cognitoS3PolicyStatement{
			Sid:      "ListOwnFolder",
			Effect:   "Allow",
			Action:   listActions,
			Resource: bucketARN,
			// StringLike's * also matches nothing, so listing "<folder>" itself is allowed.
			Condition: map[string]map[string][]string{
				"StringLike": {"s3:prefix": {folder + "*"}},
			},
		})
	}
	if len(doc.Statement) == 0 {
		return "", fmt.Errorf("no action to allow")
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// s3BucketARNPattern matches the ARN of an S3 general purpose bucket.
var s3BucketARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// s3BucketARNValidator accepts `arn:<partition>:s3:::<bucket name>`.
type s3BucketARNValidator struct{}

func (v s3BucketARNValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (s3BucketARNValidator) MarkdownDescription(_ context.Context) string {
	return "value must be an S3 bucket ARN such as `arn:aws:s3:::my-bucket`"
}

func (s3BucketARNValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	arn := req.ConfigValue.ValueString()
	if s3BucketARNPattern.MatchString(arn) && !strings.Contains(arn, "..") {
		return
	}
	hint := "pass the bucket's ARN, arn:<partition>:s3:::<bucket name> such as arn:aws:s3:::my-app-uploads " +
		"(aws_s3_bucket.<name>.arn)"
	switch {
	case strings.HasPrefix(arn, "arn:") && strings.Contains(arn, ":s3:::") && strings.Contains(arn, "/"):
		hint = "this is an object or prefix ARN; " + hint + ", and set the folder with prefix"
	case !strings.HasPrefix(arn, "arn:"):
		hint = "this is not an ARN (a bucket name alone is not enough); " + hint
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid S3 bucket ARN",
		fmt.Sprintf("%q is not the ARN of an S3 general purpose bucket: %s.", arn, hint))
}

// cognitoIdentityS3PrefixValidator accepts a key prefix ending with "/".
type cognitoIdentityS3PrefixValidator struct{}

func (v cognitoIdentityS3PrefixValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (cognitoIdentityS3PrefixValidator) MarkdownDescription(_ context.Context) string {
	return "value must be empty or end with `/`, must not start with `/`, and must not contain `*`, `?` or `$`"
}

func (cognitoIdentityS3PrefixValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	prefix := req.ConfigValue.ValueString()
	var problem string
	switch {
	case prefix == "":
		return // folders at the bucket root
	case !strings.HasSuffix(prefix, "/"):
		problem = fmt.Sprintf("it must end with \"/\" so that each identity's folder is separate from the others; write %q", prefix+"/")
	case strings.HasPrefix(prefix, "/"):
		problem = fmt.Sprintf("S3 keys do not start with \"/\"; write %q", strings.TrimLeft(prefix, "/"))
	case strings.ContainsAny(prefix, "*?$"):
		problem = "it must not contain *, ? or $: in an IAM policy they are wildcards or policy variables, which would widen the grant"
	default:
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid S3 key prefix", fmt.Sprintf("Invalid prefix %q: %s.", prefix, problem))
}
