package sweep

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// How long the sweep waits, with the SDK's waiters, for a deletion it must see finished before going on: the
// dependents of these hold network interfaces, or a distribution must be deployed disabled before it can be deleted.
const (
	waitDistribution = 45 * time.Minute
	waitDatabase     = 30 * time.Minute // RDS, ElastiCache
	waitCompute      = 20 * time.Minute // Auto Scaling groups, ECS services, instances, NAT gateways
	waitOther        = 10 * time.Minute // load balancers, tables, streams
)

// step is one deletion step of one kind of resource. A kind may have several (a distribution is disabled early and
// deleted late); its last step deletes it.
type step struct {
	kind   string
	action string
	do     func(ctx context.Context, c *Clients, r Resource) error
}

// steps is the global order of the sweep: every resource before what it depends on — front ends and compute first,
// then the stores and queues they use, then the network, keys and roles.
func steps() []step {
	return []step{
		{"cloudfront:distribution", "disable", disableDistribution},
		{"autoscaling:autoScalingGroup", "delete (terminating its instances)", deleteAutoScalingGroup},
		{"application-autoscaling:scalable-target", "deregister", deregisterScalableTarget},
		{"ecs:service", "delete", deleteECSService},
		{"ec2:instance", "terminate", terminateInstance},
		{"iot:rule", "delete", deleteTopicRule},
		{"apigateway:restapis", "delete", deleteRestAPI},
		{"lambda:event-source-mapping", "delete", deleteEventSourceMapping},
		{"lambda:function", "delete", deleteFunction},
		{"firehose:deliverystream", "delete", deleteDeliveryStream},
		{"athena:workgroup", "delete", deleteWorkGroup},
		{"glue:database", "delete", deleteGlueDatabase},
		{"sns:topic", "delete", deleteTopic},
		{"cloudwatch:alarm", "delete", deleteAlarm},
		{"dax:cache", "delete", deleteDAXCluster},
		{"elasticache:replicationgroup", "delete", deleteReplicationGroup},
		{"rds:db", "delete (no final snapshot)", deleteDBInstance},
		{"elasticloadbalancing:loadbalancer", "delete", deleteLoadBalancer},
		{"ecs:cluster", "delete", deleteECSCluster},
		{"ecs:task-definition", "deregister and delete", deleteTaskDefinition},
		{"elasticfilesystem:access-point", "delete", deleteAccessPoint},
		{"elasticfilesystem:file-system", "delete (with its mount targets)", deleteFileSystem},
		{"cognito-identity:identitypool", "delete", deleteIdentityPool},
		{"cognito-idp:userpool", "delete (deletion protection off)", deleteUserPool},
		{"dynamodb:table", "delete (deletion protection off)", deleteTable},
		{"kinesis:stream", "delete", deleteStream},
		{"sqs:queue", "delete", deleteQueue},
		{"secretsmanager:secret", "delete (no recovery window)", deleteSecret},
		{"iot:policy", "delete", deleteIoTPolicy},
		{"elasticloadbalancing:targetgroup", "delete", deleteTargetGroup},
		{"elasticache:usergroup", "delete", deleteCacheUserGroup},
		{"elasticache:user", "delete", deleteCacheUser},
		{"elasticache:subnetgroup", "delete", deleteCacheSubnetGroup},
		{"rds:subgrp", "delete", deleteDBSubnetGroup},
		// Late, so that the waits above ran while it was being deployed disabled; before the buckets it serves.
		{"cloudfront:distribution", "delete (once deployed disabled)", deleteDistribution},
		{"s3:bucket", "empty (every version) and delete", deleteBucket},
		{"ec2:vpc-flow-log", "delete", deleteFlowLog},
		{"logs:log-group", "delete", deleteLogGroup},
		{"ec2:launch-template", "delete", deleteLaunchTemplate},
		{"ec2:vpc-endpoint", "delete", deleteVPCEndpoint},
		{"ec2:natgateway", "delete", deleteNATGateway},
		{"ec2:elastic-ip", "release", releaseAddress},
		{"ec2:security-group", "revoke its rules", revokeSecurityGroupRules},
		{"ec2:security-group", "delete", deleteSecurityGroup},
		{"ec2:subnet", "delete", deleteSubnet},
		{"ec2:route-table", "delete", deleteRouteTable},
		{"ec2:internet-gateway", "detach and delete", deleteInternetGateway},
		{"ec2:vpc", "delete", deleteVPC},
		{"kms:key", "schedule deletion (7 days)", scheduleKeyDeletion},
		{"iam:instance-profile", "delete", deleteInstanceProfile},
		{"iam:role", "delete (with its policies)", deleteRole},
	}
}

