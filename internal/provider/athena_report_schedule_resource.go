package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/refarch/terraform-provider-refarch/internal/awsconfig"
)

var (
	_ resource.Resource                = (*athenaReportScheduleResource)(nil)
	_ resource.ResourceWithConfigure   = (*athenaReportScheduleResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*athenaReportScheduleResource)(nil)
	_ resource.ResourceWithImportState = (*athenaReportScheduleResource)(nil)
)

const (
	reportDefaultCatalog        = "AwsDataCatalog"
	reportDefaultWorkGroup      = "primary"
	reportDefaultGroup          = "default"
	reportDefaultRetryAttempts  = 3
	reportDefaultMaxEventAgeSec = 86400
)

// NewAthenaReportScheduleResource returns the refarch_athena_report_schedule
// resource.
func NewAthenaReportScheduleResource() resource.Resource {
	return &athenaReportScheduleResource{}
}

// athenaReportScheduleResource runs an Athena query on an EventBridge
// Scheduler schedule (hashicorp/aws has no scheduled Athena query).
type athenaReportScheduleResource struct {
	data *providerData
}

type athenaReportScheduleModel struct {
	ID                        types.String `tfsdk:"id"`
	Name                      types.String `tfsdk:"name"`
	ScheduleGroup             types.String `tfsdk:"schedule_group"`
	WorkGroup                 types.String `tfsdk:"workgroup"`
	Database                  types.String `tfsdk:"database"`
	Catalog                   types.String `tfsdk:"catalog"`
	Query                     types.String `tfsdk:"query"`
	ScheduleExpression        types.String `tfsdk:"schedule_expression"`
	ScheduleTimezone          types.String `tfsdk:"schedule_timezone"`
	State                     types.String `tfsdk:"state"`
	FlexibleTimeWindowMinutes types.Int64  `tfsdk:"flexible_time_window_minutes"`
	RetryPolicy               types.Object `tfsdk:"retry_policy"`
	DeadLetterARN             types.String `tfsdk:"dead_letter_arn"`
	ReportS3URI               types.String `tfsdk:"report_s3_uri"`
	ReportKMSKeyARN           types.String `tfsdk:"report_kms_key_arn"`
	SourceS3URIs              types.List   `tfsdk:"source_s3_uris"`
	RoleARN                   types.String `tfsdk:"role_arn"`
	ManagedRoleName           types.String `tfsdk:"managed_role_name"`
	RunOnCreate               types.Bool   `tfsdk:"run_on_create"`
	ScheduleARN               types.String `tfsdk:"schedule_arn"`
	NamedQueryID              types.String `tfsdk:"named_query_id"`
	InitialQueryExecutionID   types.String `tfsdk:"initial_query_execution_id"`
}

var retryPolicyAttrTypes = map[string]attr.Type{
	"maximum_retry_attempts":       types.Int64Type,
	"maximum_event_age_in_seconds": types.Int64Type,
}

func retryPolicyObject(attempts, age int64) types.Object {
	return types.ObjectValueMust(retryPolicyAttrTypes, map[string]attr.Value{
		"maximum_retry_attempts":       types.Int64Value(attempts),
		"maximum_event_age_in_seconds": types.Int64Value(age),
	})
}

var (
	scheduleNameRE = regexp.MustCompile(`^[0-9a-zA-Z_.-]{1,64}$`)
	sqsARNRE       = regexp.MustCompile(`^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$`)
	roleARNRE      = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)
	// kmsKeyARNRE is the ARN of a KMS key (single- or multi-Region), not
	// of an alias: an IAM policy grants key use on the key ARN.
	kmsKeyARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
)

func (r *athenaReportScheduleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_athena_report_schedule"
}

