# Microservices (architecture 173): three services of different shapes in one VPC, talking asynchronously.
#   - A: ALB → ECS Fargate → DynamoDB (modules/ecs-service), the orders API on DynamoDB;
#   - B: API Gateway → Lambda → ElastiCache (modules/lambda-cache-service), a catalog with cached lookups;
#   - C: ALB → EC2 Auto Scaling → RDS for PostgreSQL (modules/asg-rds-service), the orders API on PostgreSQL;
#   - events: SNS topic → SQS queues with DLQs → a Lambda consumer (modules/async-messaging), optionally Kinesis;
#     services A and C may publish to the topic (their roles get the module's publish policy).
# Both load balancers write access logs to one bucket.

module "vpc" {
  source = "../vpc"
  count  = var.network == null ? 1 : 0

  name                = var.name
  cidr_block          = var.vpc.cidr_block
  az_count            = var.vpc.az_count
  availability_zones  = var.vpc.availability_zones
  nat_gateway         = var.vpc.nat_gateway
  gateway_endpoints   = var.vpc.gateway_endpoints
  interface_endpoints = var.vpc.interface_endpoints
  flow_logs           = var.vpc.flow_logs
  tags                = var.tags
}

locals {
  network = var.network != null ? var.network : {
    vpc_id             = module.vpc[0].vpc_id
    vpc_cidr_block     = module.vpc[0].vpc_cidr_block
    public_subnet_ids  = module.vpc[0].public_subnet_ids
    private_subnet_ids = module.vpc[0].private_subnet_ids
  }
  access_logs = { for svc in ["a", "c"] : svc => var.access_logs ? { bucket = aws_s3_bucket.access_logs[0].id, prefix = "${var.name}-${svc}" } : null }
}

# ---------------------------------------------------------------------------------------------------------------------
# Access logs of both load balancers
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  count         = var.access_logs ? 1 : 0
  bucket_prefix = "${var.name}-alb-logs-"
  force_destroy = var.access_logs_force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  count  = var.access_logs && var.sandbox.bucket_ownership_controls ? 1 : 0
  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  count                   = var.access_logs ? 1 : 0
  bucket                  = aws_s3_bucket.access_logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Load balancers write access logs only to SSE-S3 buckets (SSE-KMS is not supported for them).
#trivy:ignore:AWS-0132
resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  count  = var.access_logs ? 1 : 0
  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  count  = var.access_logs && var.sandbox.bucket_lifecycle_rules ? 1 : 0
  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    id     = "expire-access-logs"
    status = "Enabled"
    filter {}
    expiration {
      days = var.access_logs_retention_days
    }
  }
}

data "aws_elb_service_account" "this" {
  count = var.access_logs ? 1 : 0
}

