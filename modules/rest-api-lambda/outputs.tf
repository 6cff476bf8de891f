output "invoke_url" {
  description = "Base URL of the stage, e.g. https://<id>.execute-api.<region>.amazonaws.com/v1 (append a route's path)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "execution_arn" {
  description = "Execution ARN of the REST API, for IAM policies and Lambda permissions."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "function_role_name" {
  description = "Name of the function's execution role, to attach more policies to."
  value       = aws_iam_role.function.name
}

output "function_log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.function.name
}

output "routes" {
  description = "The deployed routes, keyed `\"<METHOD> <path>\"`: `authorization` (`NONE`, `COGNITO_USER_POOLS` or `CUSTOM`), `authorizer_id` (null for open routes) and `cache_key_parameters` (null unless the route is cached)."
  value = { for k, m in aws_api_gateway_method.this : k => {
    authorization        = m.authorization
    authorizer_id        = m.authorizer_id
    cache_key_parameters = aws_api_gateway_integration.this[k].cache_key_parameters == null ? null : sort(tolist(aws_api_gateway_integration.this[k].cache_key_parameters))
  } }
}

output "authorizer" {
  description = "The Cognito user-pool authorizer: `id` and `provider_arns` (the user pools whose tokens it accepts); null without `cognito_user_pool_arns`."
  value       = length(aws_api_gateway_authorizer.cognito) == 0 ? null : { id = aws_api_gateway_authorizer.cognito[0].id, provider_arns = aws_api_gateway_authorizer.cognito[0].provider_arns }
}

output "request_authorizer" {
  description = "The Lambda REQUEST authorizer: `id`, `identity_source` and `result_ttl_seconds`; null without `request_authorizer`."
  value = length(aws_api_gateway_authorizer.request) == 0 ? null : {
    id                 = aws_api_gateway_authorizer.request[0].id
    identity_source    = aws_api_gateway_authorizer.request[0].identity_source
    result_ttl_seconds = aws_api_gateway_authorizer.request[0].authorizer_result_ttl_in_seconds
  }
}

output "function_vpc" {
  description = "The function's VPC placement (`vpc_id`, `subnet_ids`, `security_group_ids`); null when it runs outside a VPC."
  value = length(aws_lambda_function.this.vpc_config) == 0 ? null : {
    vpc_id             = aws_lambda_function.this.vpc_config[0].vpc_id
    subnet_ids         = sort(tolist(aws_lambda_function.this.vpc_config[0].subnet_ids))
    security_group_ids = sort(tolist(aws_lambda_function.this.vpc_config[0].security_group_ids))
  }
}

output "error_alarm_name" {
  description = "Name of the alarm that fires when the function fails (Errors > 0 in a minute)."
  value       = aws_cloudwatch_metric_alarm.errors.alarm_name
}

output "observability" {
  description = "What makes the function's failures visible, as deployed: `tracing` (X-Ray mode of the function, `Active` or `PassThrough`), `stage_tracing` (X-Ray on the stage), and the error alarm's `metric_name`, `comparison_operator`, `threshold`, `alarm_actions` and `ok_actions`."
  value = {
    tracing             = try(aws_lambda_function.this.tracing_config[0].mode, "PassThrough")
    stage_tracing       = aws_api_gateway_stage.this.xray_tracing_enabled
    metric_name         = aws_cloudwatch_metric_alarm.errors.metric_name
    comparison_operator = aws_cloudwatch_metric_alarm.errors.comparison_operator
    threshold           = aws_cloudwatch_metric_alarm.errors.threshold
    alarm_actions       = aws_cloudwatch_metric_alarm.errors.alarm_actions == null ? [] : sort(tolist(aws_cloudwatch_metric_alarm.errors.alarm_actions))
    ok_actions          = aws_cloudwatch_metric_alarm.errors.ok_actions == null ? [] : sort(tolist(aws_cloudwatch_metric_alarm.errors.ok_actions))
  }
}
