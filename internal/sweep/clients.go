package sweep

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// The AWS APIs the sweep calls, one interface per service with only the operations it uses: the SDK clients satisfy
// them, tests pass fakes. Paginators and waiters take the SDK's own per-operation interfaces, embedded here.

// TaggingAPI finds resources by tag (Resource Groups Tagging API).
type TaggingAPI interface {
	tagging.GetResourcesAPIClient
}

// IAMAPI lists tagged roles and instance profiles (the Tagging API does not cover IAM) and deletes them.
type IAMAPI interface {
	iam.ListRolesAPIClient
	iam.ListRoleTagsAPIClient
	iam.ListInstanceProfilesAPIClient
	iam.ListInstanceProfileTagsAPIClient
	iam.ListAttachedRolePoliciesAPIClient
	iam.ListRolePoliciesAPIClient
	iam.ListInstanceProfilesForRoleAPIClient
	DetachRolePolicy(context.Context, *iam.DetachRolePolicyInput, ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error)
	DeleteRolePolicy(context.Context, *iam.DeleteRolePolicyInput, ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	RemoveRoleFromInstanceProfile(context.Context, *iam.RemoveRoleFromInstanceProfileInput, ...func(*iam.Options)) (*iam.RemoveRoleFromInstanceProfileOutput, error)
	DeleteRole(context.Context, *iam.DeleteRoleInput, ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	GetInstanceProfile(context.Context, *iam.GetInstanceProfileInput, ...func(*iam.Options)) (*iam.GetInstanceProfileOutput, error)
	DeleteInstanceProfile(context.Context, *iam.DeleteInstanceProfileInput, ...func(*iam.Options)) (*iam.DeleteInstanceProfileOutput, error)
}

// CloudFrontAPI disables, waits for and deletes distributions.
type CloudFrontAPI interface {
	cloudfront.GetDistributionAPIClient
	GetDistributionConfig(context.Context, *cloudfront.GetDistributionConfigInput, ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error)
	UpdateDistribution(context.Context, *cloudfront.UpdateDistributionInput, ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error)
	DeleteDistribution(context.Context, *cloudfront.DeleteDistributionInput, ...func(*cloudfront.Options)) (*cloudfront.DeleteDistributionOutput, error)
}

// AutoScalingAPI finds the groups of tagged launch templates and deletes them.
type AutoScalingAPI interface {
	autoscaling.DescribeAutoScalingGroupsAPIClient
	DeleteAutoScalingGroup(context.Context, *autoscaling.DeleteAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error)
}

// AppAutoScalingAPI deregisters scalable targets (ECS service scaling).
type AppAutoScalingAPI interface {
	applicationautoscaling.DescribeScalableTargetsAPIClient
	DeregisterScalableTarget(context.Context, *applicationautoscaling.DeregisterScalableTargetInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DeregisterScalableTargetOutput, error)
}

// ECSAPI deletes services, clusters and task definitions.
type ECSAPI interface {
	ecs.DescribeServicesAPIClient
	DeleteService(context.Context, *ecs.DeleteServiceInput, ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error)
	DeleteCluster(context.Context, *ecs.DeleteClusterInput, ...func(*ecs.Options)) (*ecs.DeleteClusterOutput, error)
	DeregisterTaskDefinition(context.Context, *ecs.DeregisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error)
	DeleteTaskDefinitions(context.Context, *ecs.DeleteTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.DeleteTaskDefinitionsOutput, error)
}

// IoTAPI deletes topic rules and policies.
type IoTAPI interface {
	iot.ListTargetsForPolicyAPIClient
	DeleteTopicRule(context.Context, *iot.DeleteTopicRuleInput, ...func(*iot.Options)) (*iot.DeleteTopicRuleOutput, error)
	DetachPolicy(context.Context, *iot.DetachPolicyInput, ...func(*iot.Options)) (*iot.DetachPolicyOutput, error)
	ListPolicyVersions(context.Context, *iot.ListPolicyVersionsInput, ...func(*iot.Options)) (*iot.ListPolicyVersionsOutput, error)
	DeletePolicyVersion(context.Context, *iot.DeletePolicyVersionInput, ...func(*iot.Options)) (*iot.DeletePolicyVersionOutput, error)
	DeletePolicy(context.Context, *iot.DeletePolicyInput, ...func(*iot.Options)) (*iot.DeletePolicyOutput, error)
}

// APIGatewayAPI deletes REST APIs (with their stages and deployments).
type APIGatewayAPI interface {
	DeleteRestApi(context.Context, *apigateway.DeleteRestApiInput, ...func(*apigateway.Options)) (*apigateway.DeleteRestApiOutput, error)
}

// LambdaAPI deletes functions and their event source mappings.
type LambdaAPI interface {
	lambda.ListEventSourceMappingsAPIClient
	DeleteEventSourceMapping(context.Context, *lambda.DeleteEventSourceMappingInput, ...func(*lambda.Options)) (*lambda.DeleteEventSourceMappingOutput, error)
	DeleteFunction(context.Context, *lambda.DeleteFunctionInput, ...func(*lambda.Options)) (*lambda.DeleteFunctionOutput, error)
}

// FirehoseAPI deletes delivery streams.
type FirehoseAPI interface {
	DeleteDeliveryStream(context.Context, *firehose.DeleteDeliveryStreamInput, ...func(*firehose.Options)) (*firehose.DeleteDeliveryStreamOutput, error)
}

// AthenaAPI deletes workgroups (with their named queries and history).
type AthenaAPI interface {
	DeleteWorkGroup(context.Context, *athena.DeleteWorkGroupInput, ...func(*athena.Options)) (*athena.DeleteWorkGroupOutput, error)
}

// GlueAPI deletes catalog databases (with their tables).
type GlueAPI interface {
	DeleteDatabase(context.Context, *glue.DeleteDatabaseInput, ...func(*glue.Options)) (*glue.DeleteDatabaseOutput, error)
}

// SNSAPI deletes topics (with their subscriptions).
type SNSAPI interface {
	DeleteTopic(context.Context, *sns.DeleteTopicInput, ...func(*sns.Options)) (*sns.DeleteTopicOutput, error)
}

// DAXAPI deletes clusters.
type DAXAPI interface {
	DeleteCluster(context.Context, *dax.DeleteClusterInput, ...func(*dax.Options)) (*dax.DeleteClusterOutput, error)
}

// ElastiCacheAPI deletes replication groups, user groups, users and subnet groups.
type ElastiCacheAPI interface {
	elasticache.DescribeReplicationGroupsAPIClient
	DeleteReplicationGroup(context.Context, *elasticache.DeleteReplicationGroupInput, ...func(*elasticache.Options)) (*elasticache.DeleteReplicationGroupOutput, error)
	DeleteUserGroup(context.Context, *elasticache.DeleteUserGroupInput, ...func(*elasticache.Options)) (*elasticache.DeleteUserGroupOutput, error)
	DeleteUser(context.Context, *elasticache.DeleteUserInput, ...func(*elasticache.Options)) (*elasticache.DeleteUserOutput, error)
	DeleteCacheSubnetGroup(context.Context, *elasticache.DeleteCacheSubnetGroupInput, ...func(*elasticache.Options)) (*elasticache.DeleteCacheSubnetGroupOutput, error)
}

// RDSAPI deletes DB instances (no final snapshot) and subnet groups.
type RDSAPI interface {
	rds.DescribeDBInstancesAPIClient
	ModifyDBInstance(context.Context, *rds.ModifyDBInstanceInput, ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error)
	DeleteDBInstance(context.Context, *rds.DeleteDBInstanceInput, ...func(*rds.Options)) (*rds.DeleteDBInstanceOutput, error)
	DeleteDBSubnetGroup(context.Context, *rds.DeleteDBSubnetGroupInput, ...func(*rds.Options)) (*rds.DeleteDBSubnetGroupOutput, error)
}

// ELBv2API deletes load balancers (with their listeners) and target groups.
type ELBv2API interface {
	elbv2.DescribeLoadBalancersAPIClient
	ModifyLoadBalancerAttributes(context.Context, *elbv2.ModifyLoadBalancerAttributesInput, ...func(*elbv2.Options)) (*elbv2.ModifyLoadBalancerAttributesOutput, error)
	DeleteLoadBalancer(context.Context, *elbv2.DeleteLoadBalancerInput, ...func(*elbv2.Options)) (*elbv2.DeleteLoadBalancerOutput, error)
	DeleteTargetGroup(context.Context, *elbv2.DeleteTargetGroupInput, ...func(*elbv2.Options)) (*elbv2.DeleteTargetGroupOutput, error)
}

// EFSAPI deletes file systems with their mount targets, and access points.
type EFSAPI interface {
	efs.DescribeMountTargetsAPIClient
	DeleteMountTarget(context.Context, *efs.DeleteMountTargetInput, ...func(*efs.Options)) (*efs.DeleteMountTargetOutput, error)
	DeleteAccessPoint(context.Context, *efs.DeleteAccessPointInput, ...func(*efs.Options)) (*efs.DeleteAccessPointOutput, error)
	DeleteFileSystem(context.Context, *efs.DeleteFileSystemInput, ...func(*efs.Options)) (*efs.DeleteFileSystemOutput, error)
}

// CognitoIdentityAPI deletes identity pools.
type CognitoIdentityAPI interface {
	DeleteIdentityPool(context.Context, *cognitoidentity.DeleteIdentityPoolInput, ...func(*cognitoidentity.Options)) (*cognitoidentity.DeleteIdentityPoolOutput, error)
}

// CognitoIDPAPI deletes user pools (domain first, deletion protection off).
type CognitoIDPAPI interface {
	DescribeUserPool(context.Context, *cognitoidentityprovider.DescribeUserPoolInput, ...func(*cognitoidentityprovider.Options)) (*cognitoidentityprovider.DescribeUserPoolOutput, error)
	DeleteUserPoolDomain(context.Context, *cognitoidentityprovider.DeleteUserPoolDomainInput, ...func(*cognitoidentityprovider.Options)) (*cognitoidentityprovider.DeleteUserPoolDomainOutput, error)
	UpdateUserPool(context.Context, *cognitoidentityprovider.UpdateUserPoolInput, ...func(*cognitoidentityprovider.Options)) (*cognitoidentityprovider.UpdateUserPoolOutput, error)
	DeleteUserPool(context.Context, *cognitoidentityprovider.DeleteUserPoolInput, ...func(*cognitoidentityprovider.Options)) (*cognitoidentityprovider.DeleteUserPoolOutput, error)
}

// DynamoDBAPI deletes tables (deletion protection off first).
type DynamoDBAPI interface {
	dynamodb.DescribeTableAPIClient
	UpdateTable(context.Context, *dynamodb.UpdateTableInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error)
	DeleteTable(context.Context, *dynamodb.DeleteTableInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error)
}

// KinesisAPI deletes data streams.
type KinesisAPI interface {
	kinesis.DescribeStreamAPIClient
	DeleteStream(context.Context, *kinesis.DeleteStreamInput, ...func(*kinesis.Options)) (*kinesis.DeleteStreamOutput, error)
}

// SQSAPI deletes queues.
type SQSAPI interface {
	GetQueueUrl(context.Context, *sqs.GetQueueUrlInput, ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error)
	DeleteQueue(context.Context, *sqs.DeleteQueueInput, ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error)
}

// SecretsManagerAPI deletes secrets without a recovery window.
type SecretsManagerAPI interface {
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	DeleteSecret(context.Context, *secretsmanager.DeleteSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error)
}

// CloudWatchAPI deletes alarms.
type CloudWatchAPI interface {
	DeleteAlarms(context.Context, *cloudwatch.DeleteAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error)
}

// LogsAPI deletes log groups.
type LogsAPI interface {
	DeleteLogGroup(context.Context, *cloudwatchlogs.DeleteLogGroupInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error)
}

// KMSAPI schedules keys for deletion (and deletes their aliases).
type KMSAPI interface {
	kms.ListAliasesAPIClient
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	DeleteAlias(context.Context, *kms.DeleteAliasInput, ...func(*kms.Options)) (*kms.DeleteAliasOutput, error)
	ScheduleKeyDeletion(context.Context, *kms.ScheduleKeyDeletionInput, ...func(*kms.Options)) (*kms.ScheduleKeyDeletionOutput, error)
}

// S3API empties (every version) and deletes buckets.
type S3API interface {
	s3.ListObjectVersionsAPIClient
	DeleteObjects(context.Context, *s3.DeleteObjectsInput, ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
	DeleteBucket(context.Context, *s3.DeleteBucketInput, ...func(*s3.Options)) (*s3.DeleteBucketOutput, error)
}

// EC2API deletes instances, launch templates and the VPC pieces.
type EC2API interface {
	ec2.DescribeInstancesAPIClient
	ec2.DescribeNatGatewaysAPIClient
	ec2.DescribeSecurityGroupRulesAPIClient
	TerminateInstances(context.Context, *ec2.TerminateInstancesInput, ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error)
	DeleteLaunchTemplate(context.Context, *ec2.DeleteLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error)
	DeleteFlowLogs(context.Context, *ec2.DeleteFlowLogsInput, ...func(*ec2.Options)) (*ec2.DeleteFlowLogsOutput, error)
	DeleteVpcEndpoints(context.Context, *ec2.DeleteVpcEndpointsInput, ...func(*ec2.Options)) (*ec2.DeleteVpcEndpointsOutput, error)
	DeleteNatGateway(context.Context, *ec2.DeleteNatGatewayInput, ...func(*ec2.Options)) (*ec2.DeleteNatGatewayOutput, error)
	ReleaseAddress(context.Context, *ec2.ReleaseAddressInput, ...func(*ec2.Options)) (*ec2.ReleaseAddressOutput, error)
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	RevokeSecurityGroupIngress(context.Context, *ec2.RevokeSecurityGroupIngressInput, ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
	RevokeSecurityGroupEgress(context.Context, *ec2.RevokeSecurityGroupEgressInput, ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error)
	DeleteSecurityGroup(context.Context, *ec2.DeleteSecurityGroupInput, ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error)
	DeleteSubnet(context.Context, *ec2.DeleteSubnetInput, ...func(*ec2.Options)) (*ec2.DeleteSubnetOutput, error)
	DescribeRouteTables(context.Context, *ec2.DescribeRouteTablesInput, ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error)
	DisassociateRouteTable(context.Context, *ec2.DisassociateRouteTableInput, ...func(*ec2.Options)) (*ec2.DisassociateRouteTableOutput, error)
	DeleteRouteTable(context.Context, *ec2.DeleteRouteTableInput, ...func(*ec2.Options)) (*ec2.DeleteRouteTableOutput, error)
	DescribeInternetGateways(context.Context, *ec2.DescribeInternetGatewaysInput, ...func(*ec2.Options)) (*ec2.DescribeInternetGatewaysOutput, error)
	DetachInternetGateway(context.Context, *ec2.DetachInternetGatewayInput, ...func(*ec2.Options)) (*ec2.DetachInternetGatewayOutput, error)
	DeleteInternetGateway(context.Context, *ec2.DeleteInternetGatewayInput, ...func(*ec2.Options)) (*ec2.DeleteInternetGatewayOutput, error)
	DeleteVpc(context.Context, *ec2.DeleteVpcInput, ...func(*ec2.Options)) (*ec2.DeleteVpcOutput, error)
}

// Clients are the clients of one region. CloudFront and IAM are global: the sweep uses them from the us-east-1 set.
// Every field is used by some step: a test's fake set only needs the clients of the kinds it sweeps.
type Clients struct {
	Tagging         TaggingAPI
	IAM             IAMAPI
	CloudFront      CloudFrontAPI
	AutoScaling     AutoScalingAPI
	AppAutoScaling  AppAutoScalingAPI
	ECS             ECSAPI
	IoT             IoTAPI
	APIGateway      APIGatewayAPI
	Lambda          LambdaAPI
	Firehose        FirehoseAPI
	Athena          AthenaAPI
	Glue            GlueAPI
	SNS             SNSAPI
	DAX             DAXAPI
	ElastiCache     ElastiCacheAPI
	RDS             RDSAPI
	ELBv2           ELBv2API
	EFS             EFSAPI
	CognitoIdentity CognitoIdentityAPI
	CognitoIDP      CognitoIDPAPI
	DynamoDB        DynamoDBAPI
	Kinesis         KinesisAPI
	SQS             SQSAPI
	SecretsManager  SecretsManagerAPI
	CloudWatch      CloudWatchAPI
	Logs            LogsAPI
	KMS             KMSAPI
	S3              S3API
	EC2             EC2API
}

// ClientsFor returns the clients of a region.
type ClientsFor func(region string) *Clients

// NewRetryer is the retryer of the sweep's clients: the SDK's standard retryer with more attempts and a longer
// back-off (a few minutes in all), no client-side retry quota (a sweep is one process, with no retry storm to
// protect against), and, on top of throttling and transient errors, the errors a sweep waits out: a resource still
// held by one whose asynchronous deletion has not finished — a subnet or security group by the network interfaces of
// a deleted DAX cluster or Lambda function, a file system by mount targets being deleted, a table still updating
// after its deletion protection was turned off.
func NewRetryer() aws.Retryer {
	codes := map[string]struct{}{
		"DependencyViolation":            {}, // EC2
		"FileSystemInUse":                {}, // EFS
		"ResourceInUseException":         {}, // DynamoDB, Kinesis, Firehose
		"ResourceInUse":                  {}, // ELBv2: a target group still used by a load balancer being deleted
		"InvalidUserGroupState":          {}, // ElastiCache
		"InvalidUserState":               {}, // ElastiCache
		"CacheSubnetGroupInUse":          {}, // ElastiCache
		"InvalidDBSubnetGroupStateFault": {}, // RDS
		"DeleteConflict":                 {}, // IAM: a detached policy not yet seen as detached
		"ConflictException":              {}, // API Gateway, Lambda
	}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 12
		o.MaxBackoff = 30 * time.Second
		o.RateLimiter = ratelimit.None
		o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: codes})
	})
}