// childOf is the kind a tagged resource of this kind is deleted with ("" if it is deleted on its own).
func childOf(kind string) string {
	switch kind {
	case "apigateway:restapis/stages":
		return "apigateway:restapis"
	case "elasticloadbalancing:listener", "elasticloadbalancing:listener-rule":
		return "elasticloadbalancing:loadbalancer"
	case "ecs:task":
		return "ecs:service"
	case "elasticache:cluster": // a replication group's member
		return "elasticache:replicationgroup"
	case "glue:table":
		return "glue:database"
	case "ec2:security-group-rule":
		return "ec2:security-group"
	}
	return ""
}

// gone turns a "does not exist" error of a call on a dependent object into nil: it is already gone.
func gone(err error) error {
	if notFound(err) {
		return nil
	}
	return err
}

func disableDistribution(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.CloudFront.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(r.ID)})
	if err != nil {
		return err
	}
	if !aws.ToBool(out.DistributionConfig.Enabled) {
		return nil
	}
	out.DistributionConfig.Enabled = aws.Bool(false)
	_, err = c.CloudFront.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{
		Id: aws.String(r.ID), IfMatch: out.ETag, DistributionConfig: out.DistributionConfig,
	})
	return err
}

func deleteDistribution(ctx context.Context, c *Clients, r Resource) error {
	out, err := cloudfront.NewDistributionDeployedWaiter(c.CloudFront).WaitForOutput(ctx,
		&cloudfront.GetDistributionInput{Id: aws.String(r.ID)}, waitDistribution)
	if err != nil {
		return err
	}
	if out.Distribution != nil && out.Distribution.DistributionConfig != nil && aws.ToBool(out.Distribution.DistributionConfig.Enabled) {
		return errors.New("still enabled")
	}
	_, err = c.CloudFront.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: aws.String(r.ID), IfMatch: out.ETag})
	return err
}

func deleteAutoScalingGroup(ctx context.Context, c *Clients, r Resource) error {
	if _, err := c.AutoScaling.DeleteAutoScalingGroup(ctx, &autoscaling.DeleteAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(r.ID), ForceDelete: aws.Bool(true),
	}); err != nil {
		return err
	}
	return autoscaling.NewGroupNotExistsWaiter(c.AutoScaling).Wait(ctx,
		&autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{r.ID}}, waitCompute)
}

// deregisterScalableTarget finds the target by its ARN (the deregistration takes its namespace, resource id and
// dimension, which the ARN does not carry).
func deregisterScalableTarget(ctx context.Context, c *Clients, r Resource) error {
	for _, ns := range aastypes.ServiceNamespace("").Values() {
		p := applicationautoscaling.NewDescribeScalableTargetsPaginator(c.AppAutoScaling,
			&applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: ns})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, t := range page.ScalableTargets {
				if aws.ToString(t.ScalableTargetARN) != r.ARN {
					continue
				}
				_, err := c.AppAutoScaling.DeregisterScalableTarget(ctx, &applicationautoscaling.DeregisterScalableTargetInput{
					ServiceNamespace: t.ServiceNamespace, ResourceId: t.ResourceId, ScalableDimension: t.ScalableDimension,
				})
				return err
			}
		}
	}
	return nil // gone
}

func deleteECSService(ctx context.Context, c *Clients, r Resource) error {
	cluster, name, ok := strings.Cut(r.ID, "/") // service/<cluster>/<name>; the old format has no cluster
	if !ok {
		cluster, name = "default", r.ID
	}
	if _, err := c.ECS.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String(cluster), Service: aws.String(name), Force: aws.Bool(true)}); err != nil {
		if code(err) != "ServiceNotActiveException" {
			return err
		}
	}
	return ecs.NewServicesInactiveWaiter(c.ECS).Wait(ctx,
		&ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}}, waitCompute)
}