locals {
  access_logs_policy = var.access_logs ? jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Regions since August 2022 deliver as this service principal...
        Sid       = "ElbLogDelivery"
        Effect    = "Allow"
        Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.access_logs[0].arn}/*"
      },
      {
        # ...older ones as the region's Elastic Load Balancing account.
        Sid       = "ElbAccountLogDelivery"
        Effect    = "Allow"
        Principal = { AWS = data.aws_elb_service_account.this[0].arn }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.access_logs[0].arn}/*"
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.access_logs[0].arn, "${aws_s3_bucket.access_logs[0].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }) : null
}

resource "aws_s3_bucket_policy" "access_logs" {
  count      = var.access_logs ? 1 : 0
  bucket     = aws_s3_bucket.access_logs[0].id
  policy     = local.access_logs_policy
  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

# ---------------------------------------------------------------------------------------------------------------------
# Events between the services
# ---------------------------------------------------------------------------------------------------------------------

module "events" {
  source = "../async-messaging"

  name = "${var.name}-events"
  queues = {
    fulfilment = { max_receive_count = var.messaging.max_receive_count }
    analytics = {
      max_receive_count = var.messaging.max_receive_count
      filter_policy     = jsonencode({ type = ["order.created"] })
    }
  }
  consumer               = { queue = "fulfilment", report_batch_item_failures = var.sandbox.batch_item_failures, reserved_concurrent_executions = var.messaging.reserved_concurrent_executions }
  kinesis                = { enabled = var.messaging.kinesis }
  queue_sse              = var.sandbox.queue_sse
  kms_key_rotation       = var.sandbox.kms_key_rotation
  table_encryption       = var.sandbox.events_table_encryption
  point_in_time_recovery = var.sandbox.point_in_time_recovery
  dlq_alarm              = { enabled = var.sandbox.dlq_alarms, treat_missing_data = var.sandbox.alarm_treat_missing_data }
  alarm_topic_arn        = local.alarm_topic_arn
  deletion_protection    = var.deletion_protection
  log_retention_days     = var.log_retention_days
  tags                   = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# The services
# ---------------------------------------------------------------------------------------------------------------------

module "service_a" {
  source = "../ecs-service"

  name                     = "${var.name}-a"
  vpc_id                   = local.network.vpc_id
  vpc_cidr_block           = local.network.vpc_cidr_block
  public_subnet_ids        = local.network.public_subnet_ids
  private_subnet_ids       = local.network.private_subnet_ids
  certificate_arn          = var.certificate_arn
  allow_plain_http         = var.allow_plain_http
  access_logs_bucket       = local.access_logs["a"]
  deletion_protection      = var.deletion_protection
  alarm_topic_arn          = local.alarm_topic_arn
  alarm_treat_missing_data = var.sandbox.alarm_treat_missing_data
  container = {
    image        = var.service_a.image
    cpu          = var.service_a.cpu
    memory       = var.service_a.memory
    architecture = var.service_a.architecture
    environment  = { EVENTS_TOPIC_ARN = module.events.topic_arn }
  }
  scaling = {
    min_tasks            = var.service_a.min_tasks
    max_tasks            = var.service_a.max_tasks
    cpu_target_percent   = var.service_a.cpu_target_percent
    request_count_target = var.service_a.request_count_target
  }
  additional_policies       = { publish-events = module.events.publish_policy_json }
  point_in_time_recovery    = var.sandbox.point_in_time_recovery
  table_encryption          = var.sandbox.table_encryption
  container_insights        = var.sandbox.container_insights
  tasks                     = var.sandbox.ecs_tasks
  security_group_references = var.sandbox.security_group_references
  log_retention_days        = var.log_retention_days
  tags                      = var.tags
}

module "service_b" {
  source = "../lambda-cache-service"

  name           = "${var.name}-b"
  lambda_package = var.service_b.lambda_package
  vpc = {
    vpc_id     = local.network.vpc_id
    subnet_ids = local.network.private_subnet_ids
  }
  lambda_in_vpc = var.sandbox.lambda_in_vpc
  cache = {
    node_type          = var.service_b.cache_node_type
    num_cache_clusters = var.service_b.cache_nodes
    automatic_failover = var.service_b.cache_nodes >= 2
    multi_az           = var.service_b.cache_nodes >= 2
    ttl_seconds        = var.service_b.ttl_seconds
  }
  cache_endpoint_override = var.sandbox.cache_endpoint_override
  table_encryption        = var.sandbox.table_encryption
  point_in_time_recovery  = var.sandbox.point_in_time_recovery
  deletion_protection     = var.deletion_protection
  api = {
    method_settings = var.sandbox.api_stage_settings
    access_logs     = var.sandbox.api_stage_settings
    tracing         = var.sandbox.tracing
  }
  alarm_topic_arn             = local.alarm_topic_arn
  alarm_treat_missing_data    = var.sandbox.alarm_treat_missing_data
  log_retention_days          = var.log_retention_days
  secret_recovery_window_days = var.deletion_protection ? 30 : 7
  tags                        = var.tags
}

module "service_c" {
  source = "../asg-rds-service"

  name                     = "${var.name}-c"
  vpc_id                   = local.network.vpc_id
  vpc_cidr_block           = local.network.vpc_cidr_block
  public_subnet_ids        = local.network.public_subnet_ids
  private_subnet_ids       = local.network.private_subnet_ids
  certificate_arn          = var.certificate_arn
  allow_plain_http         = var.allow_plain_http
  access_logs_bucket       = local.access_logs["c"]
  deletion_protection      = var.deletion_protection
  alarm_topic_arn          = local.alarm_topic_arn
  alarm_treat_missing_data = var.sandbox.alarm_treat_missing_data
  app = {
    artifact_s3_uri = var.service_c.artifact_s3_uri
    environment     = { EVENTS_TOPIC_ARN = module.events.topic_arn }
  }
  instances = {
    instance_type = var.service_c.instance_type
    min_size      = var.service_c.min_size
    max_size      = var.service_c.max_size
  }
  database = {
    engine_version       = var.service_c.engine_version
    instance_class       = var.service_c.instance_class
    multi_az             = var.service_c.multi_az
    performance_insights = var.service_c.performance_insights
    final_snapshot       = var.service_c.final_snapshot
  }
  additional_policies         = { publish-events = module.events.publish_policy_json }
  compute                     = var.sandbox.ec2_compute
  db_instance                 = var.sandbox.rds_instance
  manage_master_user_password = var.sandbox.manage_master_user_password
  security_group_references   = var.sandbox.security_group_references
  ssm_managed_policy          = var.sandbox.ssm_managed_policy
  secret_recovery_window_days = var.deletion_protection ? 30 : 0
  log_retention_days          = var.log_retention_days
  tags                        = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Alarm topic: every alarm of the deployment notifies it (alarm and OK); alarm_topic_arn brings your own
# ---------------------------------------------------------------------------------------------------------------------

module "alarm_topic" {
  source = "../alarm-topic"
  count  = var.alarm_topic_arn == null ? 1 : 0

  name             = "${var.name}-alarms"
  kms_key_rotation = var.sandbox.kms_key_rotation
  tags             = var.tags
}

locals {
  alarm_topic_arn = var.alarm_topic_arn != null ? var.alarm_topic_arn : one(module.alarm_topic[*].topic_arn)
}
