package provider

// The AWS side of refarch_athena_report_schedule: reportScheduleManager
// creates, reads, updates and deletes the EventBridge Scheduler schedule, the
// Athena named query and (unless the user brings a role) the IAM role the
// schedule runs as. It works on plain Go values (reportSpec, reportState) and
// narrow client interfaces, so the requests it builds are unit tested against
// a strict fake (athena_report_schedule_resource_fake_test.go) as well as
// against the sandbox.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// reportScheduler is the part of the EventBridge Scheduler API the resource
// uses; *scheduler.Client implements it.
type reportScheduler interface {
	CreateSchedule(context.Context, *scheduler.CreateScheduleInput, ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error)
	GetSchedule(context.Context, *scheduler.GetScheduleInput, ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
	UpdateSchedule(context.Context, *scheduler.UpdateScheduleInput, ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error)
	DeleteSchedule(context.Context, *scheduler.DeleteScheduleInput, ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error)
}

// reportAthena is the part of the Athena API the resource uses;
// *athena.Client implements it.
type reportAthena interface {
	CreateNamedQuery(context.Context, *athena.CreateNamedQueryInput, ...func(*athena.Options)) (*athena.CreateNamedQueryOutput, error)
	GetNamedQuery(context.Context, *athena.GetNamedQueryInput, ...func(*athena.Options)) (*athena.GetNamedQueryOutput, error)
	DeleteNamedQuery(context.Context, *athena.DeleteNamedQueryInput, ...func(*athena.Options)) (*athena.DeleteNamedQueryOutput, error)
	StartQueryExecution(context.Context, *athena.StartQueryExecutionInput, ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
}

// reportIAM is the part of the IAM API the resource uses; *iam.Client
// implements it.
type reportIAM interface {
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	UpdateAssumeRolePolicy(context.Context, *iam.UpdateAssumeRolePolicyInput, ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	PutRolePolicy(context.Context, *iam.PutRolePolicyInput, ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	DeleteRolePolicy(context.Context, *iam.DeleteRolePolicyInput, ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	DeleteRole(context.Context, *iam.DeleteRoleInput, ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	// TagRole adds the provider's default tags to an existing managed role
	// when the resource is updated (tagRole).
	TagRole(context.Context, *iam.TagRoleInput, ...func(*iam.Options)) (*iam.TagRoleOutput, error)
}

// reportSTS finds the partition and account id for the managed role's
// trust policy and ARNs; *sts.Client implements it.
type reportSTS interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var (
	_ reportScheduler = (*scheduler.Client)(nil)
	_ reportAthena    = (*athena.Client)(nil)
	_ reportIAM       = (*iam.Client)(nil)
	_ reportSTS       = (*sts.Client)(nil)
)

// errReportNotFound is the sentinel the find* helpers wrap when the AWS
// object does not exist.
var errReportNotFound = errors.New("not found")

const (
	// reportStartQueryTarget is EventBridge Scheduler's universal target
	// for Athena StartQueryExecution.
	reportStartQueryTarget = "arn:aws:scheduler:::aws-sdk:athena:startQueryExecution"
	// reportRolePolicyName is the inline policy of a role the resource
	// creates.
	reportRolePolicyName = "athena-report"
	// reportDefaultPollInterval and reportDefaultWaitTimeout bound the
	// retries of CreateSchedule/UpdateSchedule while IAM propagates a new
	// role (Scheduler answers reportRoleNotAssumable until it can assume
	// it).
	reportDefaultPollInterval = 5 * time.Second
	reportDefaultWaitTimeout  = 2 * time.Minute
	// reportRoleNotAssumable is the message of the ValidationException
	// Scheduler answers while it cannot assume the execution role yet; the
	// same text hashicorp/aws's aws_scheduler_schedule retries on
	// (internal/service/scheduler/schedule.go, retryWhenIAMNotPropagated).
	reportRoleNotAssumable = "The execution role you provide must allow AWS EventBridge Scheduler to assume the role."
)

// reportSpec is the configuration of the resource as plain Go values.
type reportSpec struct {
	Name, Group                           string
	WorkGroup, Database, Catalog, Query   string
	ScheduleExpression, ScheduleTimezone  string
	State                                 string // ENABLED or DISABLED
	FlexibleWindowMinutes                 int32  // 0: OFF
	RetryMaxAttempts, RetryMaxEventAgeSec int32
	DeadLetterARN                         string
	ReportS3URI                           string
	// ReportKMSKeyARN is the KMS key Athena encrypts the results with
	// (SSE_KMS); empty: the workgroup's or bucket's default.
	ReportKMSKeyARN string
	SourceS3URIs    []string
	// RoleARN is the user's role; empty: the resource manages one.
	RoleARN     string
	RunOnCreate bool
}

// reportState is what the resource knows about the AWS objects. Empty
// strings stand for null attributes.
type reportState struct {
	ScheduleARN  string
	NamedQueryID string
	RoleARN      string
	// ManagedRoleName is the role the resource created; empty when the
	// user brought one.
	ManagedRoleName         string
	InitialQueryExecutionID string
}

// reportScheduleManager does the AWS work of the resource.
type reportScheduleManager struct {
	sched        reportScheduler
	athena       reportAthena
	iam          reportIAM
	sts          reportSTS
	region       string
	pollInterval time.Duration
	waitTimeout  time.Duration
	// defaultTags are the provider's default_tags, put on the role the
	// resource creates.
	defaultTags map[string]string
}

// startQueryInput is the target Input: the StartQueryExecution request,
// in the API's own field names.
type startQueryInput struct {
	QueryString           string                  `json:"QueryString"`
	QueryExecutionContext queryExecutionContextIn `json:"QueryExecutionContext"`
	WorkGroup             string                  `json:"WorkGroup"`
	ResultConfiguration   resultConfigurationIn   `json:"ResultConfiguration"`
}

type queryExecutionContextIn struct {
	Database string `json:"Database"`
	Catalog  string `json:"Catalog"`
}

type resultConfigurationIn struct {
	OutputLocation          string                     `json:"OutputLocation"`
	EncryptionConfiguration *encryptionConfigurationIn `json:"EncryptionConfiguration,omitempty"`
}

type encryptionConfigurationIn struct {
	EncryptionOption string `json:"EncryptionOption"`
	KmsKey           string `json:"KmsKey,omitempty"`
}

func (s reportSpec) startQuery() startQueryInput {
	q := startQueryInput{
		QueryString:           s.Query,
		QueryExecutionContext: queryExecutionContextIn{Database: s.Database, Catalog: s.Catalog},
		WorkGroup:             s.WorkGroup,
		ResultConfiguration:   resultConfigurationIn{OutputLocation: s.ReportS3URI},
	}
	if s.ReportKMSKeyARN != "" {
		q.ResultConfiguration.EncryptionConfiguration = &encryptionConfigurationIn{
			EncryptionOption: string(athenatypes.EncryptionOptionSseKms), KmsKey: s.ReportKMSKeyARN,
		}
	}
	return q
}

// reportStartQueryTargetSuffix is the universal target's ARN after the
// partition.
const reportStartQueryTargetSuffix = ":scheduler:::aws-sdk:athena:startQueryExecution"

// startQueryTarget is the universal target in the partition of the role the
// schedule runs as (aws, aws-cn, aws-us-gov, ...): a target ARN of another
// partition is refused by Scheduler.
func startQueryTarget(roleARN string) string {
	partition := "aws"
	if parts := strings.SplitN(roleARN, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		partition = parts[1]
	}
	return "arn:" + partition + reportStartQueryTargetSuffix
}

// targetInput is the JSON document the schedule's target sends.
func (s reportSpec) targetInput() (string, error) {
	b, err := json.Marshal(s.startQuery())
	return string(b), err
}

// scheduleTarget is the schedule's target for role.
func (s reportSpec) scheduleTarget(role string) (*schedtypes.Target, error) {
	in, err := s.targetInput()
	if err != nil {
		return nil, err
	}
	t := &schedtypes.Target{
		Arn:     aws.String(startQueryTarget(role)),
		RoleArn: aws.String(role),
		Input:   aws.String(in),
		RetryPolicy: &schedtypes.RetryPolicy{
			MaximumRetryAttempts:     aws.Int32(s.RetryMaxAttempts),
			MaximumEventAgeInSeconds: aws.Int32(s.RetryMaxEventAgeSec),
		},
	}
	if s.DeadLetterARN != "" {
		t.DeadLetterConfig = &schedtypes.DeadLetterConfig{Arn: aws.String(s.DeadLetterARN)}
	}
	return t, nil
}

func (s reportSpec) flexibleWindow() *schedtypes.FlexibleTimeWindow {
	if s.FlexibleWindowMinutes <= 0 {
		return &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff}
	}
	return &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeFlexible, MaximumWindowInMinutes: aws.Int32(s.FlexibleWindowMinutes)}
}

// createScheduleInput is the full CreateSchedule request.
func (s reportSpec) createScheduleInput(role string) (*scheduler.CreateScheduleInput, error) {
	t, err := s.scheduleTarget(role)
	if err != nil {
		return nil, err
	}
	in := &scheduler.CreateScheduleInput{
		Name:               aws.String(s.Name),
		GroupName:          aws.String(s.Group),
		ScheduleExpression: aws.String(s.ScheduleExpression),
		FlexibleTimeWindow: s.flexibleWindow(),
		State:              schedtypes.ScheduleState(s.State),
		Target:             t,
		Description:        aws.String(reportDescription(s.Name)),
	}
	if s.ScheduleTimezone != "" {
		in.ScheduleExpressionTimezone = aws.String(s.ScheduleTimezone)
	}
	return in, nil
}

// updateScheduleInput is the full UpdateSchedule request: UpdateSchedule
// replaces the whole definition, so it carries every field CreateSchedule
// does (an omitted field would be reset).
func (s reportSpec) updateScheduleInput(role string) (*scheduler.UpdateScheduleInput, error) {
	c, err := s.createScheduleInput(role)
	if err != nil {
		return nil, err
	}
	return &scheduler.UpdateScheduleInput{
		Name: c.Name, GroupName: c.GroupName, ScheduleExpression: c.ScheduleExpression,
		ScheduleExpressionTimezone: c.ScheduleExpressionTimezone, FlexibleTimeWindow: c.FlexibleTimeWindow,
		State: c.State, Target: c.Target, Description: c.Description,
	}, nil
}

func reportDescription(name string) string {
	return "refarch_athena_report_schedule " + name + ": runs Athena StartQueryExecution"
}

// startQueryExecutionInput is the one-off run of run_on_create: the same
// request the schedule sends.
func (s reportSpec) startQueryExecutionInput() *athena.StartQueryExecutionInput {
	q := s.startQuery()
	in := &athena.StartQueryExecutionInput{
		QueryString:           aws.String(q.QueryString),
		QueryExecutionContext: &athenatypes.QueryExecutionContext{Database: aws.String(q.QueryExecutionContext.Database), Catalog: aws.String(q.QueryExecutionContext.Catalog)},
		WorkGroup:             aws.String(q.WorkGroup),
		ResultConfiguration:   &athenatypes.ResultConfiguration{OutputLocation: aws.String(q.ResultConfiguration.OutputLocation)},
	}
	if e := q.ResultConfiguration.EncryptionConfiguration; e != nil {
		in.ResultConfiguration.EncryptionConfiguration = &athenatypes.EncryptionConfiguration{
			EncryptionOption: athenatypes.EncryptionOption(e.EncryptionOption), KmsKey: aws.String(e.KmsKey),
		}
	}
	return in
}

func (s reportSpec) createNamedQueryInput() *athena.CreateNamedQueryInput {
	return &athena.CreateNamedQueryInput{
		Name:        aws.String(s.Name),
		Database:    aws.String(s.Database),
		QueryString: aws.String(s.Query),
		WorkGroup:   aws.String(s.WorkGroup),
		Description: aws.String("Run by the EventBridge Scheduler schedule " + s.Group + "/" + s.Name + " (refarch_athena_report_schedule)"),
	}
}

// managedRoleName is the name of the role the resource creates, unique per
// schedule group and name. IAM allows 64 characters: a longer name is cut
// and ends with a hash of the full one.
func managedRoleName(s reportSpec) string {
	n := "refarch-athena-report-" + s.Name
	if s.Group != "" && s.Group != reportDefaultGroup {
		n = "refarch-athena-report-" + s.Group + "-" + s.Name
	}
	if len(n) > 64 {
		sum := sha256.Sum256([]byte(n))
		n = n[:55] + "-" + hex.EncodeToString(sum[:4])
	}
	return n
}

// awsAccount is the caller's partition and account id, as STS reports
// them.
type awsAccount struct {
	Partition, Account string
}

var (
	awsAccountIDRE = regexp.MustCompile(`^\d{12}$`)
	awsPartitionRE = regexp.MustCompile(`^aws(-[a-z]+)*$`)
)

// check refuses an account the policies cannot be scoped to: the managed
// role's policies never fall back to "*" or drop the account conditions.
func (a awsAccount) check() error {
	if !awsPartitionRE.MatchString(a.Partition) || !awsAccountIDRE.MatchString(a.Account) {
		return fmt.Errorf("the AWS partition %q and account id %q cannot scope the IAM role's policies to this account", a.Partition, a.Account)
	}
	return nil
}

// policyDocument is an IAM policy in a stable JSON form.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]string            `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// trustPolicy lets EventBridge Scheduler assume the role for this schedule
// of this account only (aws:SourceAccount and aws:SourceArn conditions).
func trustPolicy(s reportSpec, acct awsAccount, region string) (string, error) {
	if err := acct.check(); err != nil {
		return "", err
	}
	st := policyStatement{
		Effect:    "Allow",
		Principal: map[string]string{"Service": "scheduler.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]string{
			"StringEquals": {"aws:SourceAccount": acct.Account},
			"ArnLike": {"aws:SourceArn": fmt.Sprintf("arn:%s:scheduler:%s:%s:schedule/%s/%s",
				acct.Partition, region, acct.Account, s.Group, s.Name)},
		},
	}
	b, err := json.Marshal(policyDocument{Version: "2012-10-17", Statement: []policyStatement{st}})
	return string(b), err
}

// s3Location splits s3://bucket/prefix/ (already validated).
func s3Location(uri string) (bucket, prefix string) {
	rest := strings.TrimPrefix(uri, "s3://")
	bucket, prefix, _ = strings.Cut(rest, "/")
	return bucket, prefix
}

// permissionsPolicy is the least privilege the schedule's role needs to run
// the query: start it in the workgroup, read the Glue catalog entries of the
// database, read the source data and write the results.
func permissionsPolicy(s reportSpec, acct awsAccount, region string) (string, error) {
	if err := acct.check(); err != nil {
		return "", err
	}
	p, a := acct.Partition, acct.Account
	stmts := []policyStatement{
		{
			Sid:      "StartQuery",
			Effect:   "Allow",
			Action:   []string{"athena:GetQueryExecution", "athena:StartQueryExecution"},
			Resource: []string{fmt.Sprintf("arn:%s:athena:%s:%s:workgroup/%s", p, region, a, s.WorkGroup)},
		},
		{
			Sid:    "ReadCatalog",
			Effect: "Allow",
			Action: []string{"glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"},
			Resource: []string{
				fmt.Sprintf("arn:%s:glue:%s:%s:catalog", p, region, a),
				fmt.Sprintf("arn:%s:glue:%s:%s:database/%s", p, region, a, s.Database),
				fmt.Sprintf("arn:%s:glue:%s:%s:table/%s/*", p, region, a, s.Database),
			},
		},
	}
	if s.Catalog != reportDefaultCatalog {
		stmts = append(stmts, policyStatement{
			Sid:      "ReadDataCatalog",
			Effect:   "Allow",
			Action:   []string{"athena:GetDataCatalog"},
			Resource: []string{fmt.Sprintf("arn:%s:athena:%s:%s:datacatalog/%s", p, region, a, s.Catalog)},
		})
	}
	// Bucket-level actions on every bucket involved, object actions on the
	// prefixes only.
	buckets := map[string]bool{}
	rb, rp := s3Location(s.ReportS3URI)
	buckets[rb] = true
	var readObjects []string
	for _, u := range s.SourceS3URIs {
		b, pre := s3Location(u)
		buckets[b] = true
		readObjects = append(readObjects, fmt.Sprintf("arn:%s:s3:::%s/%s*", p, b, pre))
	}
	var bucketARNs []string
	for b := range buckets {
		bucketARNs = append(bucketARNs, fmt.Sprintf("arn:%s:s3:::%s", p, b))
	}
	sort.Strings(bucketARNs)
	// Athena writes large results with multipart uploads: it lists the
	// uploads of the report bucket, and the parts of and aborts the
	// uploads under the report prefix.
	stmts = append(stmts,
		policyStatement{Sid: "Buckets", Effect: "Allow", Action: []string{"s3:GetBucketLocation", "s3:ListBucket"}, Resource: bucketARNs},
		policyStatement{
			Sid: "ReportUploads", Effect: "Allow",
			Action:   []string{"s3:ListBucketMultipartUploads"},
			Resource: []string{fmt.Sprintf("arn:%s:s3:::%s", p, rb)},
		},
		policyStatement{
			Sid: "WriteReport", Effect: "Allow",
			Action:   []string{"s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"},
			Resource: []string{fmt.Sprintf("arn:%s:s3:::%s/%s*", p, rb, rp)},
		},
	)
	if len(readObjects) > 0 {
		sort.Strings(readObjects)
		stmts = append(stmts, policyStatement{Sid: "ReadSource", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: readObjects})
	}
	// Results encrypted with SSE-KMS: Athena writes and reads them back
	// with the role's credentials, on this key only.
	if s.ReportKMSKeyARN != "" {
		stmts = append(stmts, policyStatement{Sid: "ReportKey", Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{s.ReportKMSKeyARN}})
	}
	// EventBridge Scheduler sends undeliverable invocations to the dead-letter queue with the schedule's role.
	if s.DeadLetterARN != "" {
		stmts = append(stmts, policyStatement{Sid: "DeadLetter", Effect: "Allow", Action: []string{"sqs:SendMessage"}, Resource: []string{s.DeadLetterARN}})
	}
	b, err := json.Marshal(policyDocument{Version: "2012-10-17", Statement: stmts})
	return string(b), err
}

// reportAccountHint is what the user can do when STS does not tell the
// account.
const reportAccountHint = "The role the resource creates trusts EventBridge Scheduler for this schedule of this account only " +
	"(aws:SourceAccount and aws:SourceArn conditions) and is scoped to this account's ARNs, so the provider must know the account: " +
	"allow sts:GetCallerIdentity for the provider's credentials, check the credentials and the STS endpoint, " +
	"or set role_arn to a role of your own"

// account asks STS for the caller's partition (from the caller ARN: aws,
// aws-cn, aws-us-gov, ...) and account id. Failure is an error: the
// managed role is never created with weaker policies.
func (m *reportScheduleManager) account(ctx context.Context) (awsAccount, error) {
	out, err := m.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return awsAccount{}, fmt.Errorf("cannot determine the AWS account for the IAM role of the schedule: STS GetCallerIdentity failed: %w. %s", err, reportAccountHint)
	}
	if out == nil || aws.ToString(out.Account) == "" {
		return awsAccount{}, fmt.Errorf("cannot determine the AWS account for the IAM role of the schedule: STS GetCallerIdentity returned no account id. %s", reportAccountHint)
	}
	caller, err := arn.Parse(aws.ToString(out.Arn))
	if err != nil {
		return awsAccount{}, fmt.Errorf("cannot determine the AWS partition for the IAM role of the schedule: STS GetCallerIdentity returned the caller ARN %q: %w. %s", aws.ToString(out.Arn), err, reportAccountHint)
	}
	acct := awsAccount{Partition: caller.Partition, Account: aws.ToString(out.Account)}
	if err := acct.check(); err != nil {
		return awsAccount{}, fmt.Errorf("STS GetCallerIdentity returned the caller ARN %q and account %q: %w. %s", aws.ToString(out.Arn), aws.ToString(out.Account), err, reportAccountHint)
	}
	return acct, nil
}

// findSchedule returns the schedule, or an error wrapping
// errReportNotFound.
func findSchedule(ctx context.Context, c reportScheduler, group, name string) (*scheduler.GetScheduleOutput, error) {
	out, err := c.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(name), GroupName: aws.String(group)})
	if errors.As(err, new(*schedtypes.ResourceNotFoundException)) {
		return nil, fmt.Errorf("schedule %s/%s: %w", group, name, errReportNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading schedule %s/%s: %w", group, name, err)
	}
	return out, nil
}

// findNamedQuery returns the named query, or an error wrapping
// errReportNotFound. Athena answers InvalidRequestException (not
// ResourceNotFoundException) for an unknown id.
//
//nolint:unparam // the query itself is read by the real-AWS tier (athena_report_schedule_resource_aws_test.go, -tags aws)
func findNamedQuery(ctx context.Context, c reportAthena, id string) (*athenatypes.NamedQuery, error) {
	out, err := c.GetNamedQuery(ctx, &athena.GetNamedQueryInput{NamedQueryId: aws.String(id)})
	if errors.As(err, new(*athenatypes.InvalidRequestException)) || errors.As(err, new(*athenatypes.ResourceNotFoundException)) {
		return nil, fmt.Errorf("named query %s: %w", id, errReportNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading named query %s: %w", id, err)
	}
	if out == nil || out.NamedQuery == nil {
		return nil, fmt.Errorf("named query %s: %w", id, errReportNotFound)
	}
	return out.NamedQuery, nil
}

// findRole returns the role, or an error wrapping errReportNotFound.
func findRole(ctx context.Context, c reportIAM, name string) (*iamtypes.Role, error) {
	out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if errors.As(err, new(*iamtypes.NoSuchEntityException)) {
		return nil, fmt.Errorf("IAM role %s: %w", name, errReportNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading IAM role %s: %w", name, err)
	}
	if out == nil || out.Role == nil {
		return nil, fmt.Errorf("IAM role %s: %w", name, errReportNotFound)
	}
	return out.Role, nil
}

// ensureRole returns the role the schedule runs as: the user's, or the
// managed one, created when missing, with its trust and inline policy set
// to what spec needs.
func (m *reportScheduleManager) ensureRole(ctx context.Context, s reportSpec, st *reportState) error {
	if s.RoleARN != "" {
		st.RoleARN, st.ManagedRoleName = s.RoleARN, ""
		return nil
	}
	acct, err := m.account(ctx)
	if err != nil {
		return err
	}
	trust, err := trustPolicy(s, acct, m.region)
	if err != nil {
		return err
	}
	perms, err := permissionsPolicy(s, acct, m.region)
	if err != nil {
		return err
	}
	name := managedRoleName(s)
	role, err := findRole(ctx, m.iam, name)
	switch {
	case errors.Is(err, errReportNotFound):
		out, err := m.iam.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName:                 aws.String(name),
			AssumeRolePolicyDocument: aws.String(trust),
			Description:              aws.String("Runs the Athena report " + s.Name + " for EventBridge Scheduler (refarch_athena_report_schedule)"),
			Tags:                     iamTags(mergeTags(m.defaultTags, nil)),
		})
		if err != nil {
			return fmt.Errorf("creating IAM role %s: %w", name, err)
		}
		role = out.Role
	case err != nil:
		return err
	default:
		if _, err := m.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(name), PolicyDocument: aws.String(trust)}); err != nil {
			return fmt.Errorf("updating the trust policy of IAM role %s: %w", name, err)
		}
	}
	st.ManagedRoleName, st.RoleARN = name, aws.ToString(role.Arn)
	if _, err := m.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName: aws.String(name), PolicyName: aws.String(reportRolePolicyName), PolicyDocument: aws.String(perms),
	}); err != nil {
		return fmt.Errorf("setting the policy of IAM role %s: %w", name, err)
	}
	return nil
}

