package sandbox

// Sandbox-only switches of examples/microservices (architecture 173), one group per kumo gap, each naming the missing
// API. The modules' real-AWS defaults stay on; these only apply to the local sandbox. The example also needs a
// network (microservicesNetwork below stands in for modules/vpc) and a Redis for service B's cache
// (`cache_endpoint_override`, the sandbox's Redis: Prepare and CacheEndpoint).
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
	localProfiles["microservices"] = merge(kumoDynamoDB, kumoS3, kumoELBv2, kumoMicroservicesECS, kumoMicroservicesEC2,
		kumoMicroservicesRDS, kumoMicroservicesServiceB, kumoMicroservicesEvents, kumoMicroservicesTags,
		// Shared with services B's and the events' own fixtures (profile_microservices_async.go): function outside the
		// VPC (kumo's subnet ids), unencrypted queues (no SSE attributes reported), no key rotation, no
		// FunctionResponseTypes / TreatMissingData read back, no X-Ray tracing kept.
		kumoLambdaVPC, kumoSQS, kumoKeyRotation, kumoAsyncExtras, kumoAlarms, kumoTracing,
		sandboxNoDeletionProtection, sandboxLogsForceDestroy)
}

// microservicesNetwork stands in for modules/vpc, which kumo cannot apply (no DescribeAvailabilityZones,
// AllocateAddress, CreateVpcEndpoint or CreateFlowLogs; route-table associations never settle): when `network` is
// null, the sandbox deployment gets a plain VPC with two public and two private subnets in two zones and passes it
// to the module as an existing network. The resources live in the example's own state, so destroy removes them.
const microservicesNetwork = `# Written by refarch's sandbox harness (internal/sandbox/profile_microservices.go). Never commit.
locals {
  refarch_sandbox_cidr = "10.42.0.0/16"
  refarch_sandbox_azs  = var.network == null ? ["${var.region}a", "${var.region}b"] : []
}

resource "aws_vpc" "refarch_sandbox" {
  count      = var.network == null ? 1 : 0
  cidr_block = local.refarch_sandbox_cidr
}

resource "aws_subnet" "refarch_sandbox_public" {
  count             = length(local.refarch_sandbox_azs)
  vpc_id            = aws_vpc.refarch_sandbox[0].id
  cidr_block        = cidrsubnet(local.refarch_sandbox_cidr, 4, count.index)
  availability_zone = local.refarch_sandbox_azs[count.index]
}

resource "aws_subnet" "refarch_sandbox_private" {
  count             = length(local.refarch_sandbox_azs)
  vpc_id            = aws_vpc.refarch_sandbox[0].id
  cidr_block        = cidrsubnet(local.refarch_sandbox_cidr, 4, 8 + count.index)
  availability_zone = local.refarch_sandbox_azs[count.index]
}
`

const microservicesNetworkOverride = `# Written by refarch's sandbox harness (internal/sandbox/profile_microservices.go). Never commit.
module "microservices" {
  network = var.network != null ? var.network : {
    vpc_id             = aws_vpc.refarch_sandbox[0].id
    vpc_cidr_block     = aws_vpc.refarch_sandbox[0].cidr_block
    public_subnet_ids  = aws_subnet.refarch_sandbox_public[*].id
    private_subnet_ids = aws_subnet.refarch_sandbox_private[*].id
  }
}
`

func init() {
	standInFiles["microservices"] = map[string]string{
		"refarch_sandbox_network.tf":          microservicesNetwork,
		"refarch_sandbox_network_override.tf": microservicesNetworkOverride,
	}
}
