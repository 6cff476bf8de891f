package provider

// A strict in-memory EventBridge Scheduler, Athena (named queries and
// StartQueryExecution), IAM (roles with inline policies) and STS for the
// tests of reportScheduleManager. It behaves like AWS where it matters:
// CreateSchedule and UpdateSchedule need every required field (an update
// stores exactly what it is given, so a partial update loses fields), names
// are unique, a role with an inline policy cannot be deleted, unknown named
// query ids are InvalidRequestException.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const fakeReportAccount = "123456789012"

type fakeReportRole struct {
	arn, trust string
	policies   map[string]string
	// tags are the role's tags; createTags the Tags of its CreateRole, as
	// sent.
	tags       map[string]string
	createTags []iamtypes.Tag
}

// checkRoleTags refuses what IAM refuses: more than 50 tags, a repeated or
// empty key, a key or value over its length limit, and keys with the
// reserved aws: prefix.
func checkRoleTags(tags []iamtypes.Tag) error {
	if len(tags) > 50 {
		return &iamtypes.LimitExceededException{Message: aws.String("too many tags")}
	}
	seen := map[string]bool{}
	for _, t := range tags {
		k, v := aws.ToString(t.Key), aws.ToString(t.Value)
		if k == "" || len(k) > 128 || len(v) > 256 || seen[k] || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return &iamtypes.InvalidInputException{Message: aws.String(fmt.Sprintf("invalid tag %q=%q", k, v))}
		}
		seen[k] = true
	}
	return nil
}

// fakeReportAWS implements reportScheduler, reportAthena, reportIAM and
// reportSTS.
type fakeReportAWS struct {
	mu        sync.Mutex
	seq       int
	schedules map[string]*scheduler.GetScheduleOutput // by group/name
	queries   map[string]athenatypes.NamedQuery
	roles     map[string]*fakeReportRole
	started   []*athena.StartQueryExecutionInput
	// calls logs every mutating call, e.g. "CreateRole refarch-athena-report-x".
	calls []string
	// createInputs and updateInputs are the schedule requests, as sent.
	createInputs []*scheduler.CreateScheduleInput
	updateInputs []*scheduler.UpdateScheduleInput
	// fail makes the next call of the named operation fail with the error.
	fail map[string]error
	// noAccount makes GetCallerIdentity fail.
	noAccount bool
	// identity, when set, is what GetCallerIdentity answers.
	identity *sts.GetCallerIdentityOutput
}

func newFakeReportAWS() *fakeReportAWS {
	return &fakeReportAWS{
		schedules: map[string]*scheduler.GetScheduleOutput{},
		queries:   map[string]athenatypes.NamedQuery{},
		roles:     map[string]*fakeReportRole{},
		fail:      map[string]error{},
	}
}

func (f *fakeReportAWS) manager() *reportScheduleManager {
	return &reportScheduleManager{sched: f, athena: f, iam: f, sts: f, region: "eu-west-1", pollInterval: 0, waitTimeout: time5s}
}

func (f *fakeReportAWS) injected(op string) error {
	if err, ok := f.fail[op]; ok {
		delete(f.fail, op)
		return err
	}
	return nil
}

