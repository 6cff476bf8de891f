# Async messaging against mocked providers: the real-AWS settings the sandbox cannot apply or enforce (queue
# encryption, key rotation and policy, the Kinesis stream and its mapping, IAM), the queue policies, redrive, the
# consumer's mapping and least privilege, and the input validation.
mock_provider "aws" {
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:orders-events" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:123456789012:mock"
      id  = "https://sqs.us-east-1.amazonaws.com/123456789012/mock"
      url = "https://sqs.us-east-1.amazonaws.com/123456789012/mock"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-consumer" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-consumer" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders-events" }
  }
  mock_resource "aws_kinesis_stream" {
    defaults = { arn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders-events" }
  }
  mock_resource "aws_sns_topic_subscription" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:orders-events:sub" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
}

mock_provider "refarch" {
  mock_data "refarch_lambda_package" {
    defaults = {
      filename         = "consumer_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }
}

variables {
  name = "orders"
  queues = {
    billing = {}
    audit = {
      raw_message_delivery = true
      filter_policy        = "{\"type\":[\"order.created\"]}"
      max_receive_count    = 2
    }
  }
  consumer = { queue = "billing" }
}

run "real_aws_defaults" {
  command = apply

  assert {
    condition     = aws_kms_key.this[0].enable_key_rotation && aws_sns_topic.this.kms_master_key_id == aws_kms_key.this[0].arn
    error_message = "the topic is encrypted with the module's key, which rotates"
  }
  assert {
    condition = one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if s.Sid == "SNSUsesKeyForThisTopic"]) == {
      Sid       = "SNSUsesKeyForThisTopic"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Resource  = "*"
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:us-east-1:123456789012:orders-events" } }
    }
    error_message = "SNS may use the key only on behalf of this topic"
  }
  assert {
    condition     = alltrue([for q in concat(values(aws_sqs_queue.queue), values(aws_sqs_queue.dlq)) : q.kms_master_key_id == aws_kms_key.this[0].arn])
    error_message = "every queue and DLQ is encrypted with the key"
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.queue["billing"].redrive_policy).maxReceiveCount == 5 && jsondecode(aws_sqs_queue.queue["audit"].redrive_policy).maxReceiveCount == 2
    error_message = "each queue redrives to its DLQ after its maxReceiveCount"
  }
  assert {
    condition     = aws_sqs_queue.queue["billing"].visibility_timeout_seconds == 180 && aws_sqs_queue.queue["audit"].visibility_timeout_seconds == 30
    error_message = "the consumed queue's visibility timeout is six times the function's timeout"
  }
  assert {
    condition     = aws_sqs_queue.dlq["billing"].message_retention_seconds == 1209600
    error_message = "DLQs keep messages 14 days"
  }
  assert {
    condition = jsondecode(aws_sqs_queue_policy.queue["billing"].policy).Statement == [
      {
        Sid       = "AllowThisTopicOnly"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = "arn:aws:sqs:us-east-1:123456789012:mock"
        Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:us-east-1:123456789012:orders-events" } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = "arn:aws:sqs:us-east-1:123456789012:mock"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
    error_message = "only the topic may send to a queue, and only over TLS"
  }
  assert {
    condition     = contains([for s in jsondecode(aws_sns_topic_policy.this.policy).Statement : s.Sid], "DenyInsecureTransport")
    error_message = "the topic refuses publishing without TLS"
  }
  assert {
    condition     = aws_sns_topic_subscription.queue["audit"].raw_message_delivery && aws_sns_topic_subscription.queue["audit"].filter_policy_scope == "MessageAttributes" && !aws_sns_topic_subscription.queue["billing"].raw_message_delivery && aws_sns_topic_subscription.queue["billing"].filter_policy == null
    error_message = "per-subscription raw delivery and filter policy"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dlq) == 2 && aws_cloudwatch_metric_alarm.dlq["billing"].metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.dlq["billing"].threshold == 1
    error_message = "an alarm per DLQ by default"
  }
  assert {
    condition = (
      aws_lambda_event_source_mapping.queue[0].function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.queue[0].batch_size == 10 &&
      aws_cloudwatch_metric_alarm.dlq["billing"].treat_missing_data == "notBreaching" &&
      length(aws_lambda_event_source_mapping.queue[0].scaling_config) == 0
    )
    error_message = "the consumer reports partial batch failures"
  }
  assert {
    condition = jsondecode(local.consumer_policy).Statement == [
      { Sid = "OwnLogGroup", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-consumer:*" },
      { Sid = "ConsumeQueue", Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], Resource = "arn:aws:sqs:us-east-1:123456789012:mock" },
      { Sid = "WriteEvents", Effect = "Allow", Action = ["dynamodb:PutItem"], Resource = "arn:aws:dynamodb:us-east-1:123456789012:table/orders-events" },
      { Sid = "UseMessagingKey", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555" },
    ]
    error_message = "the consumer may log, consume its queue, write the events table and use the key — nothing else"
  }
  assert {
    condition     = aws_lambda_function.consumer[0].environment[0].variables.EVENTS_TABLE == "orders-events" && aws_lambda_function.consumer[0].runtime == "provided.al2023"
    error_message = "the consumer writes the events table"
  }
  assert {
    condition     = aws_dynamodb_table.events[0].point_in_time_recovery[0].enabled && aws_dynamodb_table.events[0].server_side_encryption[0].kms_key_arn == aws_kms_key.this[0].arn
    error_message = "events table: PITR and the messaging key"
  }
  assert {
    condition     = aws_dynamodb_table.events[0].deletion_protection_enabled
    error_message = "the events table is protected from deletion by default"
  }
  assert {
    condition     = length(aws_kinesis_stream.this) == 0 && length(aws_lambda_event_source_mapping.stream) == 0
    error_message = "no stream unless asked for"
  }
  assert {
    condition     = jsondecode(output.publish_policy_json).Statement[0].Action == ["sns:Publish"]
    error_message = "the producer policy allows publishing"
  }
}

run "kinesis_and_scaling" {
  command = apply

  variables {
    kinesis  = { enabled = true, maximum_retry_attempts = 2 }
    consumer = { queue = "billing", batch_size = 100, maximum_batching_window_seconds = 5, maximum_concurrency = 5, reserved_concurrent_executions = 20 }
  }

  assert {
    condition     = aws_kinesis_stream.this[0].encryption_type == "KMS" && aws_kinesis_stream.this[0].kms_key_id == aws_kms_key.this[0].arn && one(aws_kinesis_stream.this[0].stream_mode_details).stream_mode == "ON_DEMAND" && aws_kinesis_stream.this[0].shard_count == null
    error_message = "an on-demand stream encrypted with the key"
  }
  assert {
    condition = (
      aws_lambda_event_source_mapping.stream[0].bisect_batch_on_function_error &&
      aws_lambda_event_source_mapping.stream[0].maximum_retry_attempts == 2 &&
      one(one(aws_lambda_event_source_mapping.stream[0].destination_config).on_failure).destination_arn == module.stream_failures[0].arn &&
      aws_lambda_event_source_mapping.stream[0].function_response_types == toset(["ReportBatchItemFailures"])
    )
    error_message = "the stream mapping bisects failing batches and sends what still fails to the on-failure queue"
  }
  assert {
    condition     = one(aws_lambda_event_source_mapping.queue[0].scaling_config).maximum_concurrency == 5 && aws_lambda_event_source_mapping.queue[0].maximum_batching_window_in_seconds == 5
    error_message = "batch window and maximum concurrency reach the queue mapping"
  }
  assert {
    condition     = aws_lambda_function.consumer[0].reserved_concurrent_executions == 20 && output.consumer_reserved_concurrent_executions == 20
    error_message = "the consumer's reserved concurrency caps the function"
  }
  assert {
    condition     = contains([for s in jsondecode(local.consumer_policy).Statement : s.Sid], "ReadStream") && contains([for s in jsondecode(local.consumer_policy).Statement : s.Sid], "ReportStreamFailures")
    error_message = "the consumer may read the stream and report failures"
  }
  assert {
    condition     = output.kinesis_failure_queue.encryption == "SSE-KMS" && output.kinesis_failure_queue.kms_key_arn == aws_kms_key.this[0].arn && output.kinesis_failure_queue.tls_only && output.kinesis_failure_queue.message_retention_seconds == 1209600
    error_message = "the stream's on-failure queue must be encrypted with the key, TLS-only and keep descriptions 14 days"
  }
  assert {
    condition     = output.kinesis_failure_queue.metric_name == "ApproximateNumberOfMessagesVisible" && output.kinesis_failure_queue.comparison_operator == "GreaterThanThreshold" && output.kinesis_failure_queue.threshold == 0 && output.kinesis_failure_queue.alarm_name == "orders-stream-failures-not-empty"
    error_message = "the stream's on-failure queue must be alarmed on the first description"
  }
}

run "alarm_topic" {
  command = apply

  variables {
    kinesis         = { enabled = true }
    alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:shop-alarms"
    dlq_alarm       = { alarm_actions = ["arn:aws:sns:us-east-1:123456789012:pager"] }
  }

  assert {
    condition     = alltrue([for a in values(aws_cloudwatch_metric_alarm.dlq) : a.alarm_actions == toset([var.alarm_topic_arn, "arn:aws:sns:us-east-1:123456789012:pager"]) && a.ok_actions == a.alarm_actions])
    error_message = "the DLQ alarms must notify the alarm topic (and the further actions) when they fire and when they clear"
  }
  assert {
    condition     = output.kinesis_failure_queue.alarm_actions == tolist([var.alarm_topic_arn]) && output.kinesis_failure_queue.ok_actions == tolist([var.alarm_topic_arn])
    error_message = "the stream failure queue's alarm must notify the alarm topic"
  }
}

run "rejects_bad_alarm_topic" {
  command = plan

  variables {
    alarm_topic_arn = "shop-alarms"
  }

  expect_failures = [var.alarm_topic_arn]
}

run "provisioned_stream" {
  command = plan
  variables {
    kinesis = { enabled = true, mode = "PROVISIONED", shard_count = 2 }
  }
  assert {
    condition     = aws_kinesis_stream.this[0].shard_count == 2
    error_message = "a provisioned stream takes shard_count"
  }
}

run "customer_key_and_sqs_managed" {
  command = apply
  variables {
    kms_key_arn      = "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    queue_encryption = "SQS_MANAGED"
    consumer         = null
    dlq_alarm        = { enabled = false }
  }
  assert {
    condition     = length(aws_kms_key.this) == 0 && aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "a given key replaces the module's"
  }
  assert {
    condition     = alltrue([for q in values(aws_sqs_queue.queue) : q.sqs_managed_sse_enabled && q.kms_master_key_id == null])
    error_message = "SQS_MANAGED uses SSE-SQS"
  }
  assert {
    condition     = length(aws_lambda_function.consumer) == 0 && length(aws_cloudwatch_metric_alarm.dlq) == 0 && output.consumer_function_name == null
    error_message = "no consumer, no alarms"
  }
}

run "sandbox_switches" {
  command = apply
  variables {
    queue_sse              = false
    kms_key_rotation       = false
    point_in_time_recovery = false
    table_encryption       = "AWS_OWNED"
    consumer               = { queue = "billing", report_batch_item_failures = false }
    dlq_alarm              = { treat_missing_data = "missing" }
    deletion_protection    = false
  }
  assert {
    condition     = length(coalesce(aws_lambda_event_source_mapping.queue[0].function_response_types, [])) == 0 && aws_cloudwatch_metric_alarm.dlq["billing"].treat_missing_data == "missing"
    error_message = "the sandbox switches leave out FunctionResponseTypes and TreatMissingData, which kumo does not keep"
  }
  assert {
    condition     = alltrue([for q in values(aws_sqs_queue.queue) : q.kms_master_key_id == null]) && !aws_kms_key.this[0].enable_key_rotation
    error_message = "the sandbox switches turn off queue SSE attributes and key rotation"
  }
  assert {
    condition     = length(aws_dynamodb_table.events[0].server_side_encryption) == 0
    error_message = "AWS_OWNED leaves the table on DynamoDB's own key"
  }
  assert {
    condition     = !aws_dynamodb_table.events[0].deletion_protection_enabled
    error_message = "a disposable deployment opts out of the table's deletion protection"
  }
}

run "consumer_queue_must_exist" {
  command = plan
  variables {
    consumer = { queue = "nope" }
  }
  expect_failures = [var.consumer]
}

run "large_batch_needs_a_window" {
  command = plan
  variables {
    consumer = { queue = "billing", batch_size = 100 }
  }
  expect_failures = [var.consumer]
}

run "invalid_filter_policy" {
  command = plan
  variables {
    queues = { a = { filter_policy = "{not json" } }
  }
  expect_failures = [var.queues]
}

run "invalid_queue_key" {
  command = plan
  variables {
    queues   = { "Bad_Key" = {} }
    consumer = null
  }
  expect_failures = [var.queues]
}

run "invalid_kinesis_mode" {
  command = plan
  variables {
    kinesis = { enabled = true, mode = "BURST" }
  }
  expect_failures = [var.kinesis]
}
