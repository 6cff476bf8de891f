// Package provider implements the refarch Terraform/OpenTofu provider.
package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/refarch/terraform-provider-refarch/internal/awsconfig"
)

var (
	_ provider.Provider              = (*refarchProvider)(nil)
	_ provider.ProviderWithFunctions = (*refarchProvider)(nil)
)

// New returns the constructor of the provider for the given version (set by
// main from -ldflags "-X main.version=...", "test" in acceptance tests).
// Options replace what the provider hands its resources (AWS API clients, the
// clock); main passes none.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &refarchProvider{version: version, apis: defaultAPIs()}
		for _, o := range opts {
			o(&p.apis)
		}
		return p
	}
}

// Option changes what a provider instance hands its resources. The options
// themselves live beside the tests that need them; each provider instance has
// its own, so tests with different fakes run in parallel.
type Option func(*resourceAPIs)

// refarchProvider is the provider implementation.
type refarchProvider struct {
	version string
	apis    resourceAPIs
}

// refarchProviderModel maps the provider configuration.
type refarchProviderModel struct {
	Region    types.String `tfsdk:"region"`
	AccessKey types.String `tfsdk:"access_key"`
	SecretKey types.String `tfsdk:"secret_key"`
	Token     types.String `tfsdk:"token"`
	Profile   types.String `tfsdk:"profile"`
	// AssumeRole is the `assume_role` block; null when absent.
	AssumeRole *assumeRoleModel `tfsdk:"assume_role"`
	// Endpoints is the `endpoints` block: an object whose attributes are the
	// endpointServices ids; null when the block is absent.
	Endpoints types.Object `tfsdk:"endpoints"`
	// DefaultTags is the `default_tags` block; null when absent.
	DefaultTags *defaultTagsModel `tfsdk:"default_tags"`
}

// assumeRoleModel maps the `assume_role` block.
type assumeRoleModel struct {
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
	ExternalID  types.String `tfsdk:"external_id"`
}

// endpointServices are the attributes of the `endpoints` block: the service
// id (awsconfig key, attribute name) and the suffix of the SDK's own
// AWS_ENDPOINT_URL_<SUFFIX> environment variable.
var endpointServices = []struct {
	id, title, envSuffix string
}{
	{awsconfig.ServiceAthena, "Amazon Athena", "ATHENA"},
	{awsconfig.ServiceCloudFront, "Amazon CloudFront", "CLOUDFRONT"},
	{awsconfig.ServiceDynamoDB, "Amazon DynamoDB", "DYNAMODB"},
	{awsconfig.ServiceIAM, "AWS Identity and Access Management (IAM)", "IAM"},
	{awsconfig.ServiceLambda, "AWS Lambda", "LAMBDA"},
	{awsconfig.ServiceS3, "Amazon S3", "S3"},
	{awsconfig.ServiceScheduler, "Amazon EventBridge Scheduler", "SCHEDULER"},
	{awsconfig.ServiceSecretsManager, "AWS Secrets Manager", "SECRETS_MANAGER"},
	{awsconfig.ServiceSTS, "AWS Security Token Service (STS)", "STS"},
}

func (p *refarchProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "refarch"
	resp.Version = p.version
}

