# The composition against mocked providers: one VPC (or the given network) for the three services, the services'
# real-AWS defaults passed through, the shared access-log bucket, the event topic's publish policy on services A's
# and C's roles, the sandbox switches reaching the services, and the input validation.
mock_provider "aws" {
  mock_resource "aws_vpc" {
    defaults = { id = "vpc-0123456789abcdef0" }
  }
  mock_resource "aws_subnet" {
    defaults = { id = "subnet-0123456789abcdef0" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0123456789abcdef0" }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188"
      arn_suffix = "app/shop/50dc6c495c0c9188"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/73e2d6bc24d8a067"
      arn_suffix = "targetgroup/shop/73e2d6bc24d8a067"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock", id = "mock" }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/mock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:shop-events-events" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-0000-4000-8000-000000000000" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-east-1:123456789012:mock", url = "https://sqs.us-east-1.amazonaws.com/123456789012/mock" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:mock"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:mock/invocations"
    }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = { execution_arn = "arn:aws:execute-api:us-east-1:123456789012:mock" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mock-AbCdEf" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { id = "shop-alb-logs-mock", arn = "arn:aws:s3:::shop-alb-logs-mock" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { id = "arn:aws:ecs:us-east-1:123456789012:cluster/shop-a" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-a:1" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_db_instance" {
    defaults = {
      address            = "shop-c-db.abc.us-east-1.rds.amazonaws.com"
      port               = 5432
      master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf", kms_key_id = "k", secret_status = "active" }]
    }
  }
  mock_resource "aws_eip" {
    defaults = { id = "eipalloc-0123456789abcdef0" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c"] }
  }
  mock_data "aws_elb_service_account" {
    defaults = { arn = "arn:aws:iam::127311923021:root" }
  }
  mock_data "aws_ssm_parameter" {
    defaults = { insecure_value = "ami-0123456789abcdef0", value = "ami-0123456789abcdef0" }
  }
  mock_data "aws_vpc" {
    defaults = { cidr_block = "10.0.0.0/16" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

mock_provider "refarch" {
  mock_data "refarch_lambda_package" {
    defaults = {
      filename         = "fn_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }
}

variables {
  name      = "shop"
  service_a = { image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.0" }
  service_c = { artifact_s3_uri = "s3://artifacts-bucket/orders/orders-arm64" }
  # One certificate covering both services' host names: real AWS needs one (or allow_plain_http).
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-0000-4000-8000-000000000000"
}

run "real_aws_defaults" {
  command = plan

  assert {
    condition     = length(module.vpc) == 1
    error_message = "without `network` the composition builds the shared VPC"
  }
  assert {
    condition     = module.service_a.app_environment.PORT == "8080" && module.service_c.app_environment.DB_NAME == "orders" && module.service_c.app_environment.DB_SSLMODE == "require"
    error_message = "services A and C get their programs' environment"
  }
  assert {
    condition     = module.service_c.db_instance_identifier == "shop-c-db" && module.service_c.db_username == "orders_admin"
    error_message = "service C's database is named after the deployment"
  }
  assert {
    condition     = length(aws_s3_bucket.access_logs) == 1 && one(one(aws_s3_bucket_server_side_encryption_configuration.access_logs[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256" && aws_s3_bucket_public_access_block.access_logs[0].restrict_public_buckets && length(aws_s3_bucket_lifecycle_configuration.access_logs) == 1 && length(aws_s3_bucket_ownership_controls.access_logs) == 1
    error_message = "one private SSE-S3 access-log bucket with expiry and BucketOwnerEnforced"
  }
  assert {
    condition     = !aws_s3_bucket.access_logs[0].force_destroy && var.deletion_protection
    error_message = "destroy must not empty the access-log bucket, and deletion protection (tables, database, load balancers) is on by default"
  }
  assert {
    condition     = [for s in jsondecode(local.access_logs_policy).Statement : s.Sid] == ["ElbLogDelivery", "ElbAccountLogDelivery", "DenyInsecureTransport"]
    error_message = "only Elastic Load Balancing may write the logs; plain HTTP is refused"
  }
}

run "https_by_default" {
  command = apply

  assert {
    condition     = startswith(output.service_a_url, "https://") && startswith(output.service_c_url, "https://")
    error_message = "services A and C are reached over HTTPS (443 with the certificate; 80 only redirects)"
  }
}

run "no_certificate_refused" {
  command = plan

  variables {
    certificate_arn = null
  }

  expect_failures = [var.allow_plain_http]
}

run "plain_http_only_when_allowed" {
  command = apply

  variables {
    certificate_arn     = null
    allow_plain_http    = true
    deletion_protection = false
  }

  assert {
    condition     = startswith(output.service_a_url, "http://") && startswith(output.service_c_url, "http://")
    error_message = "allow_plain_http without a certificate reaches both services: plain HTTP on 80"
  }
}

run "existing_network_and_sandbox_switches" {
  command = plan

  variables {
    network = {
      vpc_id             = "vpc-0123456789abcdef0"
      vpc_cidr_block     = "10.42.0.0/16"
      public_subnet_ids  = ["subnet-00000000000000a0a", "subnet-00000000000000b0b"]
      private_subnet_ids = ["subnet-00000000000001a1a", "subnet-00000000000001b1b"]
    }
    sandbox = {
      ecs_tasks                   = false
      ec2_compute                 = false
      rds_instance                = false
      manage_master_user_password = false
      security_group_references   = false
    }
    deletion_protection       = false
    access_logs_force_destroy = true
  }

  assert {
    condition     = aws_s3_bucket.access_logs[0].force_destroy
    error_message = "a disposable deployment empties the access-log bucket on destroy"
  }
  assert {
    condition     = length(module.vpc) == 0
    error_message = "with `network` no VPC is created"
  }
  assert {
    condition     = module.service_a.service_name == null && module.service_c.autoscaling_group_name == null && module.service_c.db_address == null
    error_message = "the sandbox switches reach the services"
  }
}

run "failures_are_visible" {
  command = apply

  variables {
    messaging = { kinesis = true, reserved_concurrent_executions = 50 }
  }

  assert {
    condition     = output.failure_handling.events_consumer_reserved_concurrent_executions == 50
    error_message = "messaging.reserved_concurrent_executions must cap the events consumer"
  }

  assert {
    condition     = length(module.alarm_topic) == 1 && output.alarm_topic_arn == module.alarm_topic[0].topic_arn
    error_message = "by default the deployment must create its own alarm topic and output it"
  }
  assert {
    condition     = output.failure_handling.service_b.alarm_actions == tolist([output.alarm_topic_arn]) && output.failure_handling.service_b.ok_actions == tolist([output.alarm_topic_arn]) && output.failure_handling.service_b.metric_name == "Errors"
    error_message = "service B's error alarm must notify the alarm topic when it fires and when it clears"
  }
  assert {
    condition     = output.failure_handling.service_b.tracing == "Active" && output.failure_handling.service_b.stage_tracing
    error_message = "service B's function and stage must be traced with X-Ray by default"
  }
  assert {
    condition     = length(output.failure_handling.events_dlq_alarm_names) == 2 && output.failure_handling.events_stream_failures.alarm_actions == tolist([output.alarm_topic_arn]) && output.failure_handling.events_stream_failures.tls_only && output.failure_handling.events_stream_failures.encryption == "SSE-KMS"
    error_message = "the events' DLQs and the stream failure queue must be alarmed (notifying the alarm topic), encrypted and TLS-only"
  }
  assert {
    condition = alltrue([for a in concat(values(output.failure_handling.service_a_alarms), values(output.failure_handling.service_c_alarms)) :
    a.alarm_actions == toset([output.alarm_topic_arn]) && a.ok_actions == toset([output.alarm_topic_arn])]) && toset(keys(output.failure_handling.service_a_alarms)) == toset(["target-5xx", "elb-5xx", "unhealthy-targets"]) && toset(keys(output.failure_handling.service_c_alarms)) == toset(["target-5xx", "elb-5xx", "unhealthy-targets"])
    error_message = "services A's and C's load balancers must alarm on 5xx answers and unhealthy targets, notifying the alarm topic"
  }
}

run "own_alarm_topic_and_sandbox_switches" {
  command = apply

  variables {
    alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:ops-pager"
    sandbox         = { tracing = false, alarm_treat_missing_data = "missing", kms_key_rotation = false }
  }

  assert {
    condition     = length(module.alarm_topic) == 0 && output.alarm_topic_arn == var.alarm_topic_arn && output.failure_handling.service_b.alarm_actions == tolist([var.alarm_topic_arn]) && output.failure_handling.service_a_alarms["elb-5xx"].alarm_actions == toset([var.alarm_topic_arn]) && output.failure_handling.service_c_alarms["unhealthy-targets"].ok_actions == toset([var.alarm_topic_arn])
    error_message = "alarm_topic_arn must replace the module's own topic"
  }
  assert {
    condition     = output.failure_handling.service_b.tracing != "Active" && !output.failure_handling.service_b.stage_tracing && output.failure_handling.events_stream_failures == null
    error_message = "sandbox.tracing = false turns service B's tracing off; no stream failure queue without the Kinesis option"
  }
}

run "rejects_bad_alarm_topic" {
  command = plan

  variables {
    alarm_topic_arn = "ops-pager"
  }

  expect_failures = [var.alarm_topic_arn]
}

run "rejects_bad_reserved_concurrency" {
  command = plan

  variables {
    messaging = { reserved_concurrent_executions = -2 }
  }

  expect_failures = [var.messaging]
}

run "name_too_long" {
  command = plan
  variables {
    name = "a-very-long-deployment-name"
  }
  expect_failures = [var.name]
}

run "network_with_one_az" {
  command = plan
  variables {
    network = {
      vpc_id             = "vpc-0123456789abcdef0"
      vpc_cidr_block     = "10.42.0.0/16"
      public_subnet_ids  = ["subnet-00000000000000a0a"]
      private_subnet_ids = ["subnet-00000000000001a1a"]
    }
  }
  expect_failures = [var.network]
}

run "too_few_azs" {
  command = plan
  variables {
    vpc = { az_count = 1 }
  }
  expect_failures = [var.vpc]
}

run "invalid_vpc_cidr" {
  command = plan
  variables {
    vpc = { cidr_block = "10.0.0.0/8" }
  }
  expect_failures = [var.vpc]
}
