# MyTodoList against mocked providers: the real-AWS defaults the sandbox cannot apply (PITR, identity pool, stage
# cache, DAX), the authorizer on every route, least privilege, and the per-user S3 folder policy.
mock_provider "aws" {
  # Mocked computed values must still pass the provider's own validation (ARNs are parsed, ids checked).
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
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/mytodolist-todos" }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "us-east-1_Mock12345"
      arn      = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Mock12345"
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Mock12345"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = { id = "4mockclientid1234567890abc" }
  }
  mock_resource "aws_cognito_identity_pool" {
    defaults = {
      id  = "us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab"
      arn = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id     = "mytodolist-files-mock"
      bucket = "mytodolist-files-mock"
      arn    = "arn:aws:s3:::mytodolist-files-mock"
    }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0f000000000000f01" }
  }
  mock_resource "aws_dax_cluster" {
    defaults = {
      arn             = "arn:aws:dax:us-east-1:123456789012:cache/mytodolist"
      cluster_address = "mytodolist.abc123.dax-clusters.us-east-1.amazonaws.com"
      port            = 9111
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:mytodolist-alarms" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

mock_provider "refarch" {
  mock_data "refarch_lambda_package" {
    defaults = {
      filename         = "todos_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }
  # What the provider renders for the bucket above with the default prefix and actions ($${…} is a literal ${…}).
  mock_data "refarch_cognito_identity_s3_prefix_policy" {
    defaults = {
      json = <<-JSON
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "OwnObjects",
              "Effect": "Allow",
              "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
              "Resource": "arn:aws:s3:::mytodolist-files-mock/private/$${cognito-identity.amazonaws.com:sub}/*"
            },
            {
              "Sid": "ListOwnFolder",
              "Effect": "Allow",
              "Action": ["s3:ListBucket"],
              "Resource": "arn:aws:s3:::mytodolist-files-mock",
              "Condition": {"StringLike": {"s3:prefix": ["private/$${cognito-identity.amazonaws.com:sub}/*"]}}
            }
          ]
        }
      JSON
    }
  }
}

run "real_aws_defaults" {
  command = apply

  # Failures are visible: X-Ray tracing, the function's error alarm notifying the deployment's own alarm topic.
  assert {
    condition     = length(module.alarm_topic) == 1 && output.alarm_topic_arn == module.alarm_topic[0].topic_arn && output.alarm_topic_arn == "arn:aws:sns:us-east-1:123456789012:mytodolist-alarms"
    error_message = "by default the deployment must create its own alarm topic and output it"
  }
  assert {
    condition     = output.observability.alarm_actions == tolist([output.alarm_topic_arn]) && output.observability.ok_actions == tolist([output.alarm_topic_arn]) && output.observability.metric_name == "Errors" && output.observability.comparison_operator == "GreaterThanThreshold" && output.observability.threshold == 0
    error_message = "the function's error alarm must notify the alarm topic when it fires and when it clears"
  }
  assert {
    condition     = output.observability.tracing == "Active" && output.observability.stage_tracing
    error_message = "the function and the stage must be traced with X-Ray by default"
  }

  assert {
    condition     = aws_dynamodb_table.todos.point_in_time_recovery[0].enabled
    error_message = "point-in-time recovery must be on by default"
  }
  assert {
    condition     = aws_dynamodb_table.todos.deletion_protection_enabled
    error_message = "the todos table is protected from deletion by default (the user pool and the bucket: see cognito-auth and user-storage)"
  }
  assert {
    condition     = aws_dynamodb_table.todos.server_side_encryption[0].enabled
    error_message = "the table must be encrypted with a KMS key (aws/dynamodb) by default"
  }
  assert {
    condition     = aws_dynamodb_table.todos.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.todos.hash_key == "owner" && aws_dynamodb_table.todos.range_key == "id"
    error_message = "on-demand table keyed by owner and id"
  }
  assert {
    condition     = module.api.function_name == "mytodolist"
    error_message = "function named after the deployment"
  }
  assert {
    condition     = output.identity_pool_id == "us-east-1:1234abcd-12ab-34cd-56ef-1234567890ab" && output.authenticated_role_arn != null
    error_message = "the identity pool is on by default"
  }
  assert {
    condition     = output.dax_endpoint == null && !output.stage_cache_enabled
    error_message = "DAX (needs subnets) and the stage cache (billed hourly) are off unless asked for"
  }
  assert {
    condition     = output.user_pool_id == "us-east-1_Mock12345" && output.user_pool_client_id == "4mockclientid1234567890abc" && output.bucket_name == "mytodolist-files-mock" && output.user_files_prefix == "private/"
    error_message = "outputs for the app and the tests"
  }
}

run "every_route_needs_a_user_pool_token" {
  command = apply

  assert {
    condition     = toset(keys(module.api.routes)) == toset(["GET /todos", "POST /todos", "GET /todos/{id}", "PATCH /todos/{id}", "DELETE /todos/{id}"])
    error_message = "the five todo routes: ${jsonencode(keys(module.api.routes))}"
  }
  assert {
    condition     = alltrue([for r in module.api.routes : r.authorization == "COGNITO_USER_POOLS"])
    error_message = "every route is behind the Cognito user-pool authorizer"
  }
  assert {
    condition     = module.api.authorizer.provider_arns == toset(["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Mock12345"]) && alltrue([for r in module.api.routes : r.authorizer_id == module.api.authorizer.id])
    error_message = "every route uses the one authorizer, which accepts this deployment's user pool only"
  }
}

run "function_gets_only_what_it_uses" {
  command = apply

  assert {
    condition = jsondecode(local.todos_policy).Statement == [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
      Resource = aws_dynamodb_table.todos.arn
    }]
    error_message = "the function may only get, put, update, delete and query the todos table: ${local.todos_policy}"
  }
  assert {
    condition = local.environment == {
      TABLE_NAME          = "mytodolist-todos"
      USER_POOL_ID        = "us-east-1_Mock12345"
      USER_POOL_CLIENT_ID = "4mockclientid1234567890abc"
    }
    error_message = "the function gets the table, the user pool and its client; no DAX_ENDPOINT or READ_CACHE_TTL unless set: ${jsonencode(local.environment)}"
  }
}