func (f *fakeReportAWS) log(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func validationErr(msg string) error {
	return &schedtypes.ValidationException{Message: aws.String(msg)}
}

// checkScheduleDefinition enforces what Scheduler requires of both
// CreateSchedule and UpdateSchedule.
func checkScheduleDefinition(name, expr *string, w *schedtypes.FlexibleTimeWindow, t *schedtypes.Target) error {
	switch {
	case aws.ToString(name) == "":
		return validationErr("Name is required")
	case aws.ToString(expr) == "":
		return validationErr("ScheduleExpression is required")
	case w == nil || w.Mode == "":
		return validationErr("FlexibleTimeWindow is required")
	case w.Mode == schedtypes.FlexibleTimeWindowModeFlexible && aws.ToInt32(w.MaximumWindowInMinutes) < 1:
		return validationErr("MaximumWindowInMinutes is required in FLEXIBLE mode")
	case w.Mode == schedtypes.FlexibleTimeWindowModeOff && w.MaximumWindowInMinutes != nil:
		return validationErr("MaximumWindowInMinutes must not be set in OFF mode")
	case t == nil || aws.ToString(t.Arn) == "" || aws.ToString(t.RoleArn) == "":
		return validationErr("Target with Arn and RoleArn is required")
	case t.Input != nil && !json.Valid([]byte(*t.Input)):
		return validationErr("Target Input must be valid JSON")
	}
	return nil
}

func groupOr(g *string) string {
	if aws.ToString(g) == "" {
		return "default"
	}
	return *g
}

func (f *fakeReportAWS) CreateSchedule(_ context.Context, in *scheduler.CreateScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("CreateSchedule"); err != nil {
		return nil, err
	}
	if err := checkScheduleDefinition(in.Name, in.ScheduleExpression, in.FlexibleTimeWindow, in.Target); err != nil {
		return nil, err
	}
	key := groupOr(in.GroupName) + "/" + aws.ToString(in.Name)
	if f.schedules[key] != nil {
		return nil, &schedtypes.ConflictException{Message: aws.String("Schedule " + key + " already exists.")}
	}
	if _, ok := f.roles[roleNameOf(aws.ToString(in.Target.RoleArn))]; !ok && roleIsFake(aws.ToString(in.Target.RoleArn)) {
		return nil, validationErr("The execution role you provide must allow AWS EventBridge Scheduler to assume the role.")
	}
	f.createInputs = append(f.createInputs, in)
	f.log("CreateSchedule %s", key)
	arn := fmt.Sprintf("arn:aws:scheduler:eu-west-1:%s:schedule/%s", fakeReportAccount, key)
	state := in.State
	if state == "" {
		state = schedtypes.ScheduleStateEnabled
	}
	f.schedules[key] = &scheduler.GetScheduleOutput{
		Arn: aws.String(arn), Name: in.Name, GroupName: aws.String(groupOr(in.GroupName)),
		ScheduleExpression: in.ScheduleExpression, ScheduleExpressionTimezone: in.ScheduleExpressionTimezone,
		FlexibleTimeWindow: in.FlexibleTimeWindow, State: state, Target: in.Target, Description: in.Description,
	}
	return &scheduler.CreateScheduleOutput{ScheduleArn: aws.String(arn)}, nil
}

func (f *fakeReportAWS) GetSchedule(_ context.Context, in *scheduler.GetScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("GetSchedule"); err != nil {
		return nil, err
	}
	s := f.schedules[groupOr(in.GroupName)+"/"+aws.ToString(in.Name)]
	if s == nil {
		return nil, &schedtypes.ResourceNotFoundException{Message: aws.String("Schedule not found")}
	}
	c := *s
	return &c, nil
}

func (f *fakeReportAWS) UpdateSchedule(_ context.Context, in *scheduler.UpdateScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("UpdateSchedule"); err != nil {
		return nil, err
	}
	key := groupOr(in.GroupName) + "/" + aws.ToString(in.Name)
	s := f.schedules[key]
	if s == nil {
		return nil, &schedtypes.ResourceNotFoundException{Message: aws.String("Schedule not found")}
	}
	if err := checkScheduleDefinition(in.Name, in.ScheduleExpression, in.FlexibleTimeWindow, in.Target); err != nil {
		return nil, err
	}
	f.updateInputs = append(f.updateInputs, in)
	f.log("UpdateSchedule %s", key)
	state := in.State
	if state == "" {
		state = schedtypes.ScheduleStateEnabled
	}
	// The whole definition is replaced: what the request lacks is gone.
	f.schedules[key] = &scheduler.GetScheduleOutput{
		Arn: s.Arn, Name: in.Name, GroupName: s.GroupName,
		ScheduleExpression: in.ScheduleExpression, ScheduleExpressionTimezone: in.ScheduleExpressionTimezone,
		FlexibleTimeWindow: in.FlexibleTimeWindow, State: state, Target: in.Target, Description: in.Description,
	}
	return &scheduler.UpdateScheduleOutput{ScheduleArn: s.Arn}, nil
}

func (f *fakeReportAWS) DeleteSchedule(_ context.Context, in *scheduler.DeleteScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("DeleteSchedule"); err != nil {
		return nil, err
	}
	key := groupOr(in.GroupName) + "/" + aws.ToString(in.Name)
	if f.schedules[key] == nil {
		return nil, &schedtypes.ResourceNotFoundException{Message: aws.String("Schedule not found")}
	}
	delete(f.schedules, key)
	f.log("DeleteSchedule %s", key)
	return &scheduler.DeleteScheduleOutput{}, nil
}

func (f *fakeReportAWS) CreateNamedQuery(_ context.Context, in *athena.CreateNamedQueryInput, _ ...func(*athena.Options)) (*athena.CreateNamedQueryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("CreateNamedQuery"); err != nil {
		return nil, err
	}
	if aws.ToString(in.Name) == "" || aws.ToString(in.Database) == "" || aws.ToString(in.QueryString) == "" {
		return nil, &athenatypes.InvalidRequestException{Message: aws.String("Name, Database and QueryString are required")}
	}
	f.seq++
	id := fmt.Sprintf("nq-%d", f.seq)
	f.queries[id] = athenatypes.NamedQuery{NamedQueryId: aws.String(id), Name: in.Name, Database: in.Database,
		QueryString: in.QueryString, WorkGroup: in.WorkGroup, Description: in.Description}
	f.log("CreateNamedQuery %s %s", id, aws.ToString(in.Name))
	return &athena.CreateNamedQueryOutput{NamedQueryId: aws.String(id)}, nil
}

func (f *fakeReportAWS) GetNamedQuery(_ context.Context, in *athena.GetNamedQueryInput, _ ...func(*athena.Options)) (*athena.GetNamedQueryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q, ok := f.queries[aws.ToString(in.NamedQueryId)]
	if !ok {
		return nil, &athenatypes.InvalidRequestException{Message: aws.String("NamedQuery not found")}
	}
	return &athena.GetNamedQueryOutput{NamedQuery: &q}, nil
}

func (f *fakeReportAWS) DeleteNamedQuery(_ context.Context, in *athena.DeleteNamedQueryInput, _ ...func(*athena.Options)) (*athena.DeleteNamedQueryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.NamedQueryId)
	if _, ok := f.queries[id]; !ok {
		return nil, &athenatypes.InvalidRequestException{Message: aws.String("NamedQuery not found")}
	}
	delete(f.queries, id)
	f.log("DeleteNamedQuery %s", id)
	return &athena.DeleteNamedQueryOutput{}, nil
}

