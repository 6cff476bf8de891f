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
    condition     = length(jsondecode(aws_iam_role_policy.function_logs.policy).Statement) == 2 && length(aws_iam_role_policy.function_extra) == 0
    error_message = "no permissions beyond logging and X-Ray unless policy_json is given"
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.function_logs.policy).Statement : s if s.Resource == "*"]).Action == ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    error_message = "the role may only write X-Ray segments and telemetry beyond its log group (X-Ray has no resource types)"
  }
  assert {
    condition     = one(aws_lambda_function.this.tracing_config).mode == "Active" && aws_api_gateway_stage.this.xray_tracing_enabled && output.observability.tracing == "Active"
    error_message = "X-Ray active tracing must be on for the function and the stage by default"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.errors.namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.errors.metric_name == "Errors" && aws_cloudwatch_metric_alarm.errors.dimensions.FunctionName == aws_lambda_function.this.function_name
    error_message = "the function's errors must be alarmed"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.errors.statistic == "Sum" && aws_cloudwatch_metric_alarm.errors.comparison_operator == "GreaterThanThreshold" && aws_cloudwatch_metric_alarm.errors.threshold == 0 && aws_cloudwatch_metric_alarm.errors.period == 60 && aws_cloudwatch_metric_alarm.errors.treat_missing_data == "notBreaching"
    error_message = "the error alarm must fire on the first error in a minute and stay OK without invocations"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.errors.alarm_actions == null && length(output.observability.alarm_actions) == 0 && length(output.observability.ok_actions) == 0 && output.error_alarm_name == "unit-errors"
    error_message = "without alarm_topic_arn the alarm exists without actions"
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

run "request_authorizer_protects_routes" {
  command = apply

  variables {
    request_authorizer = {
      function_name    = "unit-origin-verify"
      invoke_arn       = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:unit-origin-verify/invocations"
      identity_sources = ["method.request.header.X-Origin-Verify"]
    }
    routes = [
      { method = "GET", path = "/todos" },
      { method = "GET", path = "/todos/{id}" },
      { method = "GET", path = "/health", authorization = "NONE" },
    ]
    cache = { enabled = true }
  }

  assert {
    condition = (
      aws_api_gateway_authorizer.request[0].type == "REQUEST" &&
      aws_api_gateway_authorizer.request[0].identity_source == "method.request.header.X-Origin-Verify" &&
      aws_api_gateway_authorizer.request[0].authorizer_result_ttl_in_seconds == 300 &&
      aws_api_gateway_authorizer.request[0].authorizer_uri == var.request_authorizer.invoke_arn &&
      length(aws_api_gateway_authorizer.cognito) == 0
    )
    error_message = "one REQUEST authorizer on the given function, identity source and default TTL"
  }
  assert {
    condition = alltrue([for k in ["GET /todos", "GET /todos/{id}"] :
      aws_api_gateway_method.this[k].authorization == "CUSTOM" && aws_api_gateway_method.this[k].authorizer_id == aws_api_gateway_authorizer.request[0].id
    ])
    error_message = "routes default to the request authorizer"
  }
  assert {
    condition     = aws_api_gateway_method.this["GET /health"].authorization == "NONE" && aws_api_gateway_method.this["GET /health"].authorizer_id == null
    error_message = "a route may opt out explicitly"
  }
  assert {
    condition = (
      aws_lambda_permission.request_authorizer[0].function_name == "unit-origin-verify" &&
      aws_lambda_permission.request_authorizer[0].principal == "apigateway.amazonaws.com" &&
      aws_lambda_permission.request_authorizer[0].source_arn == "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/${aws_api_gateway_authorizer.request[0].id}"
    )
    error_message = "only this authorizer of this API may invoke the authorizer function"
  }
  assert {
    condition     = aws_api_gateway_method.this["GET /todos"].request_parameters == tomap({ "method.request.header.X-Origin-Verify" = true })
    error_message = "a cached route behind the request authorizer keys its cache by the identity source: ${jsonencode(aws_api_gateway_method.this["GET /todos"].request_parameters)}"
  }
  assert {
    condition     = output.request_authorizer.id == aws_api_gateway_authorizer.request[0].id && output.routes["GET /todos"].authorization == "CUSTOM"
    error_message = "outputs name the request authorizer"
  }
}

run "request_authorizer_and_cognito_are_refused_together" {
  command = plan
  variables {
    cognito_user_pool_arns = ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"]
    request_authorizer = {
      function_name    = "unit-origin-verify"
      invoke_arn       = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:unit-origin-verify/invocations"
      identity_sources = ["method.request.header.X-Origin-Verify"]
    }
  }
  expect_failures = [aws_api_gateway_authorizer.request]
}

run "rejects_bad_request_authorizer" {
  command = plan
  variables {
    request_authorizer = {
      function_name      = "unit-origin-verify"
      invoke_arn         = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:unit-origin-verify/invocations"
      identity_sources   = ["X-Origin-Verify"]
      result_ttl_seconds = 7200
    }
  }
  expect_failures = [var.request_authorizer, var.request_authorizer]
}

run "alarm_topic_and_sandbox_switches" {
  command = apply

  variables {
    alarm_topic_arn          = "arn:aws:sns:us-east-1:123456789012:todos-alarms"
    tracing                  = false
    alarm_treat_missing_data = "missing"
  }

  assert {
    condition     = output.observability.alarm_actions == tolist([var.alarm_topic_arn]) && output.observability.ok_actions == tolist([var.alarm_topic_arn])
    error_message = "the error alarm must notify alarm_topic_arn when it fires and when it clears"
  }
  assert {
    condition     = length(aws_lambda_function.this.tracing_config) == 0 && !aws_api_gateway_stage.this.xray_tracing_enabled && length(jsondecode(aws_iam_role_policy.function_logs.policy).Statement) == 1
    error_message = "tracing = false (the sandbox only) must leave tracing and the X-Ray permission out"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.errors.treat_missing_data == "missing" && aws_cloudwatch_metric_alarm.errors.metric_name == "Errors"
    error_message = "the sandbox's missing-data switch must keep the alarm"
  }
}

run "rejects_bad_alarm_settings" {
  command = plan

  variables {
    alarm_topic_arn          = "todos-alarms"
    alarm_treat_missing_data = "zero"
  }

  expect_failures = [var.alarm_topic_arn, var.alarm_treat_missing_data]
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

run "no_cache_by_default" {
  command = apply

  assert {
    condition     = !aws_api_gateway_stage.this.cache_cluster_enabled && length(aws_api_gateway_method_settings.cache) == 0
    error_message = "no cache cluster and no cached methods by default"
  }
  assert {
    condition     = alltrue([for m in aws_api_gateway_method.this : m.request_parameters == null]) && alltrue([for i in aws_api_gateway_integration.this : i.cache_key_parameters == null])
    error_message = "without the cache, methods declare no request parameters and integrations no cache keys (as before)"
  }
}

run "stage_cache_keys_hold_the_caller" {
  command = apply

  variables {
    cognito_user_pool_arns = ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"]
    routes = [
      { method = "GET", path = "/todos", cache_query_parameters = ["done"] },
      { method = "POST", path = "/todos" },
      { method = "GET", path = "/todos/{id}" },
      { method = "GET", path = "/files/{key+}" },
      { method = "GET", path = "/health", authorization = "NONE" },
    ]
    cache = { enabled = true, ttl_seconds = 120 }
  }

  assert {
    condition     = aws_api_gateway_stage.this.cache_cluster_enabled && aws_api_gateway_stage.this.cache_cluster_size == "0.5"
    error_message = "a 0.5 GB cache cluster on the stage"
  }
  assert {
    condition     = toset(keys(aws_api_gateway_method_settings.cache)) == toset(["GET /todos", "GET /todos/{id}", "GET /files/{key+}", "GET /health"])
    error_message = "only GET routes are cached"
  }
  assert {
    condition     = aws_api_gateway_integration.this["GET /todos/{id}"].cache_key_parameters == toset(["method.request.header.Authorization", "method.request.path.id"])
    error_message = "GET /todos/{id} is cached per caller (Authorization header) and id: ${jsonencode(aws_api_gateway_integration.this["GET /todos/{id}"].cache_key_parameters)}"
  }
  assert {
    condition     = aws_api_gateway_method.this["GET /todos/{id}"].request_parameters == tomap({ "method.request.header.Authorization" = true, "method.request.path.id" = true })
    error_message = "the cache-key parameters are declared on the method"
  }
  assert {
    condition     = aws_api_gateway_integration.this["GET /todos"].cache_key_parameters == toset(["method.request.header.Authorization", "method.request.querystring.done"]) && aws_api_gateway_method.this["GET /todos"].request_parameters["method.request.querystring.done"] == false
    error_message = "GET /todos is cached per caller and per listed query-string parameter (optional on the method)"
  }
  assert {
    condition     = aws_api_gateway_integration.this["GET /files/{key+}"].cache_key_parameters == toset(["method.request.header.Authorization", "method.request.path.key"])
    error_message = "a greedy path parameter {key+} is keyed as path.key"
  }
  assert {
    condition     = alltrue([for k, i in aws_api_gateway_integration.this : contains(tolist(i.cache_key_parameters), "method.request.header.Authorization") if k != "GET /health" && k != "POST /todos"])
    error_message = "every cached authorized route keys on the Authorization header, so one user's response never serves another"
  }
  assert {
    condition     = aws_api_gateway_integration.this["GET /health"].cache_key_parameters == null && aws_api_gateway_method.this["GET /health"].request_parameters == null
    error_message = "an open route with no parameters has one cache entry"
  }
  assert {
    condition     = aws_api_gateway_integration.this["POST /todos"].cache_key_parameters == null && aws_api_gateway_method.this["POST /todos"].request_parameters == null
    error_message = "writes are never cached"
  }
  assert {
    condition     = aws_api_gateway_method_settings.cache["GET /todos/{id}"].method_path == "~1todos~1{id}/GET" && aws_api_gateway_method_settings.cache["GET /todos"].method_path == "~1todos/GET"
    error_message = "method paths use API Gateway's ~1 escaping"
  }
  assert {
    condition = alltrue([for s in aws_api_gateway_method_settings.cache : (
      s.settings[0].caching_enabled && s.settings[0].cache_ttl_in_seconds == 120 && s.settings[0].cache_data_encrypted &&
      s.settings[0].require_authorization_for_cache_control && s.settings[0].unauthorized_cache_control_header_strategy == "SUCCEED_WITH_RESPONSE_HEADER" &&
      s.settings[0].throttling_burst_limit == 100 && s.settings[0].throttling_rate_limit == 50
    )])
    error_message = "cached methods: encrypted, TTL from the variable, clients cannot flush the cache, same throttling as the stage"
  }
}

run "function_in_a_vpc" {
  command = apply

  variables {
    vpc = {
      subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  assert {
    condition     = aws_lambda_function.this.vpc_config[0].subnet_ids == toset(var.vpc.subnet_ids) && aws_lambda_function.this.vpc_config[0].security_group_ids == toset(var.vpc.security_group_ids)
    error_message = "the function runs in the given subnets and security groups"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.function_vpc[0].policy).Statement == [{
      Effect   = "Allow"
      Action   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      Resource = "*"
    }]
    error_message = "only the ENI actions of AWSLambdaVPCAccessExecutionRole, without its logs:* on every log group"
  }
  assert {
    condition     = length([for st in jsondecode(aws_iam_role_policy.function_logs.policy).Statement : st if anytrue([for a in st.Action : startswith(a, "logs:")])]) == 1 && one([for st in jsondecode(aws_iam_role_policy.function_logs.policy).Statement : st if contains(st.Action, "logs:PutLogEvents")]).Resource == "${aws_cloudwatch_log_group.function.arn}:*"
    error_message = "logging stays limited to the function's own log group"
  }
}

run "no_vpc_by_default" {
  command = apply

  assert {
    condition     = length(aws_lambda_function.this.vpc_config) == 0 && length(aws_iam_role_policy.function_vpc) == 0
    error_message = "no VPC and no ENI permissions by default"
  }
}

run "rejects_unknown_cache_size" {
  command = plan
  variables {
    cache = { enabled = true, size = "1" }
  }
  expect_failures = [var.cache]
}

run "rejects_cache_ttl_beyond_an_hour" {
  command = plan
  variables {
    cache = { enabled = true, ttl_seconds = 3601 }
  }
  expect_failures = [var.cache]
}

run "rejects_vpc_without_security_groups" {
  command = plan
  variables {
    vpc = { subnet_ids = ["subnet-0123456789abcdef0"], security_group_ids = [] }
  }
  expect_failures = [var.vpc]
}
