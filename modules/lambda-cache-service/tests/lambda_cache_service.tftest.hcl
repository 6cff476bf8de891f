# Service B against mocked providers: the cache's real-AWS settings the sandbox cannot apply (ElastiCache replication
# group, encryption, RBAC, Multi-AZ, subnet group, security groups), the function's least privilege and environment,
# the sandbox's cache_endpoint_override, and the input validation.
mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
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
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/svc-b-items" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0f00000000000000f" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      id  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:svc-b/cache-user-abc-AbCdEf"
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:svc-b/cache-user-abc-AbCdEf"
    }
  }
  mock_resource "aws_elasticache_replication_group" {
    defaults = {
      primary_endpoint_address = "master.svc-b-cache.abcdef.use1.cache.amazonaws.com"
      reader_endpoint_address  = "replica.svc-b-cache.abcdef.use1.cache.amazonaws.com"
    }
  }
  mock_data "aws_vpc" {
    defaults = { cidr_block = "10.0.0.0/16" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

mock_provider "refarch" {
  mock_data "refarch_lambda_package" {
    defaults = {
      filename         = "catalog_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }
}

variables {
  name = "svc-b"
  vpc = {
    vpc_id     = "vpc-0123456789abcdef0"
    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  }
}

run "real_aws_defaults" {
  command = apply

  assert {
    condition     = output.observability.tracing == "Active" && output.observability.stage_tracing && output.observability.metric_name == "Errors" && length(output.observability.alarm_actions) == 0
    error_message = "the catalog API is traced with X-Ray and its errors alarmed by default (actions only with alarm_topic_arn)"
  }

  assert {
    condition = (
      aws_elasticache_replication_group.this[0].engine == "valkey" &&
      aws_elasticache_replication_group.this[0].engine_version == "8.0" &&
      aws_elasticache_replication_group.this[0].num_cache_clusters == 2 &&
      aws_elasticache_replication_group.this[0].automatic_failover_enabled &&
      aws_elasticache_replication_group.this[0].multi_az_enabled
    )
    error_message = "Valkey 8.0, a primary and a replica, automatic failover and Multi-AZ by default"
  }
  assert {
    condition = (
      tostring(aws_elasticache_replication_group.this[0].at_rest_encryption_enabled) == "true" &&
      aws_elasticache_replication_group.this[0].transit_encryption_enabled &&
      aws_elasticache_replication_group.this[0].transit_encryption_mode == "required"
    )
    error_message = "the cache must encrypt at rest and require TLS"
  }
  assert {
    condition     = aws_elasticache_replication_group.this[0].user_group_ids == toset(["svc-b-users"]) && aws_elasticache_user_group.this[0].user_ids == toset(["svc-b-default", "svc-b-app"])
    error_message = "RBAC: the user group with the function's user and the default user"
  }
  assert {
    condition     = aws_elasticache_user.app[0].access_string == "on ~catalog:* -@all +get +set +del +ping +hello" && aws_elasticache_user.app[0].user_name == "svc-b-app"
    error_message = "the function's cache user may only GET/SET/DEL catalog:* keys"
  }
  assert {
    condition     = startswith(aws_elasticache_user.default[0].access_string, "off") && aws_elasticache_user.default[0].user_name == "default"
    error_message = "the default user must be switched off"
  }
  assert {
    condition     = aws_elasticache_user.app[0].passwords_wo == null && aws_secretsmanager_secret_version.cache_user[0].secret_string_wo == null && aws_secretsmanager_secret_version.cache_user[0].secret_string_wo_version == 1
    error_message = "passwords are write-only: never in the state"
  }
  assert {
    condition     = aws_elasticache_subnet_group.this[0].subnet_ids == toset(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]) && aws_elasticache_replication_group.this[0].subnet_group_name == "svc-b-cache"
    error_message = "the cache lives in the given private subnets"
  }
  assert {
    condition = (
      length(aws_security_group.cache[0].ingress) == 1 &&
      one(aws_security_group.cache[0].ingress).security_groups == toset([aws_security_group.function.id]) &&
      length(coalesce(one(aws_security_group.cache[0].ingress).cidr_blocks, [])) == 0 &&
      one(aws_security_group.cache[0].ingress).from_port == 6379 &&
      length(aws_security_group.cache[0].egress) == 0
    )
    error_message = "the cache's security group admits only the function's security group on the cache port, and has no egress"
  }
  assert {
    condition     = toset([for e in aws_security_group.function.egress : "${e.from_port}:${join(",", e.cidr_blocks)}"]) == toset(["443:0.0.0.0/0", "6379:10.0.0.0/16"])
    error_message = "the function may reach HTTPS (AWS APIs) and the cache port inside the VPC, nothing else"
  }
  assert {
    condition     = module.api.function_vpc != null
    error_message = "the function runs in the VPC by default"
  }
  assert {
    condition = jsondecode(local.function_policy).Statement == [
      { Sid = "ReadWriteItems", Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = "arn:aws:dynamodb:us-east-1:123456789012:table/svc-b-items" },
      { Sid = "ReadCacheCredentials", Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = "arn:aws:secretsmanager:us-east-1:123456789012:secret:svc-b/cache-user-abc-AbCdEf" },
    ]
    error_message = "the function may read and write items and read its cache credentials, nothing else"
  }
  assert {
    condition = local.environment == {
      ITEMS_TABLE       = "svc-b-items"
      CACHE_ENDPOINT    = "master.svc-b-cache.abcdef.use1.cache.amazonaws.com:6379"
      CACHE_TLS         = "true"
      CACHE_SECRET_ARN  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:svc-b/cache-user-abc-AbCdEf"
      CACHE_TTL_SECONDS = "300"
    }
    error_message = "the function reads through the replication group's primary endpoint over TLS"
  }
  assert {
    condition     = aws_dynamodb_table.items.point_in_time_recovery[0].enabled && aws_dynamodb_table.items.server_side_encryption[0].enabled && aws_dynamodb_table.items.hash_key == "id"
    error_message = "the items table: keyed by id, PITR, KMS encryption"
  }
  assert {
    condition     = aws_dynamodb_table.items.deletion_protection_enabled
    error_message = "the items table is protected from deletion by default"
  }
  assert {
    condition     = output.cache_endpoint == "master.svc-b-cache.abcdef.use1.cache.amazonaws.com:6379" && output.cache_replication_group_id != null
    error_message = "outputs name the replication group"
  }
}

run "customer_key_and_single_node" {
  command = apply

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    cache = {
      engine             = "redis"
      engine_version     = "7.1"
      num_cache_clusters = 1
      automatic_failover = false
      multi_az           = false
      ttl_seconds        = 60
      password_version   = 2
    }
  }

  assert {
    condition     = aws_elasticache_replication_group.this[0].kms_key_id == var.kms_key_arn && aws_secretsmanager_secret.cache_user.kms_key_id == var.kms_key_arn && aws_dynamodb_table.items.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "the customer key encrypts the cache, the secret and the table"
  }
  assert {
    condition     = contains([for s in jsondecode(local.function_policy).Statement : s.Sid], "DecryptWithKey")
    error_message = "the function may use the key"
  }
  assert {
    condition     = aws_elasticache_replication_group.this[0].engine == "redis" && !aws_elasticache_replication_group.this[0].automatic_failover_enabled && local.environment.CACHE_TTL_SECONDS == "60"
    error_message = "redis 7.1, one node, TTL 60"
  }
  assert {
    condition     = aws_elasticache_user.app[0].passwords_wo_version == 2 && aws_secretsmanager_secret_version.cache_user[0].secret_string_wo_version == 2
    error_message = "password_version rotates the user's password and the secret together"
  }
}

run "sandbox_override" {
  command = apply

  variables {
    cache_endpoint_override = { address = "127.0.0.1", port = 41234, tls = false }
    vpc = {
      vpc_id     = "vpc-0123456789abcdef0"
      subnet_ids = ["subnet-0123456789abcdef0"]
    }
    lambda_in_vpc            = false
    point_in_time_recovery   = false
    table_encryption         = "AWS_OWNED"
    api                      = { tracing = false }
    alarm_topic_arn          = "arn:aws:sns:us-east-1:123456789012:shop-alarms"
    alarm_treat_missing_data = "missing"
    deletion_protection      = false
  }

  assert {
    condition     = output.observability.tracing != "Active" && !output.observability.stage_tracing && output.observability.alarm_actions == tolist([var.alarm_topic_arn]) && output.observability.ok_actions == tolist([var.alarm_topic_arn])
    error_message = "tracing = false (sandbox) turns tracing off only; the error alarm notifies alarm_topic_arn"
  }
  assert {
    condition     = !aws_dynamodb_table.items.deletion_protection_enabled
    error_message = "a disposable deployment opts out of the table's deletion protection"
  }
  assert {
    condition     = length(aws_elasticache_replication_group.this) == 0 && length(aws_elasticache_subnet_group.this) == 0 && length(aws_elasticache_user.app) == 0 && length(aws_security_group.cache) == 0 && length(aws_secretsmanager_secret_version.cache_user) == 0
    error_message = "with an override the module builds no cache, users, cache security group or secret value"
  }
  assert {
    condition     = local.environment.CACHE_ENDPOINT == "127.0.0.1:41234" && local.environment.CACHE_TLS == "false"
    error_message = "the function uses the override, without TLS as asked"
  }
  assert {
    condition     = module.api.function_vpc == null && output.cache_replication_group_id == null && output.cache_security_group_id == null
    error_message = "lambda_in_vpc = false leaves the function outside the VPC"
  }
}

run "override_keeps_tls_by_default" {
  command = plan

  variables {
    cache_endpoint_override = { address = "cache.internal.example" }
  }

  assert {
    condition     = local.environment.CACHE_ENDPOINT == "cache.internal.example:6379" && local.environment.CACHE_TLS == "true"
    error_message = "an override uses TLS and port 6379 unless told otherwise"
  }
}

run "invalid_engine_version" {
  command = plan
  variables {
    cache = { engine = "valkey", engine_version = "7.0" }
  }
  expect_failures = [var.cache]
}

run "failover_needs_a_replica" {
  command = plan
  variables {
    cache = { num_cache_clusters = 1 }
  }
  expect_failures = [var.cache]
}

run "invalid_name" {
  command = plan
  variables {
    name = "Svc--B-"
  }
  expect_failures = [var.name]
}

run "invalid_vpc" {
  command = plan
  variables {
    vpc = { vpc_id = "vpc-0123456789abcdef0", subnet_ids = [] }
  }
  expect_failures = [var.vpc]
}

run "invalid_override" {
  command = plan
  variables {
    cache_endpoint_override = { address = "", port = 0 }
  }
  expect_failures = [var.cache_endpoint_override]
}
