package sweep

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/smithy-go"
)

// find lists the tagged resources of every region and the global ones, each once; a listing that fails is emitted
// as a Failed result (the sweep goes on with what the others found).
func find(ctx context.Context, clients ClientsFor, o Options, emit func(Result)) []Resource {
	var all []Resource
	add := func(rs []Resource, err error, what string) {
		all = append(all, rs...)
		if err != nil {
			emit(Result{Outcome: Failed, Detail: "listing " + what, Err: err})
		}
	}
	regions := slices.Compact(slices.Sorted(slices.Values(o.Regions)))
	for _, region := range regions {
		c := clients(region)
		rs, err := tagged(ctx, c.Tagging, region, o.Run, nil)
		add(rs, err, "tagged resources in "+region)
		groups, err := templateGroups(ctx, c.AutoScaling, region, o.Run, rs)
		add(groups, err, "Auto Scaling groups in "+region)
	}
	if !slices.Contains(regions, globalRegion) {
		// CloudFront's resources are listed in us-east-1 only.
		rs, err := tagged(ctx, clients(globalRegion).Tagging, globalRegion, o.Run, []string{"cloudfront:distribution"})
		add(rs, err, "CloudFront distributions (us-east-1)")
	}
	iamc := clients(globalRegion).IAM
	rs, err := taggedRoles(ctx, iamc, o.Run)
	add(rs, err, "IAM roles")
	rs, err = taggedInstanceProfiles(ctx, iamc, o.Run)
	add(rs, err, "IAM instance profiles")

	seen := map[string]bool{}
	return slices.DeleteFunc(all, func(r Resource) bool {
		dup := seen[r.ARN]
		seen[r.ARN] = true
		return dup
	})
}

// tagged lists the resources of a region with the tag (of the run, or any run), optionally of some types only.
func tagged(ctx context.Context, c TaggingAPI, region, run string, types []string) ([]Resource, error) {
	filter := taggingtypes.TagFilter{Key: aws.String(TagKey)}
	if run != "" {
		filter.Values = []string{run}
	}
	p := tagging.NewGetResourcesPaginator(c, &tagging.GetResourcesInput{
		TagFilters:          []taggingtypes.TagFilter{filter},
		ResourceTypeFilters: types,
		ResourcesPerPage:    aws.Int32(100),
	})
	var out []Resource
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, err
		}
		for _, m := range page.ResourceTagMappingList {
			value := ""
			for _, t := range m.Tags {
				if aws.ToString(t.Key) == TagKey {
					value = aws.ToString(t.Value)
				}
			}
			r, err := parseARN(aws.ToString(m.ResourceARN), region, value)
			if err != nil {
				return out, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// parseARN makes a Resource of a tagged ARN: Kind is the service and the resource type, ID what the service's
// delete call takes.
func parseARN(s, region, run string) (Resource, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return Resource{}, fmt.Errorf("tagged resource %q: %w", s, err)
	}
	r := Resource{ARN: s, Region: region, Run: run}
	if a.Region == "" && a.Service == "iam" {
		r.Region = "global"
	}
	res := a.Resource
	typ, id := "", res
	switch a.Service {
	case "s3":
		typ = "bucket"
	case "sqs":
		typ = "queue"
	case "sns":
		typ, id = "topic", s
	case "apigateway": // /restapis/<id> and /restapis/<id>/stages/<stage>
		parts := strings.Split(strings.TrimPrefix(res, "/"), "/")
		typ = parts[0]
		if len(parts) > 1 {
			id = parts[1]
		}
		if len(parts) > 2 {
			typ += "/" + parts[2]
		}
	case "autoscaling": // autoScalingGroup:<uuid>:autoScalingGroupName/<name>
		typ, _, _ = strings.Cut(res, ":")
		_, id, _ = strings.Cut(res, "autoScalingGroupName/")
	case "iam": // role/<path>/<name>
		typ, _, _ = strings.Cut(res, "/")
		id = res[strings.LastIndex(res, "/")+1:]
	default: // <type>/<id> or <type>:<id>
		i := strings.IndexAny(res, "/:")
		if i < 0 {
			return Resource{}, fmt.Errorf("tagged resource %q: no resource type in the ARN", s)
		}
		typ, id = res[:i], res[i+1:]
	}
	switch a.Service + ":" + typ {
	case "logs:log-group":
		id = strings.TrimSuffix(id, ":*")
	case "secretsmanager:secret", "elasticloadbalancing:loadbalancer", "elasticloadbalancing:targetgroup",
		"application-autoscaling:scalable-target":
		id = s // these calls take the ARN
	}
	r.Kind, r.ID = a.Service+":"+typ, id
	return r, nil
}

// templateGroups finds the Auto Scaling groups that launch from one of the tagged launch templates (the AWS provider's
// default_tags do not tag groups) or carry the tag themselves.
func templateGroups(ctx context.Context, c AutoScalingAPI, region, run string, rs []Resource) ([]Resource, error) {
	templates := map[string]string{} // launch template id → run
	for _, r := range rs {
		if r.Kind == "ec2:launch-template" {
			templates[r.ID] = r.Run
		}
	}
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(c, &autoscaling.DescribeAutoScalingGroupsInput{})
	var out []Resource
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, err
		}
		for _, g := range page.AutoScalingGroups {
			value, ok := groupRun(g, templates)
			if !ok || (run != "" && value != run) {
				continue
			}
			out = append(out, Resource{ARN: aws.ToString(g.AutoScalingGroupARN), Region: region,
				Kind: "autoscaling:autoScalingGroup", ID: aws.ToString(g.AutoScalingGroupName), Run: value})
		}
	}
	return out, nil
}

