# Deploys Microservices (architecture 173): services A (ALB → ECS Fargate → DynamoDB), B (API Gateway → Lambda →
# ElastiCache) and C (ALB → EC2 Auto Scaling → RDS for PostgreSQL) in one VPC, with SNS → SQS (+ DLQs) → Lambda
# events between them. Real AWS: build and publish the orders program first (see modules/microservices/README.md),
# then `tofu init && tofu apply -var service_a_image=… -var service_c_artifact_s3_uri=…`. Local sandbox: the test
# harness adds an override file pointing both providers at kumo and turns off what the sandbox lacks through the
# variables below.

terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    refarch = {
      source  = "refarch/refarch"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}

provider "aws" {
  region = var.region

  # Tags on every resource the provider creates, on top of each resource's own (the real-AWS tests put their
  # refarch:test-run tag here; `make sweep-aws` finds leftovers by it).
  default_tags {
    tags = var.default_tags
  }
}

provider "refarch" {
  region = var.region

  # The same tags on what the refarch provider creates that AWS can tag (a signed-URL key pair's secret, a report
  # schedule's IAM role).
  default_tags {
    tags = var.default_tags
  }
}

module "microservices" {
  source = "../../modules/microservices"

  name             = var.name
  certificate_arn  = var.certificate_arn
  allow_plain_http = var.allow_plain_http
  network          = var.network
  vpc = {
    availability_zones = var.availability_zones
    nat_gateway        = var.nat_gateway
    flow_logs          = var.flow_logs
  }
  service_a = { image = var.service_a_image }
  service_c = {
    artifact_s3_uri = var.service_c_artifact_s3_uri
    final_snapshot  = var.final_snapshot
  }
  # An example is disposable: var.deletion_protection (default false) and var.access_logs_force_destroy (default true)
  # opt out of the module's data protection, so `destroy` takes the data with it (service C's final snapshot stays:
  # var.final_snapshot). Set them the other way round to keep it.
  deletion_protection       = var.deletion_protection
  access_logs_force_destroy = var.access_logs_force_destroy
  alarm_topic_arn           = var.alarm_topic_arn
  log_retention_days        = 30
  tags                      = var.tags

  sandbox = {
    point_in_time_recovery      = var.point_in_time_recovery
    table_encryption            = var.table_encryption
    container_insights          = var.container_insights
    ecs_tasks                   = var.ecs_tasks
    ec2_compute                 = var.ec2_compute
    rds_instance                = var.rds_instance
    manage_master_user_password = var.manage_master_user_password
    security_group_references   = var.security_group_references
    ssm_managed_policy          = var.ssm_managed_policy
    bucket_ownership_controls   = var.bucket_ownership_controls
    bucket_lifecycle_rules      = var.bucket_lifecycle_rules
    lambda_in_vpc               = var.lambda_in_vpc
    api_stage_settings          = var.api_stage_settings
    cache_endpoint_override     = var.cache_endpoint_override
    queue_sse                   = var.queue_sse
    kms_key_rotation            = var.kms_key_rotation
    events_table_encryption     = var.events_table_encryption
    dlq_alarms                  = var.dlq_alarms
    alarm_treat_missing_data    = var.alarm_treat_missing_data
    tracing                     = var.tracing
    batch_item_failures         = var.report_batch_item_failures
  }
}
