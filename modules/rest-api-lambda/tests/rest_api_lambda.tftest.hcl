# Plan/apply against mocked providers: what the module builds, its secure defaults and its input validation.
mock_provider "aws" {
  # Mocked computed values must still pass the provider's own validation (ARNs are parsed).
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
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/mock" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  name           = "unit"
  lambda_package = { filename = "fn.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  routes = [
    { method = "GET", path = "/todos" },
    { method = "POST", path = "/todos" },
    { method = "GET", path = "/todos/{id}" },
    { method = "PUT", path = "/a/b/{c}" },
  ]
}

run "builds_one_resource_per_path_segment" {
  command = apply

  assert {
    condition     = toset(keys(aws_api_gateway_resource.depth1)) == toset(["/todos", "/a"])
    error_message = "depth-1 resources: ${jsonencode(keys(aws_api_gateway_resource.depth1))}"
  }
  assert {
    condition     = toset(keys(aws_api_gateway_resource.depth2)) == toset(["/todos/{id}", "/a/b"])
    error_message = "depth-2 resources: ${jsonencode(keys(aws_api_gateway_resource.depth2))}"
  }
  assert {
    condition     = aws_api_gateway_resource.depth3["/a/b/{c}"].path_part == "{c}"
    error_message = "depth-3 resource for /a/b/{c} missing"
  }
  assert {
    condition     = length(aws_api_gateway_method.this) == 4 && alltrue([for m in aws_api_gateway_method.this : m.authorization == "NONE"])
    error_message = "without user pools every route is NONE"
  }
  assert {
    condition     = alltrue([for i in aws_api_gateway_integration.this : i.type == "AWS_PROXY" && i.integration_http_method == "POST"])
    error_message = "every route must be a Lambda proxy integration"
  }
  assert {
    condition     = length(aws_api_gateway_authorizer.cognito) == 0
    error_message = "no authorizer without user pools"
  }
}

run "secure_defaults" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.runtime == "provided.al2023" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "function must be provided.al2023 on arm64 by default"
  }
  assert {
    condition     = aws_cloudwatch_log_group.function.retention_in_days == 365 && aws_cloudwatch_log_group.access[0].retention_in_days == 365
    error_message = "log groups must keep logs 365 days by default"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.function_logs.policy).Statement[0].Resource == "${aws_cloudwatch_log_group.function.arn}:*"
    error_message = "the function may write only to its own log group"
  }
  assert {
    condition     = length(jsondecode(aws_iam_role_policy.function_logs.policy).Statement) == 1 && length(aws_iam_role_policy.function_extra) == 0
    error_message = "no permissions beyond logging unless policy_json is given"
  }
  assert {
    condition     = aws_lambda_permission.api.source_arn == "${aws_api_gateway_rest_api.this.execution_arn}/*/*"
    error_message = "only this API may invoke the function"
  }
  assert {
    condition     = length(aws_api_gateway_stage.this.access_log_settings) == 1
    error_message = "access logs are on by default"
  }
  assert {
    condition     = aws_api_gateway_method_settings.all[0].settings[0].throttling_burst_limit == 100 && aws_api_gateway_method_settings.all[0].settings[0].throttling_rate_limit == 50
    error_message = "stage throttling defaults to burst 100, rate 50/s"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.endpoint_configuration[0].types == tolist(["REGIONAL"])
    error_message = "the API is regional"
  }
}

run "cognito_user_pools_protect_routes" {
  command = apply

  variables {
    cognito_user_pool_arns = ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"]
    routes = [
      { method = "GET", path = "/todos" },
      { method = "GET", path = "/health", authorization = "NONE" },
    ]
  }

  assert {
    condition     = aws_api_gateway_method.this["GET /todos"].authorization == "COGNITO_USER_POOLS" && aws_api_gateway_method.this["GET /todos"].authorizer_id == aws_api_gateway_authorizer.cognito[0].id
    error_message = "routes default to the Cognito authorizer when user pools are given"
  }
  assert {
    condition     = aws_api_gateway_method.this["GET /health"].authorization == "NONE"
    error_message = "a route may opt out explicitly"
  }
}

run "rejects_relative_path" {
  command = plan
  variables {
    routes = [{ method = "GET", path = "todos" }]
  }
  expect_failures = [var.routes]
}

run "rejects_unknown_method" {
  command = plan
  variables {
    routes = [{ method = "FETCH", path = "/todos" }]
  }
  expect_failures = [var.routes]
}

run "rejects_timeout_beyond_api_gateway_limit" {
  command = plan
  variables {
    timeout = 30
  }
  expect_failures = [var.timeout]
}

run "rejects_bad_log_retention" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}