run "users_reach_only_their_own_folder" {
  command = apply

  assert {
    condition     = data.refarch_cognito_identity_s3_prefix_policy.user_files[0].bucket_arn == "arn:aws:s3:::mytodolist-files-mock" && data.refarch_cognito_identity_s3_prefix_policy.user_files[0].prefix == "private/"
    error_message = "the folder policy is rendered for the users' bucket under private/"
  }
  assert {
    condition     = keys(local.authenticated_role_policies) == tolist(["user-files"]) && local.authenticated_role_policies["user-files"] == data.refarch_cognito_identity_s3_prefix_policy.user_files[0].json
    error_message = "the folder policy, and nothing else, goes to the identity pool's authenticated role"
  }
  assert {
    condition     = module.auth.authenticated_role_policies["user-files"] == data.refarch_cognito_identity_s3_prefix_policy.user_files[0].json
    error_message = "the folder policy is attached to the authenticated role"
  }
  assert {
    condition     = strcontains(jsondecode(module.auth.authenticated_role_policies["user-files"]).Statement[0].Resource, "/private/$${cognito-identity.amazonaws.com:sub}/*")
    error_message = "objects are confined to private/<identity id>/"
  }
  assert {
    condition     = jsondecode(module.auth.authenticated_role_policies["user-files"]).Statement[1].Condition.StringLike["s3:prefix"] == ["private/$${cognito-identity.amazonaws.com:sub}/*"]
    error_message = "listing is confined to the caller's own folder by an s3:prefix condition"
  }
}

run "dax_when_subnets_are_given" {
  command = apply

  variables {
    dax = {
      vpc_id     = "vpc-0123456789abcdef0"
      subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]
    }
  }

  assert {
    condition     = local.environment.DAX_ENDPOINT == "daxs://mytodolist.abc123.dax-clusters.us-east-1.amazonaws.com:9111" && output.dax_endpoint == local.environment.DAX_ENDPOINT
    error_message = "the function gets the TLS endpoint of the cluster: ${jsonencode(local.environment)}"
  }
  assert {
    condition = jsondecode(local.todos_policy).Statement[1] == {
      Effect   = "Allow"
      Action   = ["dax:GetItem", "dax:PutItem", "dax:UpdateItem", "dax:DeleteItem", "dax:Query"]
      Resource = "arn:aws:dax:us-east-1:123456789012:cache/mytodolist"
    }
    error_message = "the function may use exactly these DAX actions, on this cluster only"
  }
  assert {
    condition     = module.api.function_vpc.subnet_ids == sort(var.dax.subnet_ids) && module.api.function_vpc.security_group_ids == tolist([aws_security_group.function[0].id])
    error_message = "the function joins the DAX subnets with its own security group"
  }
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.function_dax[0].from_port == 9111 &&
      aws_vpc_security_group_egress_rule.function_dax[0].referenced_security_group_id == module.dax[0].security_group_id &&
      aws_vpc_security_group_egress_rule.function_https[0].from_port == 443 &&
      aws_vpc_security_group_egress_rule.function_https[0].to_port == 443
    )
    error_message = "the function may reach only DAX (TLS port) and HTTPS"
  }
}