func (p *refarchProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	endpointAttrs := make(map[string]schema.Attribute, len(endpointServices))
	for _, s := range endpointServices {
		endpointAttrs[s.id] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Custom endpoint URL for the %s API, for example `http://localhost:4566` "+
				"for a local AWS emulator. Must be an absolute `http://` or `https://` URL; an empty string is the same as unset. "+
				"Defaults to the `AWS_ENDPOINT_URL_%s` environment variable, else `AWS_ENDPOINT_URL`, "+
				"else the standard AWS endpoint of the Region.", s.title, s.envSuffix),
			Validators: []validator.String{httpURLValidator{}},
		}
	}

	resp.Schema = schema.Schema{
		MarkdownDescription: "The `refarch` provider manages the parts of the refarch reference architecture that " +
			"the `hashicorp/aws` provider does not cover, and ships the reference architecture's Go Lambda packages " +
			"inside the provider binary (see the `refarch_lambda_package` data source).\n\n" +
			"AWS settings are resolved like the AWS SDK and CLI do: every argument is optional and falls back to the " +
			"standard `AWS_*` environment variables, the shared configuration and credentials files, and finally the " +
			"EC2/ECS instance credentials. Configuring the provider makes no AWS call.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "AWS Region the provider works in, for example `eu-west-1`; any AWS Region name is allowed. " +
					"Defaults to the `AWS_REGION` environment variable, else `AWS_DEFAULT_REGION`, else the `region` of the " +
					"active shared configuration profile. If none of them is set, every resource or data source that calls " +
					"AWS fails with an error asking for a Region (data sources that make no AWS call, such as " +
					"`refarch_lambda_package`, still work).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"access_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "AWS access key ID for static credentials; must be set together with `secret_key`. " +
					"Defaults to unset, in which case credentials come from the AWS SDK's default chain: the " +
					"`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` environment variables, the shared " +
					"configuration and credentials files (`AWS_PROFILE`), web identity, and ECS or EC2 instance credentials.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("secret_key")),
				},
			},
			"secret_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "AWS secret access key for static credentials; must be set together with `access_key`. " +
					"Defaults to unset, in which case credentials come from the AWS SDK's default chain (see `access_key`).",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("access_key")),
				},
			},
			"profile": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Name of the AWS shared configuration and credentials profile to read the Region, " +
					"credentials and settings from, as `AWS_PROFILE` does. Defaults to the `AWS_PROFILE` environment " +
					"variable, else `default`. Explicit `access_key`/`secret_key` and `region` still win over the profile.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "AWS session token for temporary static credentials; only valid together with " +
					"`access_key` and `secret_key`. Defaults to unset (no session token, or the one of the default chain " +
					"when `access_key` and `secret_key` are unset too).",
				Validators: []validator.String{
					stringvalidator.AlsoRequires(path.MatchRoot("access_key"), path.MatchRoot("secret_key")),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				Validators: []validator.Object{objectvalidator.AlsoRequires(path.MatchRelative().AtName("role_arn"))},
				MarkdownDescription: "An IAM role the provider assumes for every AWS call, mirroring the `assume_role` " +
					"block of the `hashicorp/aws` provider. Optional, at most one block. The credentials the provider " +
					"resolved otherwise (arguments, environment, profile or instance credentials) are used only to call " +
					"STS `AssumeRole`; the role's temporary credentials are refreshed before they expire. Nothing is " +
					"called while the provider is configured: the first AWS call of a resource assumes the role.",
				Attributes: map[string]schema.Attribute{
					"role_arn": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "ARN of the IAM role to assume, for example " +
							"`arn:aws:iam::111122223333:role/deployer`. Required when the block is present.",
						Validators: []validator.String{
							stringvalidator.RegexMatches(roleARNPattern, "must be an IAM role ARN such as arn:aws:iam::111122223333:role/deployer"),
						},
					},
					"session_name": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Role session name, shown in AWS CloudTrail. 2 to 64 characters: letters, " +
							"digits and `+=,.@_-`. Defaults to `" + awsconfig.DefaultSessionName + "`.",
						Validators: []validator.String{
							stringvalidator.LengthBetween(2, 64),
							stringvalidator.RegexMatches(sessionNamePattern, "must contain only letters, digits and +=,.@_-"),
						},
					},
					"external_id": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "External ID the role's trust policy requires (`sts:ExternalId`), for roles " +
							"in another party's account. 2 to 1224 characters: letters, digits and `+=,.@:/_-`. Defaults " +
							"to none.",
						Validators: []validator.String{
							stringvalidator.LengthBetween(2, 1224),
							stringvalidator.RegexMatches(externalIDPattern, "must contain only letters, digits and +=,.@:/_-"),
						},
					},
				},
			},
			"endpoints": schema.SingleNestedBlock{
				MarkdownDescription: "Custom service endpoints, for example to use a local AWS emulator, mirroring the " +
					"`endpoints` block of the `hashicorp/aws` provider. Optional, at most one block. Each argument " +
					"overrides the endpoint of one service; services without an argument use the AWS SDK's own " +
					"resolution: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the standard AWS endpoint.",
				Attributes: endpointAttrs,
			},
			"default_tags": defaultTagsBlock(),
		},
	}
}

