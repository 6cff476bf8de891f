package sweep

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
)

// The fakes: one per service, each embedding the interface (nil) so that a call the test did not expect panics,
// all writing every call as "Operation id" to one log. A call fails when the log's fail map names it.

type callLog struct {
	mu    sync.Mutex
	calls []string
	fail  map[string]error
}

func (l *callLog) call(op, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, op+" "+id)
	return l.fail[op+" "+id]
}

func (l *callLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

// index is the position of the first call that starts with prefix (-1: none).
func (l *callLog) index(prefix string) int {
	return slices.IndexFunc(l.list(), func(c string) bool { return strings.HasPrefix(c, prefix) })
}

// apiErr is an AWS API error with a code.
func apiErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code + " (fake)"} }

// fakeAccount is the account of the fakes' ARNs.
const fakeAccount = "123456789012"

type tagRow struct{ arn, run string }

type fakeTagging struct {
	TaggingAPI
	log       *callLog
	resources []tagRow
}

// GetResources honours the tag value and resource type filters and pages two at a time.
func (f *fakeTagging) GetResources(_ context.Context, in *tagging.GetResourcesInput, _ ...func(*tagging.Options)) (*tagging.GetResourcesOutput, error) {
	if err := f.log.call("GetResources", aws.ToString(in.PaginationToken)); err != nil {
		return nil, err
	}
	var match []tagRow
	for _, r := range f.resources {
		ok := len(in.TagFilters) == 1 && aws.ToString(in.TagFilters[0].Key) == TagKey &&
			(len(in.TagFilters[0].Values) == 0 || slices.Contains(in.TagFilters[0].Values, r.run))
		if len(in.ResourceTypeFilters) > 0 {
			ok = ok && slices.ContainsFunc(in.ResourceTypeFilters, func(t string) bool {
				svc, typ, _ := strings.Cut(t, ":")
				return strings.Contains(r.arn, ":"+svc+":") && strings.Contains(r.arn, ":"+typ+"/")
			})
		}
		if ok {
			match = append(match, r)
		}
	}
	start, _ := strconv.Atoi(aws.ToString(in.PaginationToken))
	end := min(start+2, len(match))
	out := &tagging.GetResourcesOutput{}
	for _, r := range match[start:end] {
		out.ResourceTagMappingList = append(out.ResourceTagMappingList, taggingtypes.ResourceTagMapping{
			ResourceARN: aws.String(r.arn),
			Tags:        []taggingtypes.Tag{{Key: aws.String("project"), Value: aws.String("refarch")}, {Key: aws.String(TagKey), Value: aws.String(r.run)}},
		})
	}
	if end < len(match) {
		out.PaginationToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

type fakeIAM struct {
	IAMAPI
	log   *callLog
	roles map[string]string // name → run ("" untagged)
}

func (f *fakeIAM) ListRoles(_ context.Context, _ *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	if err := f.log.call("ListRoles", ""); err != nil {
		return nil, err
	}
	out := &iam.ListRolesOutput{}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range f.roles {
			if !yield(n) {
				return
			}
		}
	}) {
		out.Roles = append(out.Roles, iamtypes.Role{RoleName: aws.String(name), Path: aws.String("/"), Arn: aws.String("arn:aws:iam::" + fakeAccount + ":role/" + name)})
	}
	out.Roles = append(out.Roles, iamtypes.Role{RoleName: aws.String("AWSServiceRoleForECS"), Path: aws.String("/aws-service-role/ecs.amazonaws.com/")})
	return out, nil
}

func (f *fakeIAM) ListRoleTags(_ context.Context, in *iam.ListRoleTagsInput, _ ...func(*iam.Options)) (*iam.ListRoleTagsOutput, error) {
	name := aws.ToString(in.RoleName)
	if err := f.log.call("ListRoleTags", name); err != nil {
		return nil, err
	}
	out := &iam.ListRoleTagsOutput{Tags: []iamtypes.Tag{{Key: aws.String("project"), Value: aws.String("refarch")}}}
	if run := f.roles[name]; run != "" {
		out.Tags = append(out.Tags, iamtypes.Tag{Key: aws.String(TagKey), Value: aws.String(run)})
	}
	return out, nil
}