run "stage_cache_is_per_user" {
  command = apply

  variables {
    api = { cache = { enabled = true } }
  }

  assert {
    condition     = output.stage_cache_enabled && toset([for k, r in module.api.routes : k if r.cache_key_parameters != null]) == toset(["GET /todos", "GET /todos/{id}"])
    error_message = "only the two GET routes are cached"
  }
  assert {
    condition     = module.api.routes["GET /todos"].cache_key_parameters == tolist(["method.request.header.Authorization"]) && module.api.routes["GET /todos/{id}"].cache_key_parameters == tolist(["method.request.header.Authorization", "method.request.path.id"])
    error_message = "each cached response is keyed by the caller's token (and the todo id): ${jsonencode(module.api.routes)}"
  }
}

run "local_profile_switches_off_what_kumo_lacks_only" {
  command = apply

  variables {
    point_in_time_recovery   = false
    table_encryption         = "AWS_OWNED"
    api                      = { access_logs = false, method_settings = false, authorizer = false, tracing = false }
    auth                     = { identity_pool = false, allow_user_password_auth = true, security_settings = false }
    storage                  = { ownership_controls = false, lifecycle_rules = false }
    alarm_treat_missing_data = "missing"
    kms_key_rotation         = false
    deletion_protection      = false
  }

  assert {
    condition     = output.observability.tracing != "Active" && !output.observability.stage_tracing && output.observability.alarm_actions == tolist([output.alarm_topic_arn]) && length(module.alarm_topic) == 1
    error_message = "the sandbox switches turn tracing off only; the alarm topic and the error alarm's actions stay"
  }
  assert {
    condition     = !aws_dynamodb_table.todos.deletion_protection_enabled
    error_message = "a disposable deployment opts out of the table's deletion protection"
  }
  assert {
    condition     = length(data.refarch_cognito_identity_s3_prefix_policy.user_files) == 0 && length(local.authenticated_role_policies) == 0 && output.identity_pool_id == null
    error_message = "no identity pool, so no folder policy"
  }
  assert {
    condition     = alltrue([for r in module.api.routes : r.authorization == "NONE"])
    error_message = "the sandbox leaves the routes open (kumo neither returns nor enforces the authorizer)"
  }
  assert {
    condition     = jsondecode(local.todos_policy).Statement[0].Action == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
    error_message = "least privilege is unchanged"
  }
}

run "table_pitr_off_keeps_kms" {
  command = apply

  variables {
    point_in_time_recovery = false
  }

  assert {
    condition     = !aws_dynamodb_table.todos.point_in_time_recovery[0].enabled && aws_dynamodb_table.todos.server_side_encryption[0].enabled
    error_message = "turning PITR off must not change the table's KMS encryption"
  }
}

run "aws_owned_key_needs_no_kms_block" {
  command = apply

  variables {
    table_encryption = "AWS_OWNED"
  }

  assert {
    condition     = length(aws_dynamodb_table.todos.server_side_encryption) == 0 && length(jsondecode(local.todos_policy).Statement) == 1
    error_message = "AWS_OWNED uses DynamoDB's own key: no KMS block, no KMS grant"
  }
}

run "customer_managed_key_is_granted" {
  command = apply

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_dynamodb_table.todos.server_side_encryption[0].kms_key_arn == var.kms_key_arn && length(jsondecode(local.todos_policy).Statement) == 2
    error_message = "a customer-managed key is used for the table and granted to the function"
  }
}

run "read_cache_ttl_is_passed_on" {
  command = apply

  variables {
    read_cache_ttl_seconds = 30
  }

  assert {
    condition     = local.environment.READ_CACHE_TTL == "30"
    error_message = "READ_CACHE_TTL is set in seconds when given"
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "My_Todos"
  }
  expect_failures = [var.name]
}

run "rejects_dax_subnets_without_vpc" {
  command = plan
  variables {
    dax = { subnet_ids = ["subnet-0123456789abcdef0"] }
  }
  expect_failures = [var.dax]
}

run "rejects_folder_prefix_with_wildcard" {
  command = plan
  variables {
    storage = { prefix = "users/*/" }
  }
  expect_failures = [var.storage]
}

run "rejects_threat_protection_without_plus" {
  command = plan
  variables {
    auth = { threat_protection = "AUDIT" }
  }
  expect_failures = [var.auth]
}

run "own_alarm_topic" {
  command = apply

  variables {
    alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:ops-pager"
  }

  assert {
    condition     = length(module.alarm_topic) == 0 && output.alarm_topic_arn == var.alarm_topic_arn && output.observability.alarm_actions == tolist([var.alarm_topic_arn]) && output.observability.ok_actions == tolist([var.alarm_topic_arn])
    error_message = "alarm_topic_arn must replace the module's own topic for every alarm"
  }
}

run "rejects_bad_alarm_settings" {
  command = plan

  variables {
    alarm_topic_arn          = "ops-pager"
    alarm_treat_missing_data = "zero"
  }

  expect_failures = [var.alarm_topic_arn, var.alarm_treat_missing_data]
}