func terminateInstance(ctx context.Context, c *Clients, r Resource) error {
	if _, err := c.EC2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{r.ID}}); err != nil {
		return err
	}
	return ec2.NewInstanceTerminatedWaiter(c.EC2).Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{r.ID}}, waitCompute)
}

func deleteTopicRule(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.IoT.DeleteTopicRule(ctx, &iot.DeleteTopicRuleInput{RuleName: aws.String(r.ID)})
	return err
}

func deleteRestAPI(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.APIGateway.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: aws.String(r.ID)})
	return err
}

func deleteEventSourceMapping(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.Lambda.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: aws.String(r.ID)})
	return err
}

// deleteFunction deletes the function's event source mappings too (they outlive it otherwise).
func deleteFunction(ctx context.Context, c *Clients, r Resource) error {
	p := lambda.NewListEventSourceMappingsPaginator(c.Lambda, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String(r.ID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if notFound(err) {
				break
			}
			return err
		}
		for _, m := range page.EventSourceMappings {
			if _, err := c.Lambda.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: m.UUID}); gone(err) != nil {
				return fmt.Errorf("event source mapping %s: %w", aws.ToString(m.UUID), err)
			}
		}
	}
	_, err := c.Lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(r.ID)})
	return err
}

func deleteDeliveryStream(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.Firehose.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String(r.ID), AllowForceDelete: aws.Bool(true)})
	return err
}

func deleteWorkGroup(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.Athena.DeleteWorkGroup(ctx, &athena.DeleteWorkGroupInput{WorkGroup: aws.String(r.ID), RecursiveDeleteOption: aws.Bool(true)})
	return err
}

func deleteGlueDatabase(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.Glue.DeleteDatabase(ctx, &glue.DeleteDatabaseInput{Name: aws.String(r.ID)})
	return err
}

func deleteTopic(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.SNS.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(r.ID)})
	return err
}

func deleteAlarm(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.CloudWatch.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{r.ID}})
	return err
}

// deleteDAXCluster starts the deletion; the SDK has no waiter for it. Its network interfaces hold the subnets and
// security group for some minutes: their deletions are retried (DependencyViolation) and otherwise fail — run the
// sweep again.
func deleteDAXCluster(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.DAX.DeleteCluster(ctx, &dax.DeleteClusterInput{ClusterName: aws.String(r.ID)})
	return err
}

func deleteReplicationGroup(ctx context.Context, c *Clients, r Resource) error {
	if _, err := c.ElastiCache.DeleteReplicationGroup(ctx, &elasticache.DeleteReplicationGroupInput{
		ReplicationGroupId: aws.String(r.ID), RetainPrimaryCluster: aws.Bool(false),
	}); err != nil && code(err) != "InvalidReplicationGroupState" { // already deleting: wait for it
		return err
	}
	return elasticache.NewReplicationGroupDeletedWaiter(c.ElastiCache).Wait(ctx,
		&elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String(r.ID)}, waitDatabase)
}

// deleteDBInstance turns deletion protection off, deletes without a final snapshot (only the sweep does that: the
// modules keep their final_snapshot default) and with the automated backups, and waits.
func deleteDBInstance(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(r.ID)})
	if err != nil {
		return err
	}
	deleting := false
	for _, db := range out.DBInstances {
		deleting = aws.ToString(db.DBInstanceStatus) == "deleting"
		if aws.ToBool(db.DeletionProtection) && !deleting {
			if _, err := c.RDS.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{
				DBInstanceIdentifier: aws.String(r.ID), DeletionProtection: aws.Bool(false), ApplyImmediately: aws.Bool(true),
			}); err != nil {
				return fmt.Errorf("turning deletion protection off: %w", err)
			}
		}
	}
	if !deleting {
		if _, err := c.RDS.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{
			DBInstanceIdentifier: aws.String(r.ID), SkipFinalSnapshot: aws.Bool(true), DeleteAutomatedBackups: aws.Bool(true),
		}); err != nil {
			return err
		}
	}
	return rds.NewDBInstanceDeletedWaiter(c.RDS).Wait(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(r.ID)}, waitDatabase)
}