// tagRole adds the provider's default tags the managed role name lacks (or
// has with another value); the resource's Update calls it after update, so
// that an update brings default tags added since the role was created.
// Nothing is called without default tags or managed role; tags the role has
// beyond these are left alone (default tags are not tracked, so one removed
// from the provider's configuration stays).
func (m *reportScheduleManager) tagRole(ctx context.Context, name string) error {
	want := mergeTags(m.defaultTags, nil)
	if len(want) == 0 || name == "" {
		return nil
	}
	role, err := findRole(ctx, m.iam, name)
	if err != nil {
		return fmt.Errorf("adding the provider's default_tags to IAM role %s: %w", name, err)
	}
	have := make(map[string]string, len(role.Tags))
	for _, t := range role.Tags {
		have[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	missing := map[string]string{}
	for k, v := range want {
		if hv, ok := have[k]; !ok || hv != v {
			missing[k] = v
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := m.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(name), Tags: iamTags(missing)}); err != nil {
		return fmt.Errorf("adding the provider's default_tags to IAM role %s: %w", name, err)
	}
	return nil
}

// isRoleNotPropagated reports whether err is Scheduler's answer for a role
// it cannot assume yet: a ValidationException with reportRoleNotAssumable
// as message. Other ValidationExceptions (a bad expression, input or ARN)
// are final.
func isRoleNotPropagated(err error) bool {
	var ve *schedtypes.ValidationException
	return errors.As(err, &ve) && strings.Contains(ve.ErrorMessage(), reportRoleNotAssumable)
}

// retryWhileRolePropagates calls call until it succeeds, fails with
// something else than isRoleNotPropagated, or m.waitTimeout is over.
func (m *reportScheduleManager) retryWhileRolePropagates(ctx context.Context, what string, call func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, m.waitTimeout)
	defer cancel()
	for {
		err := call(ctx)
		if err == nil || !isRoleNotPropagated(err) {
			return err
		}
		tflog.Debug(ctx, what+": retrying while IAM propagates the role", map[string]any{"error": err.Error()})
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: gave up after %s: %w", what, m.waitTimeout, err)
		case <-time.After(m.pollInterval):
		}
	}
}

