# A dead-letter queue that is never a silent sink: encrypted at rest (SSE-SQS, or a customer-managed KMS key), usable
# only over TLS, and alarmed: a CloudWatch alarm fires (and notifies the alarm topic) as soon as a message waits in it.
# What sends to it (a Lambda on-failure destination, a redrive policy, a scheduler) needs no queue policy grant: an
# identity policy of the same account or SQS itself.

resource "aws_sqs_queue" "this" {
  name                      = var.name
  message_retention_seconds = var.message_retention_seconds
  sqs_managed_sse_enabled   = var.queue_sse && var.kms_key_arn == null ? true : null # conflicts with kms_master_key_id
  kms_master_key_id         = var.queue_sse ? var.kms_key_arn : null
  tags                      = var.tags
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.this.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_cloudwatch_metric_alarm" "this" {
  alarm_name          = "${var.name}-not-empty"
  alarm_description   = coalesce(var.alarm_description, "Messages wait in the dead-letter queue ${var.name}: something failed for good. Read them, fix the cause, redrive or delete them.")
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.this.name }
  statistic           = "Maximum"
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