func (r *athenaReportScheduleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	state := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A named Athena query run on an EventBridge Scheduler schedule, its results written to S3 — " +
			"the scheduled Athena query `hashicorp/aws` has no resource for. The schedule's target is Scheduler's " +
			"universal target `" + reportStartQueryTarget + "`: every run is one Athena `StartQueryExecution` with the " +
			"query text, database, catalog, workgroup and `report_s3_uri` as output location. The named query is " +
			"created alongside, so the report shows up in the Athena console.\n\n" +
			"Without `role_arn` the resource creates an IAM role trusted by `scheduler.amazonaws.com` for this " +
			"schedule of this account only (`aws:SourceAccount` and `aws:SourceArn` conditions). The provider reads " +
			"the account and partition with STS `GetCallerIdentity`; when it cannot, creating or updating the role " +
			"fails, and the fix is to allow `sts:GetCallerIdentity`, to check the credentials and the STS endpoint, or " +
			"to set `role_arn`. The role has least privilege: " +
			"`athena:StartQueryExecution` on the workgroup, `glue:GetDatabase`/`GetTable`/`GetPartitions` on the " +
			"database and its tables, S3 read/write on the report prefix (with the multipart upload actions Athena " +
			"uses for large results), read on `source_s3_uris`, and `kms:GenerateDataKey`/`kms:Decrypt` on " +
			"`report_kms_key_arn` when it is set.\n\n" +
			"**Tags.** The role the resource creates carries the provider's `default_tags` (creating it with tags " +
			"needs `iam:TagRole`). They are set when the role is created; an update for another reason adds the " +
			"`default_tags` the role lacks (when that fails, the apply warns and the next update tries again), while changing only `default_tags` plans no change, and a key removed " +
			"from `default_tags` stays on the role. A role passed as `role_arn` is never tagged. The named query and " +
			"the schedule cannot be tagged: Athena named queries go with their workgroup (deleting the workgroup " +
			"deletes them), EventBridge Scheduler schedules only with the resource's destroy.\n\n" +
			"Changes update the schedule in place (with its full definition). Athena named queries cannot be " +
			"changed, so a change of `query`, `database` or `workgroup` creates a new named query in the same apply " +
			"and deletes the old one (`named_query_id` changes); `name` and `schedule_group` replace the resource.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "`<schedule_group>/<name>`, also the import id.",
				PlanModifiers: state,
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the schedule and of the named query: 1-64 letters, digits, `.`, `_` or `-`. Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.RegexMatches(scheduleNameRE, "must be 1-64 letters, digits, '.', '_' or '-'")},
				PlanModifiers:       replace,
			},
			"schedule_group": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(reportDefaultGroup),
				MarkdownDescription: "EventBridge Scheduler schedule group (must exist). Defaults to `default`. Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.RegexMatches(scheduleNameRE, "must be 1-64 letters, digits, '.', '_' or '-'")},
				PlanModifiers:       replace,
			},
			"workgroup": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(reportDefaultWorkGroup),
				MarkdownDescription: "Athena workgroup the query runs in. Defaults to `primary`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[a-zA-Z0-9._-]{1,128}$`), "must be 1-128 letters, digits, '.', '_' or '-'")},
			},
			"database": schema.StringAttribute{
				Required: true, MarkdownDescription: "Database (Glue schema) the query runs against.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"catalog": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(reportDefaultCatalog),
				MarkdownDescription: "Data catalog of the database. Defaults to `AwsDataCatalog` (the Glue Data Catalog).",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"query": schema.StringAttribute{
				Required: true, MarkdownDescription: "The SQL the report runs (at most 262144 bytes).",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 262144)},
			},
			"schedule_expression": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "When the report runs: `rate(<n> minute|minutes|hour|hours|day|days)`, " +
					"`cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)` (six fields, one of the day fields `?`) " +
					"or a one-time `at(yyyy-mm-ddThh:mm:ss)`. Checked at plan time.",
				Validators: []validator.String{newScheduleExpressionValidator()},
			},
			"schedule_timezone": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "IANA time zone of `cron(...)` and `at(...)` expressions, e.g. `Europe/Paris`. Defaults to unset (UTC).",
				Validators:          []validator.String{newTimezoneValidator()},
			},
			"state": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("ENABLED"),
				MarkdownDescription: "`ENABLED` (default) or `DISABLED` (the schedule is kept but does not run).",
				Validators:          []validator.String{stringvalidator.OneOf("ENABLED", "DISABLED")},
			},
			"flexible_time_window_minutes": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(0),
				MarkdownDescription: "Maximum minutes Scheduler may delay a run to spread load (1-1440); `0` (default) runs on time (`OFF`).",
				Validators:          []validator.Int64{int64validator.Between(0, 1440)},
			},
			"retry_policy": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				Default:             objectdefault.StaticValue(retryPolicyObject(reportDefaultRetryAttempts, reportDefaultMaxEventAgeSec)),
				MarkdownDescription: "How Scheduler retries a failed StartQueryExecution call. Defaults to 3 attempts within 24 hours.",
				Attributes: map[string]schema.Attribute{
					"maximum_retry_attempts": schema.Int64Attribute{
						Optional: true, Computed: true, Default: int64default.StaticInt64(reportDefaultRetryAttempts),
						MarkdownDescription: "Retries, 0-185. Defaults to 3.",
						Validators:          []validator.Int64{int64validator.Between(0, 185)},
					},
					"maximum_event_age_in_seconds": schema.Int64Attribute{
						Optional: true, Computed: true, Default: int64default.StaticInt64(reportDefaultMaxEventAgeSec),
						MarkdownDescription: "Seconds after which an unprocessed run is dropped, 60-86400. Defaults to 86400.",
						Validators:          []validator.Int64{int64validator.Between(60, 86400)},
					},
				},
			},
			"dead_letter_arn": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ARN of an SQS queue that receives runs Scheduler could not deliver. Defaults to none.",
				Validators:          []validator.String{stringvalidator.RegexMatches(sqsARNRE, "must be an SQS queue ARN such as arn:aws:sqs:eu-west-1:123456789012:reports-dlq")},
			},
			"report_s3_uri": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Where Athena writes the results: `s3://bucket/prefix/` (trailing slash).",
				Validators:          []validator.String{newS3URIValidator()},
			},
			"report_kms_key_arn": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "ARN of the KMS key that encrypts the results (`SSE_KMS`), for a report location that must be encrypted with a " +
					"customer managed key. Every run asks Athena for `SSE_KMS` with this key, and the role the resource creates may use " +
					"`kms:GenerateDataKey` and `kms:Decrypt` on this key only; a role of your own (`role_arn`) needs the same. The key " +
					"policy must let IAM policies of the account grant the key's use, as the default key policy does. Give the key ARN, " +
					"not an alias. Defaults to none: the workgroup's or the bucket's default encryption applies.",
				Validators: []validator.String{stringvalidator.RegexMatches(kmsKeyARNRE,
					"must be a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)")},
			},
			"source_s3_uris": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "`s3://bucket/prefix/` locations of the tables' data, for the created role's read access. " +
					"Ignored with `role_arn`. Defaults to none (the role can read only the report location).",
				Validators: []validator.List{listvalidator.ValueStringsAre(newS3URIValidator())},
			},
			"role_arn": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "IAM role Scheduler assumes to start the query. Unset: the resource creates one (see above); " +
					"the ARN of the role in use is exported either way.",
				Validators: []validator.String{stringvalidator.RegexMatches(roleARNRE, "must be an IAM role ARN")},
			},
			"managed_role_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the role the resource created; null when `role_arn` is set.",
			},
			"run_on_create": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Run the query once right after creating the schedule. Defaults to `false`. Has no effect after creation.",
			},
			"schedule_arn": schema.StringAttribute{
				Computed: true, MarkdownDescription: "ARN of the schedule.", PlanModifiers: state,
			},
			"named_query_id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Id of the Athena named query; changes when the query is replaced.",
			},
			"initial_query_execution_id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Query execution id of the run of `run_on_create`; null without it.",
				PlanModifiers: state,
			},
		},
	}
}

