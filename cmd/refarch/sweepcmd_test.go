package main

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/refarch/terraform-provider-refarch/internal/sweep"
)

// A fake account with one leftover bucket; DeleteBucket fails when deny is set. Unexpected calls panic (nil
// embedded interfaces).
type sweepFakeTagging struct {
	sweep.TaggingAPI
	run string
}

func (f sweepFakeTagging) GetResources(context.Context, *tagging.GetResourcesInput, ...func(*tagging.Options)) (*tagging.GetResourcesOutput, error) {
	return &tagging.GetResourcesOutput{ResourceTagMappingList: []taggingtypes.ResourceTagMapping{{
		ResourceARN: aws.String("arn:aws:s3:::leftover"), Tags: []taggingtypes.Tag{{Key: aws.String(sweep.TagKey), Value: aws.String(f.run)}},
	}}}, nil
}

type sweepFakeIAM struct{ sweep.IAMAPI }

func (sweepFakeIAM) ListRoles(context.Context, *iam.ListRolesInput, ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	return &iam.ListRolesOutput{}, nil
}

func (sweepFakeIAM) ListInstanceProfiles(context.Context, *iam.ListInstanceProfilesInput, ...func(*iam.Options)) (*iam.ListInstanceProfilesOutput, error) {
	return &iam.ListInstanceProfilesOutput{}, nil
}

type sweepFakeAutoScaling struct{ sweep.AutoScalingAPI }

func (sweepFakeAutoScaling) DescribeAutoScalingGroups(context.Context, *autoscaling.DescribeAutoScalingGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	return &autoscaling.DescribeAutoScalingGroupsOutput{}, nil
}

type sweepFakeS3 struct {
	sweep.S3API
	deny    bool
	deleted *bool
}

func (sweepFakeS3) ListObjectVersions(context.Context, *s3.ListObjectVersionsInput, ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	return &s3.ListObjectVersionsOutput{}, nil
}

func (f sweepFakeS3) DeleteBucket(context.Context, *s3.DeleteBucketInput, ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	if f.deny {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "denied (fake)"}
	}
	*f.deleted = true
	return &s3.DeleteBucketOutput{}, nil
}

func fakeConnect(run string, deny bool, deleted *bool) func(context.Context) (sweep.ClientsFor, error) {
	return func(context.Context) (sweep.ClientsFor, error) {
		return func(string) *sweep.Clients {
			return &sweep.Clients{Tagging: sweepFakeTagging{run: run}, IAM: sweepFakeIAM{}, AutoScaling: sweepFakeAutoScaling{},
				S3: sweepFakeS3{deny: deny, deleted: deleted}}
		}, nil
	}
}

// TestSweepExitStatus: `refarch sweep` is a dry run by default, deletes with --dry-run=false, exits 1 when a
// deletion failed and 2 on bad usage — before connecting.
func TestSweepExitStatus(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	old := sweep.NewRun(time.Now().Add(-2 * time.Hour))
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		args        []string
		deny        bool
		want        int
		wantDeleted bool
	}{
		{"dry run by default", []string{"--region", "eu-west-1"}, false, exitOK, false},
		{"deletes", []string{"--region", "eu-west-1", "--dry-run=false"}, false, exitOK, true},
		{"a failed deletion", []string{"-region=eu-west-1,us-east-1", "-dry-run=false", "-run", old}, true, exitFailed, false},
		{"too young", []string{"--region", "eu-west-1", "--dry-run=false", "--older-than", "3h"}, false, exitOK, false},
		{"no region", nil, false, exitUsage, false},
		{"bad duration", []string{"--region", "eu-west-1", "--older-than", "soon"}, false, exitUsage, false},
		{"unknown flag", []string{"--region", "eu-west-1", "--force"}, false, exitUsage, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			deleted := false
			connect := fakeConnect(old, tc.deny, &deleted)
			if tc.want == exitUsage {
				connect = func(context.Context) (sweep.ClientsFor, error) { return nil, errors.New("connected on bad usage") }
			}
			if got := exitCode(sweepCmd(ctx, tc.args, connect), false, io.Discard, io.Discard); got != tc.want || deleted != tc.wantDeleted {
				t.Errorf("refarch sweep %v: exit %d, bucket deleted %v; want %d, %v", tc.args, got, deleted, tc.want, tc.wantDeleted)
			}
		})
	}
}