func deleteLoadBalancer(ctx context.Context, c *Clients, r Resource) error {
	if _, err := c.ELBv2.ModifyLoadBalancerAttributes(ctx, &elbv2.ModifyLoadBalancerAttributesInput{
		LoadBalancerArn: aws.String(r.ID),
		Attributes:      []elbv2types.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("false")}},
	}); err != nil {
		return fmt.Errorf("turning deletion protection off: %w", err)
	}
	if _, err := c.ELBv2.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(r.ID)}); err != nil {
		return err
	}
	return elbv2.NewLoadBalancersDeletedWaiter(c.ELBv2).Wait(ctx,
		&elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{r.ID}}, waitOther)
}

func deleteECSCluster(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.ECS.DeleteCluster(ctx, &ecs.DeleteClusterInput{Cluster: aws.String(r.ID)})
	return err
}

// deleteTaskDefinition deregisters the revision (a no-op error if it already is: destroy deregisters, and the
// Tagging API keeps listing inactive revisions) and deletes it.
func deleteTaskDefinition(ctx context.Context, c *Clients, r Resource) error {
	if _, err := c.ECS.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(r.ID)}); err != nil &&
		code(err) != "ClientException" {
		return err
	}
	out, err := c.ECS.DeleteTaskDefinitions(ctx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{r.ID}})
	if err != nil {
		return err
	}
	for _, f := range out.Failures {
		return fmt.Errorf("%s: %s", aws.ToString(f.Reason), aws.ToString(f.Detail))
	}
	return nil
}

func deleteAccessPoint(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.EFS.DeleteAccessPoint(ctx, &efs.DeleteAccessPointInput{AccessPointId: aws.String(r.ID)})
	return err
}

// deleteFileSystem deletes the mount targets first; the file system's deletion is retried while they go
// (FileSystemInUse).
func deleteFileSystem(ctx context.Context, c *Clients, r Resource) error {
	p := efs.NewDescribeMountTargetsPaginator(c.EFS, &efs.DescribeMountTargetsInput{FileSystemId: aws.String(r.ID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, mt := range page.MountTargets {
			if _, err := c.EFS.DeleteMountTarget(ctx, &efs.DeleteMountTargetInput{MountTargetId: mt.MountTargetId}); gone(err) != nil {
				return fmt.Errorf("mount target %s: %w", aws.ToString(mt.MountTargetId), err)
			}
		}
	}
	_, err := c.EFS.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: aws.String(r.ID)})
	return err
}

func deleteIdentityPool(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.CognitoIdentity.DeleteIdentityPool(ctx, &cognitoidentity.DeleteIdentityPoolInput{IdentityPoolId: aws.String(r.ID)})
	return err
}

// deleteUserPool deletes the pool's domains and turns deletion protection off first. UpdateUserPool resets what it
// is not given to the defaults — of no consequence for a pool about to go.
func deleteUserPool(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.CognitoIDP.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(r.ID)})
	if err != nil {
		return err
	}
	if pool := out.UserPool; pool != nil {
		for _, d := range []*string{pool.Domain, pool.CustomDomain} {
			if aws.ToString(d) == "" {
				continue
			}
			if _, err := c.CognitoIDP.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{Domain: d, UserPoolId: aws.String(r.ID)}); gone(err) != nil {
				return fmt.Errorf("domain %s: %w", aws.ToString(d), err)
			}
		}
		if pool.DeletionProtection == ciptypes.DeletionProtectionTypeActive {
			if _, err := c.CognitoIDP.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{
				UserPoolId: aws.String(r.ID), DeletionProtection: ciptypes.DeletionProtectionTypeInactive,
			}); err != nil {
				return fmt.Errorf("turning deletion protection off: %w", err)
			}
		}
	}
	_, err = c.CognitoIDP.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(r.ID)})
	return err
}