func (r *athenaReportScheduleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = data
}

// manager returns the manager for the provider's AWS clients, or nil with
// an error diagnostic.
func (r *athenaReportScheduleResource) manager(diags *diag.Diagnostics) *reportScheduleManager {
	clients, d := r.data.AWS()
	diags.Append(d...)
	if d.HasError() {
		return nil
	}
	m := r.data.apis.report(clients)
	m.defaultTags = r.data.defaultTags
	return m
}

func newReportScheduleManager(c *awsconfig.Clients) *reportScheduleManager {
	return &reportScheduleManager{
		sched: scheduler.NewFromConfig(c.Config, func(o *scheduler.Options) {
			c.SetBaseEndpoint(awsconfig.ServiceScheduler, &o.BaseEndpoint)
		}),
		athena: athena.NewFromConfig(c.Config, func(o *athena.Options) {
			c.SetBaseEndpoint(awsconfig.ServiceAthena, &o.BaseEndpoint)
		}),
		iam: iam.NewFromConfig(c.Config, func(o *iam.Options) {
			c.SetBaseEndpoint(awsconfig.ServiceIAM, &o.BaseEndpoint)
		}),
		sts:          c.STS(),
		region:       c.Config.Region,
		pollInterval: reportDefaultPollInterval,
		waitTimeout:  reportDefaultWaitTimeout,
	}
}