// NewClients returns ClientsFor built from cfg (its credentials; the region is set per call), caching one set per
// region. cfg should use NewRetryer.
func NewClients(cfg aws.Config) ClientsFor {
	var mu sync.Mutex
	sets := map[string]*Clients{}
	return func(region string) *Clients {
		mu.Lock()
		defer mu.Unlock()
		if c, ok := sets[region]; ok {
			return c
		}
		rc := cfg.Copy()
		rc.Region = region
		c := &Clients{
			Tagging:         tagging.NewFromConfig(rc),
			IAM:             iam.NewFromConfig(rc),
			CloudFront:      cloudfront.NewFromConfig(rc),
			AutoScaling:     autoscaling.NewFromConfig(rc),
			AppAutoScaling:  applicationautoscaling.NewFromConfig(rc),
			ECS:             ecs.NewFromConfig(rc),
			IoT:             iot.NewFromConfig(rc),
			APIGateway:      apigateway.NewFromConfig(rc),
			Lambda:          lambda.NewFromConfig(rc),
			Firehose:        firehose.NewFromConfig(rc),
			Athena:          athena.NewFromConfig(rc),
			Glue:            glue.NewFromConfig(rc),
			SNS:             sns.NewFromConfig(rc),
			DAX:             dax.NewFromConfig(rc),
			ElastiCache:     elasticache.NewFromConfig(rc),
			RDS:             rds.NewFromConfig(rc),
			ELBv2:           elbv2.NewFromConfig(rc),
			EFS:             efs.NewFromConfig(rc),
			CognitoIdentity: cognitoidentity.NewFromConfig(rc),
			CognitoIDP:      cognitoidentityprovider.NewFromConfig(rc),
			DynamoDB:        dynamodb.NewFromConfig(rc),
			Kinesis:         kinesis.NewFromConfig(rc),
			SQS:             sqs.NewFromConfig(rc),
			SecretsManager:  secretsmanager.NewFromConfig(rc),
			CloudWatch:      cloudwatch.NewFromConfig(rc),
			Logs:            cloudwatchlogs.NewFromConfig(rc),
			KMS:             kms.NewFromConfig(rc),
			S3:              s3.NewFromConfig(rc),
			EC2:             ec2.NewFromConfig(rc),
		}
		sets[region] = c
		return c
	}
}