// groupRun is the run of a group: its own tag, or its launch template's.
func groupRun(g astypes.AutoScalingGroup, templates map[string]string) (string, bool) {
	for _, t := range g.Tags {
		if aws.ToString(t.Key) == TagKey {
			return aws.ToString(t.Value), true
		}
	}
	var spec *astypes.LaunchTemplateSpecification
	switch {
	case g.LaunchTemplate != nil:
		spec = g.LaunchTemplate
	case g.MixedInstancesPolicy != nil && g.MixedInstancesPolicy.LaunchTemplate != nil:
		spec = g.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification
	}
	if spec == nil {
		return "", false
	}
	run, ok := templates[aws.ToString(spec.LaunchTemplateId)]
	return run, ok
}

// iamEntity is a role or an instance profile: its name and ARN.
type iamEntity struct{ name, arn string }

// taggedRoles lists the IAM roles with the tag (ListRoles returns no tags: ListRoleTags for each role).
func taggedRoles(ctx context.Context, c IAMAPI, run string) ([]Resource, error) {
	var roles []iamEntity
	p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Roles {
			if !strings.HasPrefix(aws.ToString(r.Path), "/aws-service-role/") { // service-linked: AWS's, never a test's
				roles = append(roles, iamEntity{aws.ToString(r.RoleName), aws.ToString(r.Arn)})
			}
		}
	}
	return taggedIAM(run, "iam:role", roles, func(name string) ([]iamtypes.Tag, error) {
		var tags []iamtypes.Tag
		p := iam.NewListRoleTagsPaginator(c, &iam.ListRoleTagsInput{RoleName: aws.String(name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			tags = append(tags, page.Tags...)
		}
		return tags, nil
	})
}

// taggedInstanceProfiles lists the IAM instance profiles with the tag.
func taggedInstanceProfiles(ctx context.Context, c IAMAPI, run string) ([]Resource, error) {
	var profiles []iamEntity
	p := iam.NewListInstanceProfilesPaginator(c, &iam.ListInstanceProfilesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, ip := range page.InstanceProfiles {
			profiles = append(profiles, iamEntity{aws.ToString(ip.InstanceProfileName), aws.ToString(ip.Arn)})
		}
	}
	return taggedIAM(run, "iam:instance-profile", profiles, func(name string) ([]iamtypes.Tag, error) {
		var tags []iamtypes.Tag
		p := iam.NewListInstanceProfileTagsPaginator(c, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String(name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			tags = append(tags, page.Tags...)
		}
		return tags, nil
	})
}

// taggedIAM keeps the entities that carry the tag (of the run, when one is given); one deleted since the listing
// is skipped.
func taggedIAM(run, kind string, entities []iamEntity, tagsOf func(name string) ([]iamtypes.Tag, error)) ([]Resource, error) {
	var out []Resource
	for _, e := range entities {
		tags, err := tagsOf(e.name)
		if notFound(err) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("tags of %s %s: %w", kind, e.name, err)
		}
		for _, t := range tags {
			if aws.ToString(t.Key) == TagKey && (run == "" || aws.ToString(t.Value) == run) {
				out = append(out, Resource{ARN: e.arn, Region: "global", Kind: kind, ID: e.name, Run: aws.ToString(t.Value)})
			}
		}
	}
	return out, nil
}

// code is the API error code of err ("" for another error).
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// notFound reports whether err says the resource does not exist (any more): the Tagging API lists deleted resources
// for a while, and a resource may be gone with its parent.
func notFound(err error) bool {
	c := code(err)
	switch {
	case c == "":
		return false
	case strings.Contains(c, "NotFound"), strings.HasPrefix(c, "NoSuch"):
		return true
	}
	switch c {
	case "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", // SQS
		"ServiceNotActiveException": // ECS: a deleted service
		return true
	}
	return false
}