func deleteTable(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.ID)})
	if err != nil {
		return err
	}
	if out.Table != nil && aws.ToBool(out.Table.DeletionProtectionEnabled) {
		if _, err := c.DynamoDB.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(r.ID), DeletionProtectionEnabled: aws.Bool(false)}); err != nil {
			return fmt.Errorf("turning deletion protection off: %w", err)
		}
	}
	if _, err := c.DynamoDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(r.ID)}); err != nil {
		return err
	}
	return dynamodb.NewTableNotExistsWaiter(c.DynamoDB).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.ID)}, waitOther)
}

func deleteStream(ctx context.Context, c *Clients, r Resource) error {
	if _, err := c.Kinesis.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(r.ID), EnforceConsumerDeletion: aws.Bool(true)}); err != nil {
		return err
	}
	return kinesis.NewStreamNotExistsWaiter(c.Kinesis).Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(r.ID)}, waitOther)
}

func deleteQueue(ctx context.Context, c *Clients, r Resource) error {
	in := &sqs.GetQueueUrlInput{QueueName: aws.String(r.ID)}
	if a, err := arn.Parse(r.ARN); err == nil && a.AccountID != "" {
		in.QueueOwnerAWSAccountId = aws.String(a.AccountID)
	}
	out, err := c.SQS.GetQueueUrl(ctx, in)
	if err != nil {
		return err
	}
	_, err = c.SQS.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: out.QueueUrl})
	return err
}

// deleteSecret deletes at once, without the recovery window. A secret owned by a service (RDS's master password)
// can only be deleted with its owner, which comes earlier in the sweep.
func deleteSecret(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.SecretsManager.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String(r.ID), ForceDeleteWithoutRecovery: aws.Bool(true)})
	return err
}

// deleteIoTPolicy detaches the policy from its targets (certificates) and deletes its other versions first.
func deleteIoTPolicy(ctx context.Context, c *Clients, r Resource) error {
	p := iot.NewListTargetsForPolicyPaginator(c.IoT, &iot.ListTargetsForPolicyInput{PolicyName: aws.String(r.ID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, target := range page.Targets {
			if _, err := c.IoT.DetachPolicy(ctx, &iot.DetachPolicyInput{PolicyName: aws.String(r.ID), Target: aws.String(target)}); gone(err) != nil {
				return fmt.Errorf("detach from %s: %w", target, err)
			}
		}
	}
	versions, err := c.IoT.ListPolicyVersions(ctx, &iot.ListPolicyVersionsInput{PolicyName: aws.String(r.ID)})
	if err != nil {
		return err
	}
	for _, v := range versions.PolicyVersions {
		if v.IsDefaultVersion {
			continue
		}
		if _, err := c.IoT.DeletePolicyVersion(ctx, &iot.DeletePolicyVersionInput{PolicyName: aws.String(r.ID), PolicyVersionId: v.VersionId}); gone(err) != nil {
			return fmt.Errorf("version %s: %w", aws.ToString(v.VersionId), err)
		}
	}
	_, err = c.IoT.DeletePolicy(ctx, &iot.DeletePolicyInput{PolicyName: aws.String(r.ID)})
	return err
}

func deleteTargetGroup(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.ELBv2.DeleteTargetGroup(ctx, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(r.ID)})
	return err
}

func deleteCacheUserGroup(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.ElastiCache.DeleteUserGroup(ctx, &elasticache.DeleteUserGroupInput{UserGroupId: aws.String(r.ID)})
	return err
}

func deleteCacheUser(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.ElastiCache.DeleteUser(ctx, &elasticache.DeleteUserInput{UserId: aws.String(r.ID)})
	return err
}

func deleteCacheSubnetGroup(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.ElastiCache.DeleteCacheSubnetGroup(ctx, &elasticache.DeleteCacheSubnetGroupInput{CacheSubnetGroupName: aws.String(r.ID)})
	return err
}

func deleteDBSubnetGroup(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.RDS.DeleteDBSubnetGroup(ctx, &rds.DeleteDBSubnetGroupInput{DBSubnetGroupName: aws.String(r.ID)})
	return err
}

// deleteBucket deletes every object version and delete marker, then the bucket.
func deleteBucket(ctx context.Context, c *Clients, r Resource) error {
	p := s3.NewListObjectVersionsPaginator(c.S3, &s3.ListObjectVersionsInput{Bucket: aws.String(r.ID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		var objects []s3types.ObjectIdentifier
		for _, v := range page.Versions {
			objects = append(objects, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			objects = append(objects, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(objects) == 0 {
			continue
		}
		out, err := c.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(r.ID), Delete: &s3types.Delete{Objects: objects, Quiet: aws.Bool(true)}})
		if err != nil {
			return fmt.Errorf("emptying: %w", err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("emptying: %d objects not deleted, e.g. %s: %s %s", len(out.Errors), aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message))
		}
	}
	_, err := c.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(r.ID)})
	return err
}

// unsuccessful is the first of EC2's per-item failures, as an error.
func unsuccessful(items []ec2types.UnsuccessfulItem) error {
	for _, it := range items {
		if it.Error != nil && !strings.Contains(aws.ToString(it.Error.Code), "NotFound") {
			return fmt.Errorf("%s: %s", aws.ToString(it.Error.Code), aws.ToString(it.Error.Message))
		}
	}
	return nil
}

func deleteFlowLog(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.EC2.DeleteFlowLogs(ctx, &ec2.DeleteFlowLogsInput{FlowLogIds: []string{r.ID}})
	if err != nil {
		return err
	}
	return unsuccessful(out.Unsuccessful)
}

func deleteLogGroup(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.Logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(r.ID)})
	return err
}

