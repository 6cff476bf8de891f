# REST API (API Gateway, regional) → Lambda proxy integration → one Go function with its own least-privilege role.

data "aws_partition" "current" {}

locals {
  # Every route's path and all its prefixes, e.g. /todos/{id} → /todos, /todos/{id}.
  route_segments = [for r in var.routes : split("/", trimprefix(r.path, "/"))]
  paths = distinct(flatten([
    for segs in local.route_segments : [for i in range(1, length(segs) + 1) : "/${join("/", slice(segs, 0, i))}"]
  ]))
  depth1 = { for p in local.paths : p => basename(p) if length(split("/", p)) == 2 }
  depth2 = { for p in local.paths : p => basename(p) if length(split("/", p)) == 3 }
  depth3 = { for p in local.paths : p => basename(p) if length(split("/", p)) == 4 }

  resource_ids = merge(
    { for p, r in aws_api_gateway_resource.depth1 : p => r.id },
    { for p, r in aws_api_gateway_resource.depth2 : p => r.id },
    { for p, r in aws_api_gateway_resource.depth3 : p => r.id },
  )

  use_authorizer         = length(var.cognito_user_pool_arns) > 0
  use_request_authorizer = var.request_authorizer != null
  routes = { for r in var.routes : "${r.method} ${r.path}" => merge(r, {
    authorization = coalesce(r.authorization, local.use_request_authorizer ? "CUSTOM" : local.use_authorizer ? "COGNITO_USER_POOLS" : "NONE")
  }) }

  # Stage cache: only GET routes are cached. A cached route's cache key holds its path parameters, the query-string
  # parameters it names and, when it is authorized, the caller's Authorization header (a request authorizer's
  # identity sources) — so one user's cached response is never served to another. API Gateway takes cache keys only
  # from declared request parameters.
  cached_routes = var.cache.enabled ? { for k, r in local.routes : k => r if r.method == "GET" } : {}
  cache_request_parameters_all = { for k, r in local.cached_routes : k => merge(
    { for seg in split("/", trimprefix(r.path, "/")) : "method.request.path.${trimsuffix(trim(seg, "{}"), "+")}" => true if can(regex("^\\{.+\\}$", seg)) },
    { for q in r.cache_query_parameters : "method.request.querystring.${q}" => false },
    r.authorization == "COGNITO_USER_POOLS" ? { "method.request.header.Authorization" = true } : {},
    r.authorization == "CUSTOM" ? { for s in var.request_authorizer.identity_sources : s => true if startswith(s, "method.request.") } : {},
  ) }
  # Routes with no such parameter (an open route without path parameters) keep one cache entry and declare nothing.
  cache_request_parameters = { for k, p in local.cache_request_parameters_all : k => p if length(p) > 0 }
}

# ---------------------------------------------------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_iam_role" "function" {
  name               = "${var.name}-fn"
  description        = "Execution role of the ${var.name} function."
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# Only its own log group: not the managed AWSLambdaBasicExecutionRole, which may write to any log group.
resource "aws_iam_role_policy" "function_logs" {
  name = "logs"
  role = aws_iam_role.function.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.function.arn}:*" }],
      var.tracing ? [{ Effect = "Allow", Action = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource = "*" }] : [],
    )
  })
}

