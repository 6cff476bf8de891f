output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = module.dlq.url
}

output "event_source_mapping" {
  description = "The mapping as deployed: `uuid`, `event_source_arn`, `starting_position`, `batch_size`, `maximum_retry_attempts`, `bisect_batch_on_function_error`, `function_response_types` and `on_failure_destination_arn`; null when `event_source_mappings` is false."
  value = !var.event_source_mappings ? null : {
    uuid                           = aws_lambda_event_source_mapping.this[0].uuid
    event_source_arn               = aws_lambda_event_source_mapping.this[0].event_source_arn
    starting_position              = aws_lambda_event_source_mapping.this[0].starting_position
    batch_size                     = aws_lambda_event_source_mapping.this[0].batch_size
    maximum_retry_attempts         = aws_lambda_event_source_mapping.this[0].maximum_retry_attempts
    bisect_batch_on_function_error = aws_lambda_event_source_mapping.this[0].bisect_batch_on_function_error
    function_response_types        = sort(tolist(aws_lambda_event_source_mapping.this[0].function_response_types))
    on_failure_destination_arn     = aws_lambda_event_source_mapping.this[0].destination_config[0].on_failure[0].destination_arn
  }
}

output "policy_json" {
  description = "The function's stream/DLQ/logs policy (JSON), for review and tests."
  value       = local.policy
}

output "stream_arn" {
  description = "The stream the function reads (what a stand-in poller drives when `event_source_mappings` is false)."
  value       = var.stream_arn
}

output "dlq" {
  description = "The dead-letter queue's failure handling as deployed (the dead-letter-queue block's `settings`: encryption, TLS-only policy, the alarm's metric, threshold and actions) plus its `alarm_name`."
  value       = merge(module.dlq.settings, { alarm_name = module.dlq.alarm_name })
}