func (f *fakeReportAWS) StartQueryExecution(_ context.Context, in *athena.StartQueryExecutionInput, _ ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("StartQueryExecution"); err != nil {
		return nil, err
	}
	f.started = append(f.started, in)
	f.seq++
	f.log("StartQueryExecution")
	return &athena.StartQueryExecutionOutput{QueryExecutionId: aws.String(fmt.Sprintf("qe-%d", f.seq))}, nil
}

// roleIsFake reports whether arn names a role of the fake's account (a
// user-supplied role of another form is accepted as is).
func roleIsFake(arn string) bool {
	return len(arn) > 0 && arn == fmt.Sprintf("arn:aws:iam::%s:role/%s", fakeReportAccount, roleNameOf(arn)) && len(roleNameOf(arn)) > 22 && roleNameOf(arn)[:22] == "refarch-athena-report-"
}

func roleNameOf(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return ""
}

func noSuchEntity(name string) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String("The role with name " + name + " cannot be found.")}
}

func (f *fakeReportAWS) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("CreateRole"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.RoleName)
	if _, ok := f.roles[name]; ok {
		return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Role " + name + " already exists.")}
	}
	if !json.Valid([]byte(aws.ToString(in.AssumeRolePolicyDocument))) {
		return nil, &iamtypes.MalformedPolicyDocumentException{Message: aws.String("bad trust policy")}
	}
	if err := checkRoleTags(in.Tags); err != nil {
		return nil, err
	}
	arn := fmt.Sprintf("arn:aws:iam::%s:role/%s", fakeReportAccount, name)
	r := &fakeReportRole{arn: arn, trust: aws.ToString(in.AssumeRolePolicyDocument), policies: map[string]string{},
		tags: map[string]string{}, createTags: slices.Clone(in.Tags)}
	for _, t := range in.Tags {
		r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.roles[name] = r
	f.log("CreateRole %s", name)
	return &iam.CreateRoleOutput{Role: &iamtypes.Role{Arn: aws.String(arn), RoleName: aws.String(name)}}, nil
}

