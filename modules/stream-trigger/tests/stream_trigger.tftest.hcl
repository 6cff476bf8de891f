# stream-trigger against a mocked provider: the mapping's failure handling (partial batch responses, bisect, retries,
# DLQ as on-failure destination), the encrypted DLQ, least privilege decoded from the policy, and input validation.
mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:us-east-1:123456789012:function:mock" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:123456789012:mock-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/123456789012/mock-dlq"
    }
  }
}

variables {
  name       = "users-welcome"
  stream_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/2026-01-01T00:00:00.000"
  lambda_package = {
    filename         = "welcome_arm64.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
}

run "secure_defaults" {
  command = apply

  assert {
    condition     = output.event_source_mapping.function_response_types == tolist(["ReportBatchItemFailures"]) && output.event_source_mapping.bisect_batch_on_function_error && output.event_source_mapping.maximum_retry_attempts == 3 && output.event_source_mapping.starting_position == "LATEST"
    error_message = "the mapping must report batch item failures, bisect, retry 3 times and start at LATEST"
  }
  assert {
    condition     = output.event_source_mapping.on_failure_destination_arn == output.dlq_arn && output.event_source_mapping.event_source_arn == var.stream_arn
    error_message = "the mapping must read the given stream and send failures to the DLQ"
  }
  assert {
    condition     = output.dlq.message_retention_seconds == 1209600 && output.dlq.encryption == "SSE-SQS" && output.dlq.tls_only
    error_message = "the DLQ must keep messages 14 days, be encrypted and deny requests without TLS"
  }
  assert {
    condition     = output.dlq.metric_name == "ApproximateNumberOfMessagesVisible" && output.dlq.comparison_operator == "GreaterThanThreshold" && output.dlq.threshold == 0 && output.dlq.alarm_name == "users-welcome-dlq-not-empty"
    error_message = "the DLQ must be alarmed as soon as a failed batch lands there"
  }
  assert {
    condition     = length(output.dlq.alarm_actions) == 0 && coalesce(aws_lambda_function.this.reserved_concurrent_executions, -1) == -1
    error_message = "without alarm_topic_arn the alarm has no actions; the function's concurrency is unreserved by default"
  }
  assert {
    condition     = length(aws_lambda_event_source_mapping.this[0].filter_criteria) == 0 && length(aws_iam_role_policy.extra) == 0
    error_message = "no event filter and no extra policy by default"
  }
  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_json).Statement : (
        s.Sid == "WriteOwnLogs" ? s.Resource == "${aws_cloudwatch_log_group.this.arn}:*" :
        s.Sid == "ReadStream" ? s.Resource == var.stream_arn && toset(s.Action) == toset(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]) :
        s.Sid == "ListStreams" ? s.Action == ["dynamodb:ListStreams"] :
        s.Sid == "SendFailuresToDlq" ? s.Resource == output.dlq_arn && s.Action == ["sqs:SendMessage"] :
        false
      )
    ]) && length(jsondecode(output.policy_json).Statement) == 4
    error_message = "the policy must be own logs, reads on the stream, ListStreams and SendMessage on the DLQ — nothing else"
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/users-welcome" && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "the function must have its own log group with retention"
  }
}

run "filter_kms_and_extra_policy" {
  command = apply

  variables {
    event_names                    = ["INSERT"]
    maximum_retry_attempts         = 5
    batch_size                     = 50
    dlq_kms_key_arn                = "arn:aws:kms:us-east-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001"
    alarm_topic_arn                = "arn:aws:sns:us-east-1:123456789012:blog-alarms"
    reserved_concurrent_executions = 5
    policy_json                    = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ses:SendEmail", Resource = "arn:aws:ses:us-east-1:123456789012:identity/a@example.com" }] })
  }

  assert {
    condition     = jsondecode(one(one(aws_lambda_event_source_mapping.this[0].filter_criteria).filter).pattern).eventName == ["INSERT"]
    error_message = "event_names must become an eventName filter"
  }
  assert {
    condition     = output.event_source_mapping.maximum_retry_attempts == 5 && output.event_source_mapping.batch_size == 50
    error_message = "batch size and retries must be configurable"
  }
  assert {
    condition     = output.dlq.kms_key_arn == var.dlq_kms_key_arn && output.dlq.encryption == "SSE-KMS" && length([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "EncryptDlq" && s.Resource == var.dlq_kms_key_arn]) == 1
    error_message = "a DLQ key must replace SSE-SQS and be usable by the function"
  }
  assert {
    condition     = length(aws_iam_role_policy.extra) == 1
    error_message = "policy_json must be attached"
  }
  assert {
    condition     = output.dlq.alarm_actions == tolist([var.alarm_topic_arn]) && output.dlq.ok_actions == tolist([var.alarm_topic_arn])
    error_message = "the DLQ's alarm must notify alarm_topic_arn when it fires and when it clears"
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 5
    error_message = "reserved_concurrent_executions must reach the function"
  }
}

run "rejects_table_arn_as_stream" {
  command = plan

  variables {
    stream_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/users"
  }

  expect_failures = [var.stream_arn]
}

run "rejects_unknown_event_name" {
  command = plan

  variables {
    event_names = ["UPDATE"]
  }

  expect_failures = [var.event_names]
}

run "rejects_bad_batch_size" {
  command = plan

  variables {
    batch_size = 0
  }

  expect_failures = [var.batch_size]
}

run "rejects_bad_alarm_and_concurrency_settings" {
  command = plan

  variables {
    alarm_topic_arn                = "blog-alarms"
    alarm_treat_missing_data       = "zero"
    reserved_concurrent_executions = -1
  }

  expect_failures = [var.alarm_topic_arn, var.alarm_treat_missing_data, var.reserved_concurrent_executions]
}

run "queue_sse_switch_for_emulators" {
  command = plan

  variables {
    queue_sse                = false
    alarm_treat_missing_data = "missing"
  }

  assert {
    condition     = output.dlq.encryption == "none" && output.dlq.tls_only && output.dlq.metric_name == "ApproximateNumberOfMessagesVisible"
    error_message = "queue_sse = false must leave the DLQ without SSE-SQS (emulators only) and keep its TLS-only policy and alarm"
  }
}

run "no_mapping_for_emulators" {
  command = plan

  variables {
    event_source_mappings = false
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.this) == 0 && output.stream_arn == var.stream_arn
    error_message = "event_source_mappings = false must leave the mapping out and still name the stream"
  }
}