// create creates role, named query and schedule, then runs the query once
// when asked. The state returned with an error holds what was created.
func (m *reportScheduleManager) create(ctx context.Context, s reportSpec) (reportState, error) {
	var st reportState
	if err := m.ensureRole(ctx, s, &st); err != nil {
		return st, err
	}
	nq, err := m.athena.CreateNamedQuery(ctx, s.createNamedQueryInput())
	if err != nil {
		return st, fmt.Errorf("creating Athena named query %s: %w", s.Name, err)
	}
	st.NamedQueryID = aws.ToString(nq.NamedQueryId)
	in, err := s.createScheduleInput(st.RoleARN)
	if err != nil {
		return st, err
	}
	err = m.retryWhileRolePropagates(ctx, "creating schedule "+s.Group+"/"+s.Name, func(ctx context.Context) error {
		out, err := m.sched.CreateSchedule(ctx, in)
		if err == nil {
			st.ScheduleARN = aws.ToString(out.ScheduleArn)
		}
		return err
	})
	if err != nil {
		return st, fmt.Errorf("creating EventBridge Scheduler schedule %s/%s: %w", s.Group, s.Name, err)
	}
	if s.RunOnCreate {
		out, err := m.athena.StartQueryExecution(ctx, s.startQueryExecutionInput())
		if err != nil {
			return st, fmt.Errorf("running the query once (run_on_create): %w", err)
		}
		st.InitialQueryExecutionID = aws.ToString(out.QueryExecutionId)
	}
	return st, nil
}