// spec converts the model; unknown values are read as empty.
func (m athenaReportScheduleModel) spec(ctx context.Context) (reportSpec, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := reportSpec{
		Name: m.Name.ValueString(), Group: m.ScheduleGroup.ValueString(),
		WorkGroup: m.WorkGroup.ValueString(), Database: m.Database.ValueString(), Catalog: m.Catalog.ValueString(),
		Query: m.Query.ValueString(), ScheduleExpression: m.ScheduleExpression.ValueString(),
		ScheduleTimezone: m.ScheduleTimezone.ValueString(), State: m.State.ValueString(),
		FlexibleWindowMinutes: int32(m.FlexibleTimeWindowMinutes.ValueInt64()),
		RetryMaxAttempts:      reportDefaultRetryAttempts, RetryMaxEventAgeSec: reportDefaultMaxEventAgeSec,
		DeadLetterARN: m.DeadLetterARN.ValueString(), ReportS3URI: m.ReportS3URI.ValueString(),
		ReportKMSKeyARN: m.ReportKMSKeyARN.ValueString(),
		RunOnCreate:     m.RunOnCreate.ValueBool(),
	}
	if !m.RetryPolicy.IsNull() && !m.RetryPolicy.IsUnknown() {
		a := m.RetryPolicy.Attributes()
		if v, ok := a["maximum_retry_attempts"].(types.Int64); ok && !v.IsNull() && !v.IsUnknown() {
			s.RetryMaxAttempts = int32(v.ValueInt64())
		}
		if v, ok := a["maximum_event_age_in_seconds"].(types.Int64); ok && !v.IsNull() && !v.IsUnknown() {
			s.RetryMaxEventAgeSec = int32(v.ValueInt64())
		}
	}
	if !m.SourceS3URIs.IsNull() && !m.SourceS3URIs.IsUnknown() {
		diags.Append(m.SourceS3URIs.ElementsAs(ctx, &s.SourceS3URIs, false)...)
	}
	return s, diags
}

func (m athenaReportScheduleModel) reportState() reportState {
	return reportState{
		ScheduleARN: m.ScheduleARN.ValueString(), NamedQueryID: m.NamedQueryID.ValueString(),
		RoleARN: m.RoleARN.ValueString(), ManagedRoleName: m.ManagedRoleName.ValueString(),
		InitialQueryExecutionID: m.InitialQueryExecutionID.ValueString(),
	}
}

func (m *athenaReportScheduleModel) setState(s reportSpec, st reportState) {
	m.ID = types.StringValue(s.Group + "/" + s.Name)
	m.ScheduleARN = stringOrNull(st.ScheduleARN)
	m.NamedQueryID = stringOrNull(st.NamedQueryID)
	m.RoleARN = stringOrNull(st.RoleARN)
	m.ManagedRoleName = stringOrNull(st.ManagedRoleName)
	m.InitialQueryExecutionID = stringOrNull(st.InitialQueryExecutionID)
}

