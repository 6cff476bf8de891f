output "arn" {
  description = "ARN of the queue (an on-failure destination, a redrive target or a scheduler's dead-letter queue)."
  value       = aws_sqs_queue.this.arn
}

output "url" {
  description = "URL of the queue."
  value       = aws_sqs_queue.this.url
}

output "name" {
  description = "Name of the queue."
  value       = aws_sqs_queue.this.name
}

output "alarm_name" {
  description = "Name of the alarm that fires while messages wait in the queue."
  value       = aws_cloudwatch_metric_alarm.this.alarm_name
}

output "settings" {
  description = "The queue's failure-handling settings as deployed, for callers' tests and reviews: `encryption` (`SSE-KMS`, `SSE-SQS` or `none`), `kms_key_arn`, `message_retention_seconds`, `tls_only` (the queue policy denies requests without TLS), and the alarm's `metric_name`, `comparison_operator`, `threshold`, `alarm_actions` and `ok_actions`."
  value = {
    encryption                = aws_sqs_queue.this.kms_master_key_id != null ? "SSE-KMS" : (var.queue_sse && aws_sqs_queue.this.sqs_managed_sse_enabled == true ? "SSE-SQS" : "none")
    kms_key_arn               = aws_sqs_queue.this.kms_master_key_id
    message_retention_seconds = aws_sqs_queue.this.message_retention_seconds
    tls_only                  = anytrue([for s in jsondecode(aws_sqs_queue_policy.this.policy).Statement : s.Effect == "Deny" && s.Action == "sqs:*" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"])
    metric_name               = aws_cloudwatch_metric_alarm.this.metric_name
    comparison_operator       = aws_cloudwatch_metric_alarm.this.comparison_operator
    threshold                 = aws_cloudwatch_metric_alarm.this.threshold
    alarm_actions             = aws_cloudwatch_metric_alarm.this.alarm_actions == null ? [] : sort(tolist(aws_cloudwatch_metric_alarm.this.alarm_actions))
    ok_actions                = aws_cloudwatch_metric_alarm.this.ok_actions == null ? [] : sort(tolist(aws_cloudwatch_metric_alarm.this.ok_actions))
  }
}