func (f *fakeReportAWS) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, noSuchEntity(aws.ToString(in.RoleName))
	}
	var tags []iamtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(r.tags)) {
		tags = append(tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(r.tags[k])})
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{Arn: aws.String(r.arn), RoleName: in.RoleName, AssumeRolePolicyDocument: aws.String(r.trust), Tags: tags}}, nil
}

func (f *fakeReportAWS) TagRole(_ context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (*iam.TagRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("TagRole"); err != nil {
		return nil, err
	}
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, noSuchEntity(aws.ToString(in.RoleName))
	}
	if err := checkRoleTags(in.Tags); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(in.Tags))
	for _, t := range in.Tags {
		r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		keys = append(keys, aws.ToString(t.Key))
	}
	f.log("TagRole %s %v", aws.ToString(in.RoleName), keys)
	return &iam.TagRoleOutput{}, nil
}

// roleTags returns the tags of role name, and the Tags its CreateRole sent.
func (f *fakeReportAWS) roleTags(name string) (map[string]string, []iamtypes.Tag) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.roles[name]
	if r == nil {
		return nil, nil
	}
	return maps.Clone(r.tags), slices.Clone(r.createTags)
}

func (f *fakeReportAWS) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, noSuchEntity(aws.ToString(in.RoleName))
	}
	r.trust = aws.ToString(in.PolicyDocument)
	f.log("UpdateAssumeRolePolicy %s", aws.ToString(in.RoleName))
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (f *fakeReportAWS) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, noSuchEntity(aws.ToString(in.RoleName))
	}
	if !json.Valid([]byte(aws.ToString(in.PolicyDocument))) {
		return nil, &iamtypes.MalformedPolicyDocumentException{Message: aws.String("bad policy")}
	}
	r.policies[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
	f.log("PutRolePolicy %s %s", aws.ToString(in.RoleName), aws.ToString(in.PolicyName))
	return &iam.PutRolePolicyOutput{}, nil
}

func (f *fakeReportAWS) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, noSuchEntity(aws.ToString(in.RoleName))
	}
	if _, ok := r.policies[aws.ToString(in.PolicyName)]; !ok {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("policy not found")}
	}
	delete(r.policies, aws.ToString(in.PolicyName))
	f.log("DeleteRolePolicy %s %s", aws.ToString(in.RoleName), aws.ToString(in.PolicyName))
	return &iam.DeleteRolePolicyOutput{}, nil
}

func (f *fakeReportAWS) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.RoleName)
	r, ok := f.roles[name]
	if !ok {
		return nil, noSuchEntity(name)
	}
	if len(r.policies) > 0 {
		return nil, &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must delete policies first.")}
	}
	for _, s := range f.schedules {
		if aws.ToString(s.Target.RoleArn) == r.arn {
			// Not an AWS rule, but a mistake of ours: never delete a
			// role a schedule still runs as.
			return nil, &iamtypes.DeleteConflictException{Message: aws.String("role still used by schedule " + aws.ToString(s.Name))}
		}
	}
	delete(f.roles, name)
	f.log("DeleteRole %s", name)
	return &iam.DeleteRoleOutput{}, nil
}

func (f *fakeReportAWS) GetCallerIdentity(_ context.Context, _ *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if f.noAccount {
		return nil, fmt.Errorf("sts unavailable")
	}
	if f.identity != nil {
		return f.identity, nil
	}
	return &sts.GetCallerIdentityOutput{Account: aws.String(fakeReportAccount), Arn: aws.String("arn:aws:iam::" + fakeReportAccount + ":user/test")}, nil
}

// counts returns how many schedules, named queries and roles exist.
func (f *fakeReportAWS) counts() (schedules, queries, roles int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.schedules), len(f.queries), len(f.roles)
}

func (f *fakeReportAWS) queryIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.queries {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