func deleteLaunchTemplate(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.EC2.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(r.ID)})
	return err
}

func deleteVPCEndpoint(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.EC2.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{r.ID}})
	if err != nil {
		return err
	}
	return unsuccessful(out.Unsuccessful)
}

func deleteNATGateway(ctx context.Context, c *Clients, r Resource) error {
	if _, err := c.EC2.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(r.ID)}); err != nil {
		return err
	}
	return ec2.NewNatGatewayDeletedWaiter(c.EC2).Wait(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{r.ID}}, waitCompute)
}

func releaseAddress(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.EC2.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: aws.String(r.ID)})
	return err
}

// defaultSecurityGroup reports whether the group is its VPC's default one, which goes with the VPC.
func defaultSecurityGroup(ctx context.Context, c *Clients, id string) (bool, error) {
	out, err := c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if err != nil {
		return false, err
	}
	for _, g := range out.SecurityGroups {
		if aws.ToString(g.GroupName) == "default" {
			return true, nil
		}
	}
	return false, nil
}

// revokeSecurityGroupRules empties every tagged group before any is deleted: groups that name each other in their
// rules cannot be deleted otherwise.
func revokeSecurityGroupRules(ctx context.Context, c *Clients, r Resource) error {
	if def, err := defaultSecurityGroup(ctx, c, r.ID); def || err != nil {
		return err
	}
	var ingress, egress []string
	p := ec2.NewDescribeSecurityGroupRulesPaginator(c.EC2, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{r.ID}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, rule := range page.SecurityGroupRules {
			if aws.ToBool(rule.IsEgress) {
				egress = append(egress, aws.ToString(rule.SecurityGroupRuleId))
			} else {
				ingress = append(ingress, aws.ToString(rule.SecurityGroupRuleId))
			}
		}
	}
	if len(ingress) > 0 {
		if _, err := c.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(r.ID), SecurityGroupRuleIds: ingress}); gone(err) != nil {
			return err
		}
	}
	if len(egress) > 0 {
		if _, err := c.EC2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(r.ID), SecurityGroupRuleIds: egress}); gone(err) != nil {
			return err
		}
	}
	return nil
}

func deleteSecurityGroup(ctx context.Context, c *Clients, r Resource) error {
	if def, err := defaultSecurityGroup(ctx, c, r.ID); def || err != nil {
		return err
	}
	_, err := c.EC2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(r.ID)})
	return err
}

func deleteSubnet(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.EC2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(r.ID)})
	return err
}

