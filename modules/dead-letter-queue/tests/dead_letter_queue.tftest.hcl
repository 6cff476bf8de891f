# dead-letter-queue against a mocked provider: encrypted (SSE-SQS by default, or a KMS key), TLS-only, 14 days, and an
# alarm on the first visible message that notifies the alarm topic both ways; the sandbox switches; input validation.
mock_provider "aws" {
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:123456789012:thumbs-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/123456789012/thumbs-dlq"
    }
  }
}

variables {
  name            = "thumbs-dlq"
  alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:blog-alarms"
}

run "kms_key_and_no_topic" {
  command = apply

  # A queue created without SSE-SQS reads back false on AWS. Only a value the module leaves unset is overridden (a
  # configured true stays true and fails the assertion); Terraform's mock would invent one, OpenTofu's leaves null.
  # This run creates the queue: in a later run the value from the earlier state would carry over under either engine.
  override_resource {
    target = aws_sqs_queue.this
    values = { sqs_managed_sse_enabled = false }
  }

  variables {
    kms_key_arn               = "arn:aws:kms:us-east-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001"
    alarm_topic_arn           = null
    message_retention_seconds = 345600
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.this.sqs_managed_sse_enabled != true && output.settings.encryption == "SSE-KMS"
    error_message = "kms_key_arn must encrypt the queue with that key instead of SSE-SQS"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this.alarm_actions == null && length(output.settings.alarm_actions) == 0 && length(output.settings.ok_actions) == 0 && aws_sqs_queue.this.message_retention_seconds == 345600
    error_message = "without a topic the alarm still exists, without actions"
  }
}

run "sandbox_switches" {
  command = apply

  variables {
    queue_sse                = false
    alarm_treat_missing_data = "missing"
  }

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled != true && aws_sqs_queue.this.kms_master_key_id == null && output.settings.encryption == "none"
    error_message = "queue_sse = false leaves the encryption attributes out (kumo reports none)"
  }
  assert {
    condition     = output.settings.tls_only && aws_cloudwatch_metric_alarm.this.treat_missing_data == "missing" && output.settings.alarm_actions == tolist([var.alarm_topic_arn])
    error_message = "the sandbox switches must keep the TLS-only policy and the alarm with its actions"
  }
}

run "secure_defaults" {
  command = apply

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.this.kms_master_key_id == null && output.settings.encryption == "SSE-SQS"
    error_message = "the queue must be encrypted with SSE-SQS by default"
  }
  assert {
    condition     = aws_sqs_queue.this.message_retention_seconds == 1209600
    error_message = "failed messages must be kept 14 days (SQS's maximum) by default"
  }
  assert {
    condition     = output.settings.tls_only && length(jsondecode(aws_sqs_queue_policy.this.policy).Statement) == 1 && aws_sqs_queue_policy.this.queue_url == aws_sqs_queue.this.id
    error_message = "the queue policy must deny every request without TLS and grant nothing"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this.namespace == "AWS/SQS" && aws_cloudwatch_metric_alarm.this.metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.this.dimensions.QueueName == aws_sqs_queue.this.name
    error_message = "the alarm must watch the queue's visible messages"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this.comparison_operator == "GreaterThanThreshold" && aws_cloudwatch_metric_alarm.this.threshold == 0 && aws_cloudwatch_metric_alarm.this.period == 60 && aws_cloudwatch_metric_alarm.this.evaluation_periods == 1 && aws_cloudwatch_metric_alarm.this.treat_missing_data == "notBreaching"
    error_message = "the alarm must fire within a minute of the first message (> 0) and stay OK while the queue is idle"
  }
  assert {
    condition     = output.settings.alarm_actions == tolist([var.alarm_topic_arn]) && output.settings.ok_actions == tolist([var.alarm_topic_arn]) && output.alarm_name == "thumbs-dlq-not-empty"
    error_message = "the alarm must notify the alarm topic when it fires and when it clears"
  }
}

run "rejects_bad_inputs" {
  command = plan

  variables {
    name                      = "has spaces"
    message_retention_seconds = 30
    kms_key_arn               = "alias/aws/sqs"
    alarm_topic_arn           = "arn:aws:sqs:us-east-1:123456789012:not-a-topic"
    alarm_treat_missing_data  = "zero"
  }

  expect_failures = [var.name, var.message_retention_seconds, var.kms_key_arn, var.alarm_topic_arn, var.alarm_treat_missing_data]
}
