package sandbox

// Sandbox-only switches of examples/microservices (architecture 173), one group per kumo gap, each naming the missing
// API. The modules' real-AWS defaults stay on; these only apply to the local sandbox. The example also needs a
// network (the test creates a VPC and subnets in kumo and passes `network`) and a Redis for service B
// (`cache_endpoint_override`, StartRedis), which depend on the run and are set by the test.
var (
	kumoMicroservicesECS = map[string]any{
		// CreateCluster ignores `settings` and there is no UpdateCluster: containerInsights would drift forever.
		"container_insights": false,
		// No DescribeTaskDefinition and no DescribeServices (the provider's reads), and no Application Auto Scaling
		// service (RegisterScalableTarget, PutScalingPolicy) to scale the service: the harness runs service A's
		// program itself, with the environment the task definition would give it.
		"ecs_tasks": false,
	}

	kumoMicroservicesEC2 = map[string]any{
		// No CreateLaunchTemplate and no Auto Scaling service (CreateAutoScalingGroup, PutScalingPolicy): the harness
		// runs service C's program itself, with the environment the launch template's user data would give it.
		"ec2_compute": false,
		// AuthorizeSecurityGroupIngress/Egress keep only IpPermissions' IpRanges (CIDRs) and drop UserIdGroupPairs,
		// so a rule naming a source security group drifts forever; the sandbox uses the VPC CIDR instead.
		"security_group_references": false,
		// IAM has no AWS managed policies (AttachRolePolicy of arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
		// is NoSuchEntity).
		"ssm_managed_policy": false,
	}

	kumoMicroservicesRDS = map[string]any{
		// CreateDBInstance/DescribeDBInstances return no DbiResourceId, by which the AWS provider (v6) identifies an
		// aws_db_instance, so the instance "disappears" right after create (and there is no CreateDBSubnetGroup).
		// The harness creates the instance through the RDS API instead; KUMO_RDS_BACKEND points its endpoint at the
		// PostgreSQL the test runs.
		"rds_instance": false,
		// ManageMasterUserPassword is ignored and no MasterUserSecret is returned; the module creates an empty
		// secret of the same shape and the harness, standing in for RDS, fills it and creates the user in PostgreSQL.
		"manage_master_user_password": false,
	}

	kumoMicroservicesServiceB = map[string]any{
		// API Gateway: UpdateStage (PATCH) is not implemented; access logs and method settings are stage patches.
		"api_stage_settings": false,
	}

	kumoMicroservicesEvents = map[string]any{
		// DescribeTable has no SSEDescription, so the events table's KMS key would drift (as kumoDynamoDB).
		"events_table_encryption": "AWS_OWNED",
	}

	kumoMicroservicesTags = map[string]any{
		// IAM GetInstanceProfile and CloudWatch DescribeAlarms/ListTagsForResource return no tags, so any tag on the
		// instance profile and the DLQ alarms would drift.
		"tags": map[string]any{},
	}
)

func init() {
	localProfiles["microservices"] = merge(kumoDynamoDB, kumoS3, kumoMicroservicesECS, kumoMicroservicesEC2,
		kumoMicroservicesRDS, kumoMicroservicesServiceB, kumoMicroservicesEvents, kumoMicroservicesTags,
		// Shared with services B's and the events' own fixtures (profile_microservices_async.go): function outside the
		// VPC (kumo's subnet ids), unencrypted queues (no SSE attributes reported), no key rotation, no
		// FunctionResponseTypes / TreatMissingData read back.
		kumoLambdaVPC, kumoQueueSSE, kumoKeyRotation, kumoAsyncExtras)
}