func (f *fakeIAM) ListInstanceProfiles(_ context.Context, _ *iam.ListInstanceProfilesInput, _ ...func(*iam.Options)) (*iam.ListInstanceProfilesOutput, error) {
	return &iam.ListInstanceProfilesOutput{}, f.log.call("ListInstanceProfiles", "")
}

func (f *fakeIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}},
		f.log.call("ListAttachedRolePolicies", aws.ToString(in.RoleName))
}

func (f *fakeIAM) DetachRolePolicy(_ context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
	return &iam.DetachRolePolicyOutput{}, f.log.call("DetachRolePolicy", aws.ToString(in.RoleName))
}

func (f *fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return &iam.ListRolePoliciesOutput{PolicyNames: []string{"inline"}}, f.log.call("ListRolePolicies", aws.ToString(in.RoleName))
}

func (f *fakeIAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	return &iam.DeleteRolePolicyOutput{}, f.log.call("DeleteRolePolicy", aws.ToString(in.RoleName))
}

func (f *fakeIAM) ListInstanceProfilesForRole(_ context.Context, in *iam.ListInstanceProfilesForRoleInput, _ ...func(*iam.Options)) (*iam.ListInstanceProfilesForRoleOutput, error) {
	return &iam.ListInstanceProfilesForRoleOutput{}, f.log.call("ListInstanceProfilesForRole", aws.ToString(in.RoleName))
}

func (f *fakeIAM) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	return &iam.DeleteRoleOutput{}, f.log.call("DeleteRole", aws.ToString(in.RoleName))
}

type fakeAutoScaling struct {
	AutoScalingAPI
	log    *callLog
	mu     sync.Mutex
	groups map[string]string // name → launch template id
}

func (f *fakeAutoScaling) DescribeAutoScalingGroups(_ context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	if err := f.log.call("DescribeAutoScalingGroups", strings.Join(in.AutoScalingGroupNames, ",")); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &autoscaling.DescribeAutoScalingGroupsOutput{}
	for name, lt := range f.groups {
		if len(in.AutoScalingGroupNames) > 0 && !slices.Contains(in.AutoScalingGroupNames, name) {
			continue
		}
		out.AutoScalingGroups = append(out.AutoScalingGroups, astypes.AutoScalingGroup{
			AutoScalingGroupName: aws.String(name), AutoScalingGroupARN: aws.String("arn:aws:autoscaling:eu-west-1:" + fakeAccount + ":autoScalingGroup:uuid:autoScalingGroupName/" + name),
			LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt)},
		})
	}
	return out, nil
}

func (f *fakeAutoScaling) DeleteAutoScalingGroup(_ context.Context, in *autoscaling.DeleteAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	if err := f.log.call("DeleteAutoScalingGroup", name); err != nil {
		return nil, err
	}
	if !aws.ToBool(in.ForceDelete) {
		return nil, errors.New("want ForceDelete")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.groups, name)
	return &autoscaling.DeleteAutoScalingGroupOutput{}, nil
}

type fakeCloudFront struct {
	CloudFrontAPI
	log     *callLog
	mu      sync.Mutex
	enabled map[string]bool
}

func (f *fakeCloudFront) GetDistributionConfig(_ context.Context, in *cloudfront.GetDistributionConfigInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error) {
	id := aws.ToString(in.Id)
	if err := f.log.call("GetDistributionConfig", id); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return &cloudfront.GetDistributionConfigOutput{ETag: aws.String("E1"), DistributionConfig: &cftypes.DistributionConfig{Enabled: aws.Bool(f.enabled[id])}}, nil
}