# In a VPC, Lambda creates and deletes the function's network interfaces with the function's role. These are the EC2
# actions of the managed AWSLambdaVPCAccessExecutionRole, without its logs:* on every log group. The EC2 Describe*
# actions cannot be limited to resources, and Lambda checks the others against "*" when the function is created.
resource "aws_iam_role_policy" "function_vpc" {
  count = var.vpc == null ? 0 : 1
  name  = "vpc-access"
  role  = aws_iam_role.function.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "function_extra" {
  count  = var.policy_json == null ? 0 : 1
  name   = "app"
  role   = aws_iam_role.function.id
  policy = var.policy_json
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  description                    = var.description
  role                           = aws_iam_role.function.arn
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  architectures                  = [var.architecture]
  filename                       = var.lambda_package.filename
  source_code_hash               = var.lambda_package.source_code_hash
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment {
    variables = var.environment
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  dynamic "tracing_config" {
    for_each = var.tracing ? [1] : []
    content {
      mode = "Active"
    }
  }

  tags = var.tags

  # The role's policies must exist before the first invocation can log.
  depends_on = [aws_iam_role_policy.function_logs, aws_iam_role_policy.function_extra, aws_iam_role_policy.function_vpc]
}

# A failed invocation (an error the function returned or a crash, a timeout; not a 4xx the handler answers) is seen,
# not only logged: the alarm fires on the first one in a minute and notifies the alarm topic.
resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-errors"
  alarm_description   = "The ${var.name} function failed (error, crash or timeout): API callers got 5xx answers. See its log group /aws/lambda/${var.name}${var.tracing ? " and its X-Ray traces" : ""}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = var.alarm_treat_missing_data
  # Null without a topic: AWS reads an alarm without actions back as null, not as an empty set.
  alarm_actions = var.alarm_topic_arn == null ? null : [var.alarm_topic_arn]
  ok_actions    = var.alarm_topic_arn == null ? null : [var.alarm_topic_arn]
  tags          = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = var.description

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags
}

resource "aws_api_gateway_resource" "depth1" {
  for_each    = local.depth1
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.value
}

resource "aws_api_gateway_resource" "depth2" {
  for_each    = local.depth2
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth1[dirname(each.key)].id
  path_part   = each.value
}

resource "aws_api_gateway_resource" "depth3" {
  for_each    = local.depth3
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth2[dirname(each.key)].id
  path_part   = each.value
}

resource "aws_api_gateway_authorizer" "cognito" {
  count           = local.use_authorizer ? 1 : 0
  name            = "${var.name}-cognito"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = var.cognito_user_pool_arns
  identity_source = "method.request.header.Authorization"
}

# A Lambda REQUEST authorizer (e.g. modules/origin-verify's): API Gateway calls it before the integration, with the
# identity sources required (401 without them) and its answer cached per their values for result_ttl_seconds.
resource "aws_api_gateway_authorizer" "request" {
  count                            = local.use_request_authorizer ? 1 : 0
  name                             = "${var.name}-request"
  rest_api_id                      = aws_api_gateway_rest_api.this.id
  type                             = "REQUEST"
  authorizer_uri                   = var.request_authorizer.invoke_arn
  identity_source                  = join(",", var.request_authorizer.identity_sources)
  authorizer_result_ttl_in_seconds = var.request_authorizer.result_ttl_seconds

  lifecycle {
    precondition {
      condition     = !local.use_authorizer
      error_message = "request_authorizer and cognito_user_pool_arns cannot be used together: a method has one authorizer, and every route would default to the request authorizer."
    }
  }
}

# Only this authorizer of this API may invoke the authorizer function.
resource "aws_lambda_permission" "request_authorizer" {
  count         = local.use_request_authorizer ? 1 : 0
  statement_id  = "AllowApiGatewayAuthorizer-${aws_api_gateway_rest_api.this.id}"
  action        = "lambda:InvokeFunction"
  function_name = var.request_authorizer.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/${aws_api_gateway_authorizer.request[0].id}"
}

resource "aws_api_gateway_method" "this" {
  for_each      = local.routes
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = local.resource_ids[each.value.path]
  http_method   = each.value.method
  authorization = each.value.authorization
  authorizer_id = each.value.authorization == "COGNITO_USER_POOLS" ? aws_api_gateway_authorizer.cognito[0].id : each.value.authorization == "CUSTOM" ? aws_api_gateway_authorizer.request[0].id : null

  # Declared only for cached routes (the cache key can use only declared parameters); null otherwise, as before.
  request_parameters = lookup(local.cache_request_parameters, each.key, null)
}

resource "aws_api_gateway_integration" "this" {
  for_each                = local.routes
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.this[each.key].resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.this.invoke_arn
  cache_key_parameters    = contains(keys(local.cache_request_parameters), each.key) ? sort(keys(local.cache_request_parameters[each.key])) : null
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowInvokeFromApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*"
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A new deployment whenever a route, its authorization, its method or its integration changes. Only values known
  # from configuration or stable ids: attributes the API echoes back (which may be normalised) would redeploy forever.
  # The request authorizer's settings join only when it exists, so the hash of an API without one is unchanged.
  triggers = {
    redeployment = sha1(jsonencode(concat([
      local.routes,
      local.cache_request_parameters,
      aws_lambda_function.this.invoke_arn,
      aws_api_gateway_authorizer.cognito[*].id,
      [for k, m in aws_api_gateway_method.this : m.id],
      [for k, i in aws_api_gateway_integration.this : i.id],
    ], [for a in aws_api_gateway_authorizer.request : { settings = var.request_authorizer, id = a.id }])))
  }

  lifecycle {
    create_before_destroy = true
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Stage, logging, throttling
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_iam_role" "apigateway_logging" {
  count              = var.manage_account_logging_role ? 1 : 0
  name               = "${var.name}-apigw-logs"
  description        = "Lets API Gateway write CloudWatch logs in this account and region."
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "apigateway.amazonaws.com" } }] })
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "apigateway_logging" {
  count      = var.manage_account_logging_role ? 1 : 0
  role       = aws_iam_role.apigateway_logging[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count               = var.manage_account_logging_role ? 1 : 0
  cloudwatch_role_arn = aws_iam_role.apigateway_logging[0].arn
  depends_on          = [aws_iam_role_policy_attachment.apigateway_logging]
}

resource "aws_cloudwatch_log_group" "access" {
  count             = var.access_logs ? 1 : 0
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = var.tracing

  # A dedicated cache cluster, billed per hour while it exists (see var.cache).
  cache_cluster_enabled = var.cache.enabled
  cache_cluster_size    = var.cache.enabled ? var.cache.size : null

  dynamic "access_log_settings" {
    for_each = var.access_logs ? [1] : []
    content {
      destination_arn = aws_cloudwatch_log_group.access[0].arn
      format = jsonencode({
        requestId      = "$context.requestId"
        ip             = "$context.identity.sourceIp"
        requestTime    = "$context.requestTime"
        httpMethod     = "$context.httpMethod"
        resourcePath   = "$context.resourcePath"
        status         = "$context.status"
        responseLength = "$context.responseLength"
        user           = "$context.authorizer.claims.sub"
      })
    }
  }

  tags       = var.tags
  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  count       = var.throttling == null ? 0 : 1
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    throttling_burst_limit = var.throttling.burst_limit
    throttling_rate_limit  = var.throttling.rate_limit
  }
}

# Caching for each GET route (the stage-wide settings above leave caching off). Each override repeats the stage's
# metrics and throttling, so that a cached method keeps the same limits.
resource "aws_api_gateway_method_settings" "cache" {
  for_each    = local.cached_routes
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  # API Gateway's key for one method: the resource path with every "/" written as "~1", then the method.
  method_path = "${replace(each.value.path, "/", "~1")}/${each.value.method}"

  settings {
    metrics_enabled        = var.throttling != null
    throttling_burst_limit = var.throttling == null ? -1 : var.throttling.burst_limit
    throttling_rate_limit  = var.throttling == null ? -1 : var.throttling.rate_limit

    caching_enabled      = true
    cache_ttl_in_seconds = var.cache.ttl_seconds
    cache_data_encrypted = true
    # Clients cannot flush or bypass the cache with "Cache-Control: max-age=0" (that needs the IAM permission
    # execute-api:InvalidateCache); such requests are answered from the cache with a warning header, not refused.
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = "SUCCEED_WITH_RESPONSE_HEADER"
  }

  # One UpdateStage at a time: concurrent patches of the same stage conflict.
  depends_on = [aws_api_gateway_method_settings.all]
}