func (p *refarchProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg refarchProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{version: p.version, apis: p.apis}
	settings, unknown := settingsFromModel(cfg)
	tags, tagsUnknown := defaultTagsFromModel(cfg.DefaultTags)
	if tagsUnknown {
		unknown = append(unknown, "`default_tags.tags`")
	}
	data.defaultTags = tags
	settings.UserAgent = []awsconfig.UserAgentProduct{{Name: "terraform-provider-refarch", Version: p.version}}
	if req.TerraformVersion != "" {
		settings.UserAgent = append(settings.UserAgent, awsconfig.UserAgentProduct{Name: "Terraform", Version: req.TerraformVersion})
	}
	if len(unknown) > 0 {
		// Values computed from other resources are unknown during the first
		// plan. Data sources that make no AWS call still work; the rest get
		// this error from providerData.AWS.
		data.awsErr = fmt.Errorf("the refarch provider arguments %s are not known until apply, "+
			"so the provider cannot call AWS yet; use values known at plan time (variables, literals, data sources)",
			strings.Join(unknown, ", "))
	} else {
		clients, err := awsconfig.Load(ctx, settings)
		switch {
		case errors.Is(err, awsconfig.ErrRegionRequired):
			data.awsErr = err
		case err != nil:
			resp.Diagnostics.AddError("Invalid AWS configuration for the refarch provider", err.Error())
			return
		default:
			data.clients = clients
		}
	}

	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
}

// Patterns of the assume_role arguments (STS's own rules).
var (
	roleARNPattern     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
)

func (p *refarchProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSignedURLKeypairResource,
		NewAthenaReportScheduleResource,
	}
}

func (p *refarchProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewLambdaPackageDataSource,
		NewCognitoIdentityS3PrefixPolicyDataSource,
	}
}

func (p *refarchProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewCloudFrontSignedURLFunction,
		NewCloudFrontSignedCookiesFunction,
	}
}

// settingsFromModel turns the provider configuration into awsconfig.Settings;
// unknown lists the arguments whose values are unknown.
func settingsFromModel(m refarchProviderModel) (s awsconfig.Settings, unknown []string) {
	str := func(name string, v types.String) string {
		if v.IsUnknown() {
			unknown = append(unknown, "`"+name+"`")
		}
		return v.ValueString()
	}
	s.Region = str("region", m.Region)
	s.AccessKey = str("access_key", m.AccessKey)
	s.SecretKey = str("secret_key", m.SecretKey)
	s.Token = str("token", m.Token)
	s.Profile = str("profile", m.Profile)
	if r := m.AssumeRole; r != nil {
		s.AssumeRole = &awsconfig.AssumeRole{
			RoleARN:     str("assume_role.role_arn", r.RoleARN),
			SessionName: str("assume_role.session_name", r.SessionName),
			ExternalID:  str("assume_role.external_id", r.ExternalID),
		}
	}

	if m.Endpoints.IsUnknown() {
		unknown = append(unknown, "`endpoints`")
	}
	if !m.Endpoints.IsNull() && !m.Endpoints.IsUnknown() {
		s.Endpoints = map[string]string{}
		for id, v := range m.Endpoints.Attributes() {
			sv, ok := v.(types.String)
			if !ok {
				continue
			}
			if ep := str("endpoints."+id, sv); ep != "" {
				s.Endpoints[id] = ep
			}
		}
	}
	return s, unknown
}