func (r *athenaReportScheduleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config athenaReportScheduleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The managed role's name is known from the plan.
	switch {
	case !config.RoleARN.IsNull():
		plan.ManagedRoleName = types.StringNull()
	case plan.Name.IsUnknown() || plan.ScheduleGroup.IsUnknown():
		plan.ManagedRoleName = types.StringUnknown()
	default:
		plan.ManagedRoleName = types.StringValue(managedRoleName(reportSpec{Name: plan.Name.ValueString(), Group: plan.ScheduleGroup.ValueString()}))
	}
	if req.State.Raw.IsNull() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	var st athenaReportScheduleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// role_arn: the user's, or the managed role's while it exists.
	if config.RoleARN.IsNull() {
		if !st.ManagedRoleName.IsNull() && !st.RoleARN.IsNull() && st.ManagedRoleName.Equal(plan.ManagedRoleName) {
			plan.RoleARN = st.RoleARN
		} else {
			plan.RoleARN = types.StringUnknown()
		}
	}
	// named_query_id: replaced when the query changes or is gone.
	if st.NamedQueryID.IsNull() || !plan.Query.Equal(st.Query) || !plan.Database.Equal(st.Database) || !plan.WorkGroup.Equal(st.WorkGroup) {
		plan.NamedQueryID = types.StringUnknown()
	} else {
		plan.NamedQueryID = st.NamedQueryID
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *athenaReportScheduleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan athenaReportScheduleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := r.manager(&resp.Diagnostics)
	s, diags := plan.spec(ctx)
	resp.Diagnostics.Append(diags...)
	if m == nil || resp.Diagnostics.HasError() {
		return
	}
	s.RoleARN = plan.RoleARN.ValueString()
	st, err := m.create(ctx, s)
	if err != nil {
		if st.RoleARN != "" || st.NamedQueryID != "" || st.ScheduleARN != "" {
			// Partially created: save it, so that it is tainted and the
			// next apply deletes it before creating it again.
			plan.setState(s, st)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		}
		resp.Diagnostics.AddError("Cannot create the Athena report schedule", err.Error())
		return
	}
	plan.setState(s, st)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *athenaReportScheduleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state athenaReportScheduleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := r.manager(&resp.Diagnostics)
	if m == nil {
		return
	}
	st := state.reportState()
	o, err := m.read(ctx, state.ScheduleGroup.ValueString(), state.Name.ValueString(), st)
	if errors.Is(err, errReportNotFound) {
		resp.Diagnostics.AddWarning("Athena report schedule deleted outside of OpenTofu/Terraform",
			fmt.Sprintf("The schedule %s no longer exists; it is removed from the state and planned for creation.", state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the Athena report schedule", err.Error())
		return
	}
	s := o.Spec
	state.ID = types.StringValue(s.Group + "/" + s.Name)
	state.ScheduleARN = stringOrNull(o.ScheduleARN)
	state.ScheduleExpression = types.StringValue(s.ScheduleExpression)
	state.ScheduleTimezone = stringOrNull(s.ScheduleTimezone)
	state.State = types.StringValue(s.State)
	state.FlexibleTimeWindowMinutes = types.Int64Value(int64(s.FlexibleWindowMinutes))
	state.RetryPolicy = retryPolicyObject(int64(s.RetryMaxAttempts), int64(s.RetryMaxEventAgeSec))
	state.DeadLetterARN = stringOrNull(s.DeadLetterARN)
	state.Query, state.Database = types.StringValue(s.Query), types.StringValue(s.Database)
	state.Catalog, state.WorkGroup = types.StringValue(s.Catalog), types.StringValue(s.WorkGroup)
	state.ReportS3URI = types.StringValue(s.ReportS3URI)
	state.ReportKMSKeyARN = stringOrNull(s.ReportKMSKeyARN)
	if !o.NamedQueryFound {
		state.NamedQueryID = types.StringNull()
	}
	switch {
	case st.ManagedRoleName == "":
		state.RoleARN = stringOrNull(s.RoleARN)
	case !o.RoleFound || s.RoleARN != st.RoleARN:
		// The managed role is gone, or the schedule no longer uses it: the
		// next apply puts it back.
		state.RoleARN = types.StringNull()
	}
	if state.RunOnCreate.IsNull() {
		state.RunOnCreate = types.BoolValue(false) // after import
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *athenaReportScheduleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior athenaReportScheduleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := r.manager(&resp.Diagnostics)
	s, diags := plan.spec(ctx)
	resp.Diagnostics.Append(diags...)
	old, diags := prior.spec(ctx)
	resp.Diagnostics.Append(diags...)
	if m == nil || resp.Diagnostics.HasError() {
		return
	}
	if !plan.RoleARN.IsUnknown() && plan.ManagedRoleName.IsNull() {
		s.RoleARN = plan.RoleARN.ValueString()
	}
	st := prior.reportState()
	st, err := m.update(ctx, old, s, st, prior.NamedQueryID.IsNull())
	// Bring default_tags added since the role was created. A failure is
	// only a warning: tags must not hold up the schedule.
	if tagErr := m.tagRole(ctx, st.ManagedRoleName); tagErr != nil {
		resp.Diagnostics.AddWarning("Cannot add the provider's default_tags to the schedule's IAM role",
			tagErr.Error()+". The schedule itself is up to date; the next update of the resource tries again.")
	}
	plan.setState(s, st)
	if err != nil {
		resp.Diagnostics.AddError("Cannot update the Athena report schedule", err.Error())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *athenaReportScheduleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state athenaReportScheduleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := r.manager(&resp.Diagnostics)
	if m == nil {
		return
	}
	if err := m.delete(ctx, state.ScheduleGroup.ValueString(), state.Name.ValueString(), state.reportState()); err != nil {
		resp.Diagnostics.AddError("Cannot delete the Athena report schedule", err.Error())
	}
}

// ImportState takes `<schedule_group>/<name>`. The schedule's role is
// imported as the user's own role (set `role_arn` in the configuration),
// and the next apply creates a named query.
func (r *athenaReportScheduleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	group, name, ok := strings.Cut(req.ID, "/")
	if !ok || !scheduleNameRE.MatchString(group) || !scheduleNameRE.MatchString(name) {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("The import id %q must be <schedule_group>/<name>, for example default/daily-sales.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("schedule_group"), group)...)
}