func (f *fakeCloudFront) UpdateDistribution(_ context.Context, in *cloudfront.UpdateDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error) {
	id := aws.ToString(in.Id)
	if err := f.log.call("UpdateDistribution", id); err != nil {
		return nil, err
	}
	if aws.ToString(in.IfMatch) != "E1" {
		return nil, apiErr("PreconditionFailed")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enabled[id] = aws.ToBool(in.DistributionConfig.Enabled)
	return &cloudfront.UpdateDistributionOutput{}, nil
}

// GetDistribution is what the DistributionDeployed waiter polls: deployed at once.
func (f *fakeCloudFront) GetDistribution(_ context.Context, in *cloudfront.GetDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error) {
	id := aws.ToString(in.Id)
	if err := f.log.call("GetDistribution", id); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return &cloudfront.GetDistributionOutput{ETag: aws.String("E2"), Distribution: &cftypes.Distribution{
		Status: aws.String("Deployed"), DistributionConfig: &cftypes.DistributionConfig{Enabled: aws.Bool(f.enabled[id])},
	}}, nil
}

func (f *fakeCloudFront) DeleteDistribution(_ context.Context, in *cloudfront.DeleteDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.DeleteDistributionOutput, error) {
	if aws.ToString(in.IfMatch) != "E2" {
		return nil, apiErr("PreconditionFailed")
	}
	return &cloudfront.DeleteDistributionOutput{}, f.log.call("DeleteDistribution", aws.ToString(in.Id))
}

type fakeLambda struct {
	LambdaAPI
	log *callLog
}

func (f *fakeLambda) ListEventSourceMappings(_ context.Context, in *lambda.ListEventSourceMappingsInput, _ ...func(*lambda.Options)) (*lambda.ListEventSourceMappingsOutput, error) {
	return &lambda.ListEventSourceMappingsOutput{}, f.log.call("ListEventSourceMappings", aws.ToString(in.FunctionName))
}

func (f *fakeLambda) DeleteFunction(_ context.Context, in *lambda.DeleteFunctionInput, _ ...func(*lambda.Options)) (*lambda.DeleteFunctionOutput, error) {
	return &lambda.DeleteFunctionOutput{}, f.log.call("DeleteFunction", aws.ToString(in.FunctionName))
}

type fakeS3 struct {
	S3API
	log *callLog
}

// ListObjectVersions returns one version and one delete marker.
func (f *fakeS3) ListObjectVersions(_ context.Context, in *s3.ListObjectVersionsInput, _ ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	return &s3.ListObjectVersionsOutput{
		Versions:      []s3types.ObjectVersion{{Key: aws.String("k"), VersionId: aws.String("v1")}},
		DeleteMarkers: []s3types.DeleteMarkerEntry{{Key: aws.String("k"), VersionId: aws.String("v2")}},
	}, f.log.call("ListObjectVersions", aws.ToString(in.Bucket))
}

func (f *fakeS3) DeleteObjects(_ context.Context, in *s3.DeleteObjectsInput, _ ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	if n := len(in.Delete.Objects); n != 2 {
		return nil, fmt.Errorf("DeleteObjects of %d objects, want the version and the delete marker", n)
	}
	return &s3.DeleteObjectsOutput{}, f.log.call("DeleteObjects", aws.ToString(in.Bucket))
}

func (f *fakeS3) DeleteBucket(_ context.Context, in *s3.DeleteBucketInput, _ ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	return &s3.DeleteBucketOutput{}, f.log.call("DeleteBucket", aws.ToString(in.Bucket))
}

type fakeSQS struct {
	SQSAPI
	log *callLog
}

func (f *fakeSQS) GetQueueUrl(_ context.Context, in *sqs.GetQueueUrlInput, _ ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	if aws.ToString(in.QueueOwnerAWSAccountId) != fakeAccount {
		return nil, errors.New("want the queue owner from the ARN")
	}
	return &sqs.GetQueueUrlOutput{QueueUrl: aws.String("https://sqs/" + aws.ToString(in.QueueName))}, f.log.call("GetQueueUrl", aws.ToString(in.QueueName))
}

func (f *fakeSQS) DeleteQueue(_ context.Context, in *sqs.DeleteQueueInput, _ ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error) {
	return &sqs.DeleteQueueOutput{}, f.log.call("DeleteQueue", aws.ToString(in.QueueUrl))
}

type fakeLogs struct {
	LogsAPI
	log *callLog
}

func (f *fakeLogs) DeleteLogGroup(_ context.Context, in *cloudwatchlogs.DeleteLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
	return &cloudwatchlogs.DeleteLogGroupOutput{}, f.log.call("DeleteLogGroup", aws.ToString(in.LogGroupName))
}

type fakeEC2 struct {
	EC2API
	log *callLog
}

func (f *fakeEC2) DeleteLaunchTemplate(_ context.Context, in *ec2.DeleteLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error) {
	return &ec2.DeleteLaunchTemplateOutput{}, f.log.call("DeleteLaunchTemplate", aws.ToString(in.LaunchTemplateId))
}

func (f *fakeEC2) DeleteNatGateway(_ context.Context, in *ec2.DeleteNatGatewayInput, _ ...func(*ec2.Options)) (*ec2.DeleteNatGatewayOutput, error) {
	return &ec2.DeleteNatGatewayOutput{}, f.log.call("DeleteNatGateway", aws.ToString(in.NatGatewayId))
}

// DescribeNatGateways is what the NatGatewayDeleted waiter polls: deleted at once.
func (f *fakeEC2) DescribeNatGateways(_ context.Context, in *ec2.DescribeNatGatewaysInput, _ ...func(*ec2.Options)) (*ec2.DescribeNatGatewaysOutput, error) {
	return &ec2.DescribeNatGatewaysOutput{NatGateways: []ec2types.NatGateway{{NatGatewayId: aws.String(in.NatGatewayIds[0]), State: ec2types.NatGatewayStateDeleted}}},
		f.log.call("DescribeNatGateways", in.NatGatewayIds[0])
}

func (f *fakeEC2) ReleaseAddress(_ context.Context, in *ec2.ReleaseAddressInput, _ ...func(*ec2.Options)) (*ec2.ReleaseAddressOutput, error) {
	return &ec2.ReleaseAddressOutput{}, f.log.call("ReleaseAddress", aws.ToString(in.AllocationId))
}

func (f *fakeEC2) DeleteSubnet(_ context.Context, in *ec2.DeleteSubnetInput, _ ...func(*ec2.Options)) (*ec2.DeleteSubnetOutput, error) {
	return &ec2.DeleteSubnetOutput{}, f.log.call("DeleteSubnet", aws.ToString(in.SubnetId))
}

func (f *fakeEC2) DeleteVpc(_ context.Context, in *ec2.DeleteVpcInput, _ ...func(*ec2.Options)) (*ec2.DeleteVpcOutput, error) {
	return &ec2.DeleteVpcOutput{}, f.log.call("DeleteVpc", aws.ToString(in.VpcId))
}

// account is a fake AWS account: what is tagged in each region, the IAM roles and the Auto Scaling groups.
type account struct {
	log     *callLog
	regions map[string]*Clients
}

func newAccount(t *testing.T, resources map[string][]tagRow, roles map[string]string, groups map[string]string) *account {
	t.Helper()
	log := &callLog{fail: map[string]error{}}
	a := &account{log: log, regions: map[string]*Clients{}}
	cf := &fakeCloudFront{log: log, enabled: map[string]bool{}}
	iamc := &fakeIAM{log: log, roles: roles}
	for region, rs := range resources {
		for _, r := range rs {
			if strings.Contains(r.arn, ":distribution/") {
				cf.enabled[r.arn[strings.LastIndex(r.arn, "/")+1:]] = true
			}
		}
		regionGroups := map[string]string{} // the groups are in eu-west-1
		if region == "eu-west-1" && groups != nil {
			regionGroups = groups
		}
		a.regions[region] = &Clients{
			Tagging:     &fakeTagging{log: log, resources: rs},
			IAM:         iamc,
			CloudFront:  cf,
			AutoScaling: &fakeAutoScaling{log: log, groups: regionGroups},
			Lambda:      &fakeLambda{log: log},
			S3:          &fakeS3{log: log},
			SQS:         &fakeSQS{log: log},
			Logs:        &fakeLogs{log: log},
			EC2:         &fakeEC2{log: log},
		}
	}
	return a
}

func (a *account) clients(t *testing.T) ClientsFor {
	return func(region string) *Clients {
		c, ok := a.regions[region]
		if !ok {
			t.Fatalf("the sweep asked for clients of region %q, which the test has none for", region)
		}
		return c
	}
}

// fakeNow is the sweeps' clock.
var fakeNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func arnIn(region, svc, res string) string {
	return "arn:aws:" + svc + ":" + region + ":" + fakeAccount + ":" + res
}

// leftovers is what a failed run of two hours ago left in eu-west-1, with its distribution in us-east-1: a function
// and its role and logs, a bucket behind the distribution, a queue, an Auto Scaling group on a launch template, and
// a VPC with a subnet, a NAT gateway and its Elastic IP.
func leftovers(run string) map[string][]tagRow {
	eu := func(svc, res string) tagRow { return tagRow{arnIn("eu-west-1", svc, res), run} }
	return map[string][]tagRow{
		"eu-west-1": {
			eu("ec2", "vpc/vpc-1"), eu("ec2", "subnet/subnet-1"), eu("ec2", "elastic-ip/eipalloc-1"), eu("ec2", "natgateway/nat-1"),
			{"arn:aws:s3:::site-bucket", run}, eu("logs", "log-group:/aws/lambda/fn:*"), eu("lambda", "function:fn"),
			eu("sqs", "queue-1"), eu("ec2", "launch-template/lt-1"),
			eu("apigateway", "/restapis/abc/stages/v1"), // deleted with its API: never on its own
		},
		"us-east-1": {{"arn:aws:cloudfront::" + fakeAccount + ":distribution/EDIST", run}},
	}
}

// TestSweepDeletesDependentsFirst: every leftover is deleted, each before what it depends on.
func TestSweepDeletesDependentsFirst(t *testing.T) {
	run := NewRun(fakeNow.Add(-2 * time.Hour))
	a := newAccount(t, leftovers(run), map[string]string{"fn-role": run, "someone-elses": ""}, map[string]string{"app-asg": "lt-1"})
	rep := Sweep(context.Background(), a.clients(t), Options{Regions: []string{"eu-west-1"}, OlderThan: time.Hour, Now: func() time.Time { return fakeNow }})
	if err := rep.Err(); err != nil {
		t.Fatalf("%v\n%v", err, rep.Results)
	}
	if got, want := rep.Count(Deleted), 12; got != want {
		t.Errorf("%d deleted, want %d (10 tagged but the stage, the role and the group): %v", got, want, rep.Results)
	}
	for _, order := range [][2]string{
		{"UpdateDistribution EDIST", "DeleteDistribution EDIST"},  // disabled, then deleted once deployed
		{"DeleteDistribution EDIST", "DeleteBucket site-bucket"},  // the distribution before its origin
		{"DeleteObjects site-bucket", "DeleteBucket site-bucket"}, // emptied first
		{"DeleteFunction fn", "DeleteLogGroup /aws/lambda/fn"},    // else the function writes it again
		{"DeleteFunction fn", "DeleteQueue"},
		{"DeleteFunction fn", "DeleteRole fn-role"},
		{"DetachRolePolicy fn-role", "DeleteRole fn-role"},
		{"DeleteRolePolicy fn-role", "DeleteRole fn-role"},
		{"DeleteAutoScalingGroup app-asg", "DeleteLaunchTemplate lt-1"},
		{"DeleteAutoScalingGroup app-asg", "DeleteSubnet subnet-1"},
		{"DeleteNatGateway nat-1", "DescribeNatGateways nat-1"}, // waited for
		{"DescribeNatGateways nat-1", "ReleaseAddress eipalloc-1"},
		{"DeleteSubnet subnet-1", "DeleteVpc vpc-1"},
		{"ReleaseAddress eipalloc-1", "DeleteVpc vpc-1"},
	} {
		first, then := a.log.index(order[0]), a.log.index(order[1])
		if first < 0 || then < 0 || first > then {
			t.Errorf("want %q before %q; calls:\n%s", order[0], order[1], strings.Join(a.log.list(), "\n"))
		}
	}
	for _, never := range []string{"DeleteRole someone-elses", "DeleteRole AWSServiceRoleForECS", "ListRoleTags AWSServiceRoleForECS"} {
		if a.log.index(never) >= 0 {
			t.Errorf("called %s", never)
		}
	}
}

// TestSweepSparesYoungRuns: -older-than spares runs that may still be going, and run ids without a start time unless
// named.
func TestSweepSparesYoungRuns(t *testing.T) {
	old, young := NewRun(fakeNow.Add(-90*time.Minute)), NewRun(fakeNow.Add(-10*time.Minute))
	resources := map[string][]tagRow{"eu-west-1": {
		{"arn:aws:s3:::old-bucket", old}, {"arn:aws:s3:::young-bucket", young}, {"arn:aws:s3:::by-hand-bucket", "nightly-42"},
	}, "us-east-1": nil}
	now := func() time.Time { return fakeNow }

	a := newAccount(t, resources, map[string]string{}, nil)
	rep := Sweep(context.Background(), a.clients(t), Options{Regions: []string{"eu-west-1"}, OlderThan: time.Hour, Now: now})
	if a.log.index("DeleteBucket old-bucket") < 0 || a.log.index("DeleteBucket young-bucket") >= 0 || a.log.index("DeleteBucket by-hand-bucket") >= 0 {
		t.Errorf("with -older-than 1h, want only old-bucket deleted; calls: %v", a.log.list())
	}
	if rep.Count(Skipped) != 2 || rep.Err() != nil {
		t.Errorf("want 2 skipped and no error: %v", rep.Results)
	}
	for _, r := range rep.Results {
		if r.Outcome == Skipped && !strings.Contains(r.Detail, "may still be running") && !strings.Contains(r.Detail, "no start time") {
			t.Errorf("skipped without saying why: %v", r)
		}
	}

	// Named with -run, the hand-made id is swept; the tag filter keeps the others out.
	a = newAccount(t, resources, map[string]string{}, nil)
	Sweep(context.Background(), a.clients(t), Options{Regions: []string{"eu-west-1"}, Run: "nightly-42", OlderThan: time.Hour, Now: now})
	if a.log.index("DeleteBucket by-hand-bucket") < 0 || a.log.index("DeleteBucket old-bucket") >= 0 {
		t.Errorf("-run nightly-42: want only its bucket deleted; calls: %v", a.log.list())
	}

	// -older-than 0 sweeps everything.
	a = newAccount(t, resources, map[string]string{}, nil)
	if rep := Sweep(context.Background(), a.clients(t), Options{Regions: []string{"eu-west-1"}, Now: now}); rep.Count(Deleted) != 3 {
		t.Errorf("-older-than 0: want 3 deleted: %v", rep.Results)
	}
}

// TestSweepDryRunDeletesNothing: a dry run only lists, and reports what it would delete in the order it would.
func TestSweepDryRunDeletesNothing(t *testing.T) {
	run := NewRun(fakeNow.Add(-2 * time.Hour))
	a := newAccount(t, leftovers(run), map[string]string{"fn-role": run}, map[string]string{"app-asg": "lt-1"})
	rep := Sweep(context.Background(), a.clients(t), Options{Regions: []string{"eu-west-1"}, OlderThan: time.Hour, DryRun: true, Now: func() time.Time { return fakeNow }})
	listings := []string{"GetResources", "DescribeAutoScalingGroups", "ListRoles", "ListRoleTags", "ListInstanceProfiles"}
	for _, c := range a.log.list() {
		op, _, _ := strings.Cut(c, " ")
		if !slices.Contains(listings, op) {
			t.Errorf("dry run called %s", c)
		}
	}
	if rep.Count(WouldDelete) != 12 || rep.Count(Deleted) != 0 || rep.Err() != nil {
		t.Errorf("want 12 would-deletes and nothing else: %v", rep.Results)
	}
	var order []string
	for _, r := range rep.Results {
		order = append(order, r.Resource.Kind)
	}
	if i, j := slices.Index(order, "cloudfront:distribution"), slices.Index(order, "iam:role"); i != 0 || j != len(order)-1 {
		t.Errorf("dry run order %v: want the distribution first and the role last", order)
	}
}

// TestSweepGoesOnAfterAFailure: a failed deletion is reported with its error, skips that resource's later steps, and
// the others are still deleted; the report's error (the exit status) says so.
func TestSweepGoesOnAfterAFailure(t *testing.T) {
	run := NewRun(fakeNow.Add(-2 * time.Hour))
	a := newAccount(t, leftovers(run), map[string]string{"fn-role": run}, map[string]string{"app-asg": "lt-1"})
	a.log.fail["DeleteBucket site-bucket"] = apiErr("AccessDenied")
	a.log.fail["UpdateDistribution EDIST"] = apiErr("AccessDenied")
	a.log.fail["DeleteQueue https://sqs/queue-1"] = apiErr("AWS.SimpleQueueService.NonExistentQueue") // gone already: fine
	rep := Sweep(context.Background(), a.clients(t), Options{Regions: []string{"eu-west-1"}, OlderThan: time.Hour, Now: func() time.Time { return fakeNow }})

	if rep.Err() == nil {
		t.Fatal("Err() = nil after failed deletions")
	}
	failed := map[string]Result{}
	for _, r := range rep.Results {
		if r.Outcome == Failed {
			failed[r.Resource.ID] = r
		}
	}
	if len(failed) != 2 || failed["site-bucket"].Err == nil || failed["EDIST"].Detail != "disable" {
		t.Errorf("want the bucket and the distribution (at disable) failed: %v", rep.Results)
	}
	if !strings.Contains(failed["site-bucket"].String(), "AccessDenied") {
		t.Errorf("the failure does not say why: %s", failed["site-bucket"])
	}
	if a.log.index("DeleteDistribution") >= 0 || a.log.index("GetDistribution ") >= 0 {
		t.Error("the distribution's delete step ran after its disable step failed")
	}
	if rep.Count(Deleted) != 10 || a.log.index("DeleteVpc vpc-1") < 0 || a.log.index("DeleteRole fn-role") < 0 {
		t.Errorf("want the 10 others deleted (the queue was already gone): %v", rep.Results)
	}
}

// TestSweepReportsWhatItCannotDelete: a tagged resource of a kind without a deleter is reported and fails the sweep;
// a failed listing too.
func TestSweepReportsWhatItCannotDelete(t *testing.T) {
	run := NewRun(fakeNow.Add(-2 * time.Hour))
	a := newAccount(t, map[string][]tagRow{"eu-west-1": {{arnIn("eu-west-1", "ec2", "volume/vol-1"), run}}, "us-east-1": nil}, map[string]string{}, nil)
	a.log.fail["ListRoles "] = apiErr("AccessDenied")
	rep := Sweep(context.Background(), a.clients(t), Options{Regions: []string{"eu-west-1"}, Now: func() time.Time { return fakeNow }})
	if rep.Count(Unsupported) != 1 || rep.Count(Failed) != 1 || rep.Err() == nil {
		t.Errorf("want the volume unsupported and the role listing failed: %v", rep.Results)
	}
}

func TestParseARN(t *testing.T) {
	for arn, want := range map[string][2]string{
		"arn:aws:s3:::b":                                                            {"s3:bucket", "b"},
		"arn:aws:sqs:eu-west-1:1:q":                                                 {"sqs:queue", "q"},
		"arn:aws:sns:eu-west-1:1:t":                                                 {"sns:topic", "arn:aws:sns:eu-west-1:1:t"},
		"arn:aws:lambda:eu-west-1:1:function:fn":                                    {"lambda:function", "fn"},
		"arn:aws:logs:eu-west-1:1:log-group:/aws/x:*":                               {"logs:log-group", "/aws/x"},
		"arn:aws:logs:eu-west-1:1:log-group:/aws/y":                                 {"logs:log-group", "/aws/y"},
		"arn:aws:apigateway:eu-west-1::/restapis/a1":                                {"apigateway:restapis", "a1"},
		"arn:aws:apigateway:eu-west-1::/restapis/a1/stages/v1":                      {"apigateway:restapis/stages", "a1"},
		"arn:aws:ecs:eu-west-1:1:service/c/s":                                       {"ecs:service", "c/s"},
		"arn:aws:ecs:eu-west-1:1:task-definition/fam:3":                             {"ecs:task-definition", "fam:3"},
		"arn:aws:rds:eu-west-1:1:db:d":                                              {"rds:db", "d"},
		"arn:aws:elasticache:eu-west-1:1:replicationgroup:rg":                       {"elasticache:replicationgroup", "rg"},
		"arn:aws:ec2:eu-west-1:1:security-group/sg-1":                               {"ec2:security-group", "sg-1"},
		"arn:aws:dynamodb:eu-west-1:1:table/t":                                      {"dynamodb:table", "t"},
		"arn:aws:cloudfront::1:distribution/E1":                                     {"cloudfront:distribution", "E1"},
		"arn:aws:kms:eu-west-1:1:key/k":                                             {"kms:key", "k"},
		"arn:aws:iam::1:role/svc/r":                                                 {"iam:role", "r"},
		"arn:aws:elasticfilesystem:eu-west-1:1:file-system/fs-1":                    {"elasticfilesystem:file-system", "fs-1"},
		"arn:aws:autoscaling:eu-west-1:1:autoScalingGroup:u:autoScalingGroupName/g": {"autoscaling:autoScalingGroup", "g"},
		"arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/a/1":             {"elasticloadbalancing:loadbalancer", "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/a/1"},
		"arn:aws:secretsmanager:eu-west-1:1:secret:s-AbC":                           {"secretsmanager:secret", "arn:aws:secretsmanager:eu-west-1:1:secret:s-AbC"},
	} {
		r, err := parseARN(arn, "eu-west-1", "run")
		if err != nil || r.Kind != want[0] || r.ID != want[1] {
			t.Errorf("parseARN(%s) = %s %q, %v; want %s %q", arn, r.Kind, r.ID, err, want[0], want[1])
		}
	}
	if _, err := parseARN("not-an-arn", "eu-west-1", "run"); err == nil {
		t.Error("parseARN(not-an-arn): no error")
	}
}

// TestStepsCoverTheArchitectures: the steps delete every taggable kind the examples and fixtures create, and no kind
// is both deleted on its own and with a parent.
func TestStepsCoverTheArchitectures(t *testing.T) {
	kinds := map[string]bool{}
	for _, s := range steps() {
		kinds[s.kind] = true
		if childOf(s.kind) != "" {
			t.Errorf("%s is both deleted on its own and with a parent", s.kind)
		}
	}
	// What the examples and fixtures create (tools/aws-services.txt) that can be tagged.
	for _, k := range []string{"cloudfront:distribution", "lambda:function", "apigateway:restapis", "dynamodb:table",
		"s3:bucket", "sqs:queue", "sns:topic", "kinesis:stream", "firehose:deliverystream", "ecs:service", "ecs:cluster",
		"autoscaling:autoScalingGroup", "elasticloadbalancing:loadbalancer", "elasticloadbalancing:targetgroup", "rds:db",
		"elasticache:replicationgroup", "dax:cache", "cognito-idp:userpool", "cognito-identity:identitypool", "iam:role",
		"kms:key", "logs:log-group", "ec2:vpc", "ec2:subnet", "ec2:natgateway", "ec2:security-group", "ec2:vpc-endpoint",
		"elasticfilesystem:file-system", "secretsmanager:secret", "athena:workgroup", "glue:database", "iot:rule"} {
		if !kinds[k] {
			t.Errorf("no step deletes %s", k)
		}
	}
}

// TestNewRun: a run id carries its start time, to the second; any other value none.
func TestNewRun(t *testing.T) {
	run := NewRun(time.Date(2026, 12, 1, 10, 15, 0, 500, time.FixedZone("CET", 3600)))
	if !strings.HasPrefix(run, "20261201T091500Z-") || len(run) != len("20261201T091500Z-")+8 {
		t.Fatalf("NewRun = %q", run)
	}
	if started, ok := RunStarted(run); !ok || !started.Equal(time.Date(2026, 12, 1, 9, 15, 0, 0, time.UTC)) {
		t.Errorf("RunStarted(%q) = %v, %v", run, started, ok)
	}
	if a, b := NewRun(fakeNow), NewRun(fakeNow); a == b {
		t.Error("two runs started in the same second have the same id")
	}
	for _, v := range []string{"", "nightly-42", "2026-12-01"} {
		if _, ok := RunStarted(v); ok {
			t.Errorf("RunStarted(%q) found a start time", v)
		}
	}
}