// deleteRouteTable disassociates the table from its subnets and deletes it; a VPC's main table goes with the VPC.
func deleteRouteTable(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{r.ID}})
	if err != nil {
		return err
	}
	for _, rt := range out.RouteTables {
		for _, a := range rt.Associations {
			if aws.ToBool(a.Main) {
				return nil
			}
		}
		for _, a := range rt.Associations {
			if _, err := c.EC2.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: a.RouteTableAssociationId}); gone(err) != nil {
				return fmt.Errorf("association %s: %w", aws.ToString(a.RouteTableAssociationId), err)
			}
		}
	}
	_, err = c.EC2.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(r.ID)})
	return err
}

func deleteInternetGateway(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{r.ID}})
	if err != nil {
		return err
	}
	for _, igw := range out.InternetGateways {
		for _, a := range igw.Attachments {
			if _, err := c.EC2.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(r.ID), VpcId: a.VpcId}); gone(err) != nil {
				return fmt.Errorf("detach from %s: %w", aws.ToString(a.VpcId), err)
			}
		}
	}
	_, err = c.EC2.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(r.ID)})
	return err
}

func deleteVPC(ctx context.Context, c *Clients, r Resource) error {
	_, err := c.EC2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(r.ID)})
	return err
}

// scheduleKeyDeletion deletes the key's aliases and schedules the key's deletion with the shortest window (7 days):
// KMS deletes no key at once. AWS-managed keys and keys already pending deletion are left alone.
func scheduleKeyDeletion(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(r.ID)})
	if err != nil {
		return err
	}
	if m := out.KeyMetadata; m != nil && (m.KeyManager == kmstypes.KeyManagerTypeAws ||
		m.KeyState == kmstypes.KeyStatePendingDeletion || m.KeyState == kmstypes.KeyStatePendingReplicaDeletion) {
		return nil
	}
	p := kms.NewListAliasesPaginator(c.KMS, &kms.ListAliasesInput{KeyId: aws.String(r.ID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, a := range page.Aliases {
			if _, err := c.KMS.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: a.AliasName}); gone(err) != nil {
				return fmt.Errorf("alias %s: %w", aws.ToString(a.AliasName), err)
			}
		}
	}
	_, err = c.KMS.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(r.ID), PendingWindowInDays: aws.Int32(7)})
	return err
}

func deleteInstanceProfile(ctx context.Context, c *Clients, r Resource) error {
	out, err := c.IAM.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(r.ID)})
	if err != nil {
		return err
	}
	if out.InstanceProfile != nil {
		for _, role := range out.InstanceProfile.Roles {
			if _, err := c.IAM.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
				InstanceProfileName: aws.String(r.ID), RoleName: role.RoleName,
			}); gone(err) != nil {
				return fmt.Errorf("removing role %s: %w", aws.ToString(role.RoleName), err)
			}
		}
	}
	_, err = c.IAM.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String(r.ID)})
	return err
}

// deleteRole detaches its managed policies, deletes its inline ones and takes it out of instance profiles first.
func deleteRole(ctx context.Context, c *Clients, r Resource) error {
	role := aws.String(r.ID)
	attached := iam.NewListAttachedRolePoliciesPaginator(c.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: role})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, p := range page.AttachedPolicies {
			if _, err := c.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: role, PolicyArn: p.PolicyArn}); gone(err) != nil {
				return fmt.Errorf("detaching %s: %w", aws.ToString(p.PolicyArn), err)
			}
		}
	}
	inline := iam.NewListRolePoliciesPaginator(c.IAM, &iam.ListRolePoliciesInput{RoleName: role})
	for inline.HasMorePages() {
		page, err := inline.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, name := range page.PolicyNames {
			if _, err := c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: role, PolicyName: aws.String(name)}); gone(err) != nil {
				return fmt.Errorf("inline policy %s: %w", name, err)
			}
		}
	}
	profiles := iam.NewListInstanceProfilesForRolePaginator(c.IAM, &iam.ListInstanceProfilesForRoleInput{RoleName: role})
	for profiles.HasMorePages() {
		page, err := profiles.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, ip := range page.InstanceProfiles {
			if _, err := c.IAM.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
				InstanceProfileName: ip.InstanceProfileName, RoleName: role,
			}); gone(err) != nil {
				return fmt.Errorf("instance profile %s: %w", aws.ToString(ip.InstanceProfileName), err)
			}
		}
	}
	_, err := c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: role})
	return err
}