// observed is what read found: the spec as AWS has it, and whether the
// named query and managed role still exist.
type observed struct {
	Spec            reportSpec
	ScheduleARN     string
	NamedQueryFound bool
	RoleFound       bool
}

// read returns the schedule's definition, or an error wrapping
// errReportNotFound when the schedule is gone.
func (m *reportScheduleManager) read(ctx context.Context, group, name string, st reportState) (observed, error) {
	var o observed
	out, err := findSchedule(ctx, m.sched, group, name)
	if err != nil {
		return o, err
	}
	s := reportSpec{Name: name, Group: group, ScheduleExpression: aws.ToString(out.ScheduleExpression),
		ScheduleTimezone: aws.ToString(out.ScheduleExpressionTimezone), State: string(out.State)}
	if w := out.FlexibleTimeWindow; w != nil && w.Mode == schedtypes.FlexibleTimeWindowModeFlexible {
		s.FlexibleWindowMinutes = aws.ToInt32(w.MaximumWindowInMinutes)
	}
	if t := out.Target; t != nil {
		s.RoleARN = aws.ToString(t.RoleArn)
		if rp := t.RetryPolicy; rp != nil {
			s.RetryMaxAttempts, s.RetryMaxEventAgeSec = aws.ToInt32(rp.MaximumRetryAttempts), aws.ToInt32(rp.MaximumEventAgeInSeconds)
		}
		if t.DeadLetterConfig != nil {
			s.DeadLetterARN = aws.ToString(t.DeadLetterConfig.Arn)
		}
		var q startQueryInput
		if strings.HasSuffix(aws.ToString(t.Arn), reportStartQueryTargetSuffix) && json.Unmarshal([]byte(aws.ToString(t.Input)), &q) == nil {
			s.Query, s.WorkGroup, s.ReportS3URI = q.QueryString, q.WorkGroup, q.ResultConfiguration.OutputLocation
			s.Database, s.Catalog = q.QueryExecutionContext.Database, q.QueryExecutionContext.Catalog
			if e := q.ResultConfiguration.EncryptionConfiguration; e != nil && e.EncryptionOption == string(athenatypes.EncryptionOptionSseKms) {
				s.ReportKMSKeyARN = e.KmsKey
			}
		}
	}
	o.Spec, o.ScheduleARN = s, aws.ToString(out.Arn)
	if st.NamedQueryID != "" {
		_, err := findNamedQuery(ctx, m.athena, st.NamedQueryID)
		switch {
		case errors.Is(err, errReportNotFound):
		case err != nil:
			return o, err
		default:
			o.NamedQueryFound = true
		}
	}
	if st.ManagedRoleName != "" {
		_, err := findRole(ctx, m.iam, st.ManagedRoleName)
		switch {
		case errors.Is(err, errReportNotFound):
		case err != nil:
			return o, err
		default:
			o.RoleFound = true
		}
	}
	return o, nil
}

