output "header_name" {
  description = "Name of the header the distribution must add to every origin request (`custom_header` of the origin)."
  value       = var.header_name
}

output "header_value" {
  description = "The secret the header must carry (the current value, read back from Secrets Manager once written, so a distribution that uses it is updated after the authorizer can accept it). Sensitive."
  value       = data.aws_secretsmanager_secret_version.current.secret_string
  sensitive   = true
}

output "authorizer" {
  description = "The REQUEST authorizer for rest-api-lambda's `request_authorizer`: `function_name`, `invoke_arn`, `identity_sources` (the header) and `result_ttl_seconds`."
  value = {
    function_name      = aws_lambda_function.this.function_name
    invoke_arn         = aws_lambda_function.this.invoke_arn
    identity_sources   = ["method.request.header.${var.header_name}"]
    result_ttl_seconds = var.result_ttl_seconds
  }
}

output "function_name" {
  description = "Name of the authorizer function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the authorizer function."
  value       = aws_lambda_function.this.arn
}

output "secret_arn" {
  description = "ARN of the Secrets Manager secret with the header's value (AWSCURRENT; during a rotation the value before is AWSPREVIOUS)."
  value       = aws_secretsmanager_secret.this.arn
}

output "observability" {
  description = "What makes the authorizer's failures visible, as deployed: `tracing` (X-Ray mode of the function, `Active` or `PassThrough`), the error alarm's `alarm_name`, `metric_name`, `alarm_actions` and `ok_actions`."
  value = {
    tracing       = try(aws_lambda_function.this.tracing_config[0].mode, "PassThrough")
    alarm_name    = aws_cloudwatch_metric_alarm.errors.alarm_name
    metric_name   = aws_cloudwatch_metric_alarm.errors.metric_name
    alarm_actions = aws_cloudwatch_metric_alarm.errors.alarm_actions == null ? [] : sort(tolist(aws_cloudwatch_metric_alarm.errors.alarm_actions))
    ok_actions    = aws_cloudwatch_metric_alarm.errors.ok_actions == null ? [] : sort(tolist(aws_cloudwatch_metric_alarm.errors.ok_actions))
  }
}