// namedQueryChanged reports whether the named query must be replaced
// (Athena named queries cannot be changed).
func namedQueryChanged(before, after reportSpec) bool {
	return before.Name != after.Name || before.Database != after.Database || before.Query != after.Query || before.WorkGroup != after.WorkGroup
}

// update brings the AWS objects to s. A missing or changed named query is
// created anew before the old one is deleted, so the console never lacks
// it; the schedule is updated with its full definition.
func (m *reportScheduleManager) update(ctx context.Context, old, s reportSpec, st reportState, nqMissing bool) (reportState, error) {
	// A managed role the schedule no longer uses (the user now brings a
	// role, or the name changed) goes after the schedule stopped using it.
	retired := st.ManagedRoleName
	if err := m.ensureRole(ctx, s, &st); err != nil {
		return st, err
	}
	oldNQ := ""
	if nqMissing || namedQueryChanged(old, s) {
		nq, err := m.athena.CreateNamedQuery(ctx, s.createNamedQueryInput())
		if err != nil {
			return st, fmt.Errorf("creating Athena named query %s: %w", s.Name, err)
		}
		if !nqMissing {
			oldNQ = st.NamedQueryID
		}
		st.NamedQueryID = aws.ToString(nq.NamedQueryId)
	}
	in, err := s.updateScheduleInput(st.RoleARN)
	if err != nil {
		return st, err
	}
	err = m.retryWhileRolePropagates(ctx, "updating schedule "+s.Group+"/"+s.Name, func(ctx context.Context) error {
		out, err := m.sched.UpdateSchedule(ctx, in)
		if err == nil {
			st.ScheduleARN = aws.ToString(out.ScheduleArn)
		}
		return err
	})
	if err != nil {
		return st, fmt.Errorf("updating EventBridge Scheduler schedule %s/%s: %w", s.Group, s.Name, err)
	}
	if oldNQ != "" {
		if err := m.deleteNamedQuery(ctx, oldNQ); err != nil {
			return st, err
		}
	}
	if retired != "" && retired != st.ManagedRoleName {
		if err := m.deleteRole(ctx, retired); err != nil {
			return st, fmt.Errorf("deleting the role the resource created earlier: %w", err)
		}
	}
	return st, nil
}

func (m *reportScheduleManager) deleteNamedQuery(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	if _, err := findNamedQuery(ctx, m.athena, id); errors.Is(err, errReportNotFound) {
		return nil
	}
	_, err := m.athena.DeleteNamedQuery(ctx, &athena.DeleteNamedQueryInput{NamedQueryId: aws.String(id)})
	if err != nil && !errors.As(err, new(*athenatypes.InvalidRequestException)) {
		return fmt.Errorf("deleting Athena named query %s: %w", id, err)
	}
	return nil
}

func (m *reportScheduleManager) deleteRole(ctx context.Context, name string) error {
	_, err := m.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(reportRolePolicyName)})
	if err != nil && !errors.As(err, new(*iamtypes.NoSuchEntityException)) {
		return fmt.Errorf("deleting the policy of IAM role %s: %w", name, err)
	}
	_, err = m.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	if err != nil && !errors.As(err, new(*iamtypes.NoSuchEntityException)) {
		return fmt.Errorf("deleting IAM role %s: %w", name, err)
	}
	return nil
}

// delete removes schedule, named query, role policy and role, in this
// order, ignoring what is already gone.
func (m *reportScheduleManager) delete(ctx context.Context, group, name string, st reportState) error {
	_, err := m.sched.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name), GroupName: aws.String(group)})
	if err != nil && !errors.As(err, new(*schedtypes.ResourceNotFoundException)) {
		return fmt.Errorf("deleting schedule %s/%s: %w", group, name, err)
	}
	if err := m.deleteNamedQuery(ctx, st.NamedQueryID); err != nil {
		return err
	}
	if st.ManagedRoleName != "" {
		return m.deleteRole(ctx, st.ManagedRoleName)
	}
	return nil
}
