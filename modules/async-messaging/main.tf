# Microservices (architecture 173), asynchronous patterns between services:
#   - an SNS topic (KMS-encrypted, TLS-only publishing) fans out to N SQS queues; each queue is encrypted, accepts
#     messages only from that topic and only over TLS, has its own dead-letter queue (maxReceiveCount per queue) and an
#     optional CloudWatch alarm on it; subscriptions take filter policies and raw message delivery;
#   - an optional Lambda consumer of one queue (event source mapping with ReportBatchItemFailures, batch size and
#     window, maximum concurrency) that stores each order event once in a DynamoDB table;
#   - an optional Kinesis data stream (on-demand or provisioned, KMS-encrypted) whose mapping to the same consumer
#     bisects failing batches and sends what still fails to an on-failure SQS queue.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  topic_name = "${var.name}-events"
  # Built from its parts (not the resource's arn) so that the key policy can name the topic the key encrypts.
  topic_arn = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.topic_name}"

  create_key  = var.kms_key_arn == null
  kms_key_arn = local.create_key ? aws_kms_key.this[0].arn : var.kms_key_arn

  # Every alarm notifies the alarm topic (when given) and any further actions of dlq_alarm.
  alarm_actions = distinct(concat(var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn], var.dlq_alarm.alarm_actions))

  queue_kms = var.queue_sse && var.queue_encryption == "KMS"
  queue_sqs = var.queue_sse && var.queue_encryption == "SQS_MANAGED"

  has_consumer   = var.consumer != null
  consumed_queue = try(var.consumer.queue, null)
  has_table      = local.has_consumer && try(var.consumer.events_table, false)
  has_stream     = var.kinesis.enabled
  stream_mapping = local.has_stream && local.has_consumer

  # AWS's advice for a queue a Lambda function consumes: a visibility timeout of at least six times the function's.
  visibility = { for k, q in var.queues : k => coalesce(q.visibility_timeout_seconds, k == local.consumed_queue ? 6 * var.consumer.timeout : 30) }

  consumer_package = !local.has_consumer ? null : (var.consumer.lambda_package != null ? var.consumer.lambda_package : {
    filename         = data.refarch_lambda_package.consumer[0].filename
    source_code_hash = data.refarch_lambda_package.consumer[0].source_code_hash
  })
}

# ---------------------------------------------------------------------------------------------------------------------
# KMS key (unless kms_key_arn): the account administers it; SNS may use it only for this topic
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_kms_key" "this" {
  count                   = local.create_key ? 1 : 0
  description             = "${var.name} messaging: SNS topic, SQS queues, events table and stream"
  enable_key_rotation     = var.kms_key_rotation
  deletion_window_in_days = var.kms_key_deletion_window_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersAndDelegatesToIAM"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # SNS encrypts the topic's messages and, delivering them, the encrypted queues' messages.
        Sid       = "SNSUsesKeyForThisTopic"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = { ArnEquals = { "aws:SourceArn" = local.topic_arn } }
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count         = local.create_key ? 1 : 0
  name          = "alias/${var.name}-messaging"
  target_key_id = aws_kms_key.this[0].key_id
}

# ---------------------------------------------------------------------------------------------------------------------
# Topic
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = local.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "this" {
  arn = aws_sns_topic.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "AccountManagesAndPublishes"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListSubscriptionsByTopic"]
        Resource  = aws_sns_topic.this.arn
      }],
      length(var.publisher_arns) == 0 ? [] : [{
        Sid       = "PublishersPublish"
        Effect    = "Allow"
        Principal = { AWS = var.publisher_arns }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
      }],
      [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }],
    )
  })
}

# ---------------------------------------------------------------------------------------------------------------------
# Queues: one per subscriber, each with its own dead-letter queue
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  for_each                          = var.queues
  name                              = "${var.name}-${each.key}-dlq"
  message_retention_seconds         = each.value.dlq_retention_seconds
  sqs_managed_sse_enabled           = local.queue_sqs ? true : null
  kms_master_key_id                 = local.queue_kms ? local.kms_key_arn : null
  kms_data_key_reuse_period_seconds = local.queue_kms ? 300 : null
  tags                              = var.tags
}

resource "aws_sqs_queue" "queue" {
  for_each                          = var.queues
  name                              = "${var.name}-${each.key}"
  visibility_timeout_seconds        = local.visibility[each.key]
  message_retention_seconds         = each.value.message_retention_seconds
  receive_wait_time_seconds         = 20
  sqs_managed_sse_enabled           = local.queue_sqs ? true : null
  kms_master_key_id                 = local.queue_kms ? local.kms_key_arn : null
  kms_data_key_reuse_period_seconds = local.queue_kms ? 300 : null

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = each.value.max_receive_count
  })

  tags = var.tags
}

# Only this topic may send to the queue, and nobody may use the queue without TLS.
resource "aws_sqs_queue_policy" "queue" {
  for_each  = var.queues
  queue_url = aws_sqs_queue.queue[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowThisTopicOnly"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.queue[each.key].arn
        Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.this.arn } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.queue[each.key].arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sqs_queue_policy" "dlq" {
  for_each  = var.queues
  queue_url = aws_sqs_queue.dlq[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.dlq[each.key].arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_sns_topic_subscription" "queue" {
  for_each             = var.queues
  topic_arn            = aws_sns_topic.this.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.queue[each.key].arn
  raw_message_delivery = each.value.raw_message_delivery
  filter_policy        = each.value.filter_policy
  filter_policy_scope  = each.value.filter_policy == null ? null : each.value.filter_policy_scope

  # The queue must accept the topic's messages before the first one arrives.
  depends_on = [aws_sqs_queue_policy.queue]
}

resource "aws_cloudwatch_metric_alarm" "dlq" {
  for_each            = var.dlq_alarm.enabled ? var.queues : {}
  alarm_name          = "${var.name}-${each.key}-dlq-not-empty"
  alarm_description   = "Messages of ${var.name}-${each.key} failed ${each.value.max_receive_count} times and wait in its dead-letter queue."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq[each.key].name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.dlq_alarm.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = var.dlq_alarm.treat_missing_data
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Kinesis stream (optional) and the queue that describes records the consumer gave up on
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_kinesis_stream" "this" {
  count            = local.has_stream ? 1 : 0
  name             = "${var.name}-events"
  shard_count      = var.kinesis.mode == "PROVISIONED" ? var.kinesis.shard_count : null
  retention_period = var.kinesis.retention_hours
  encryption_type  = "KMS"
  kms_key_id       = local.kms_key_arn

  stream_mode_details {
    stream_mode = var.kinesis.mode
  }

  tags = var.tags
}

# Encrypted like the other queues, TLS-only, 14 days, and alarmed on the first description (notifies the alarm topic).
module "stream_failures" {
  source = "../dead-letter-queue"
  count  = local.stream_mapping ? 1 : 0

  name                     = "${var.name}-stream-failures"
  kms_key_arn              = local.queue_kms ? local.kms_key_arn : null
  queue_sse                = var.queue_sse
  alarm_description        = "Batches of the ${var.name}-events stream the consumer gave up on after ${var.kinesis.maximum_retry_attempts} retries: each message describes the shard and sequence numbers. Read the records from the stream within its retention (${var.kinesis.retention_hours} h) and replay them."
  alarm_topic_arn          = var.alarm_topic_arn
  alarm_treat_missing_data = var.dlq_alarm.treat_missing_data
  tags                     = var.tags
}

moved {
  from = aws_sqs_queue.stream_failures[0]
  to   = module.stream_failures[0].aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.stream_failures[0]
  to   = module.stream_failures[0].aws_sqs_queue_policy.this
}

# ---------------------------------------------------------------------------------------------------------------------
# Consumer (optional): events table, function, least-privilege role, mappings
# ---------------------------------------------------------------------------------------------------------------------

data "refarch_lambda_package" "consumer" {
  count        = local.has_consumer && try(var.consumer.lambda_package, null) == null ? 1 : 0
  name         = "consumer"
  architecture = var.consumer.architecture
}

resource "aws_dynamodb_table" "events" {
  count                       = local.has_table ? 1 : 0
  name                        = "${var.name}-events"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "event_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "event_id"
    type = "S"
  }

  dynamic "server_side_encryption" {
    for_each = var.table_encryption == "AWS_OWNED" ? [] : [1]
    content {
      enabled     = true
      kms_key_arn = var.table_encryption == "KMS" ? local.kms_key_arn : null
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  tags = var.tags
}

resource "aws_iam_role" "consumer" {
  count              = local.has_consumer ? 1 : 0
  name               = "${var.name}-consumer"
  description        = "Execution role of the ${var.name} consumer function."
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "consumer" {
  count             = local.has_consumer ? 1 : 0
  name              = "/aws/lambda/${var.name}-consumer"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

locals {
  # Its own log group; receive/delete on the one queue it consumes; read the stream; report failures to the
  # on-failure queue; write the events table; use the key for the encrypted queue, stream and table.
  consumer_policy = !local.has_consumer ? null : jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "OwnLogGroup"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.consumer[0].arn}:*"
        },
        {
          Sid      = "ConsumeQueue"
          Effect   = "Allow"
          Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
          Resource = aws_sqs_queue.queue[local.consumed_queue].arn
        },
      ],
      local.has_table ? [{
        Sid      = "WriteEvents"
        Effect   = "Allow"
        Action   = ["dynamodb:PutItem"]
        Resource = aws_dynamodb_table.events[0].arn
      }] : [],
      local.stream_mapping ? [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"]
          Resource = aws_kinesis_stream.this[0].arn
        },
        {
          Sid      = "ReportStreamFailures"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = module.stream_failures[0].arn
        },
      ] : [],
      local.queue_kms || local.stream_mapping || (local.has_table && var.table_encryption == "KMS") ? [{
        Sid      = "UseMessagingKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = local.kms_key_arn
      }] : [],
    )
  })
}

resource "aws_iam_role_policy" "consumer" {
  count  = local.has_consumer ? 1 : 0
  name   = "consumer"
  role   = aws_iam_role.consumer[0].id
  policy = local.consumer_policy
}

resource "aws_lambda_function" "consumer" {
  count                          = local.has_consumer ? 1 : 0
  function_name                  = "${var.name}-consumer"
  description                    = "Consumes ${var.name} order events (SQS${local.stream_mapping ? ", Kinesis" : ""})"
  role                           = aws_iam_role.consumer[0].arn
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  architectures                  = [var.consumer.architecture]
  filename                       = local.consumer_package.filename
  source_code_hash               = local.consumer_package.source_code_hash
  memory_size                    = var.consumer.memory_size
  timeout                        = var.consumer.timeout
  reserved_concurrent_executions = var.consumer.reserved_concurrent_executions

  environment {
    variables = merge(var.consumer.environment, local.has_table ? { EVENTS_TABLE = aws_dynamodb_table.events[0].name } : {})
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.consumer, aws_cloudwatch_log_group.consumer]
}

resource "aws_lambda_event_source_mapping" "queue" {
  count                              = local.has_consumer ? 1 : 0
  event_source_arn                   = aws_sqs_queue.queue[local.consumed_queue].arn
  function_name                      = aws_lambda_function.consumer[0].arn
  batch_size                         = var.consumer.batch_size
  maximum_batching_window_in_seconds = var.consumer.maximum_batching_window_seconds
  # Only the messages the function reports come back; the rest of the batch is deleted.
  function_response_types = var.consumer.report_batch_item_failures ? ["ReportBatchItemFailures"] : null

  dynamic "scaling_config" {
    for_each = var.consumer.maximum_concurrency == null ? [] : [var.consumer.maximum_concurrency]
    content {
      maximum_concurrency = scaling_config.value
    }
  }

  depends_on = [aws_iam_role_policy.consumer]
}

resource "aws_lambda_event_source_mapping" "stream" {
  count                          = local.stream_mapping ? 1 : 0
  event_source_arn               = aws_kinesis_stream.this[0].arn
  function_name                  = aws_lambda_function.consumer[0].arn
  starting_position              = var.kinesis.starting_position
  batch_size                     = var.kinesis.batch_size
  maximum_retry_attempts         = var.kinesis.maximum_retry_attempts
  maximum_record_age_in_seconds  = var.kinesis.maximum_record_age_seconds
  parallelization_factor         = var.kinesis.parallelization_factor
  bisect_batch_on_function_error = true
  function_response_types        = var.consumer.report_batch_item_failures ? ["ReportBatchItemFailures"] : null

  destination_config {
    on_failure {
      destination_arn = module.stream_failures[0].arn
    }
  }

  depends_on = [aws_iam_role_policy.consumer]
}

# ---------------------------------------------------------------------------------------------------------------------
# What a producer needs to publish
# ---------------------------------------------------------------------------------------------------------------------

locals {
  publish_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "PublishEvents", Effect = "Allow", Action = ["sns:Publish"], Resource = aws_sns_topic.this.arn },
      { Sid = "EncryptForTopic", Effect = "Allow", Action = ["kms:GenerateDataKey*", "kms:Decrypt"], Resource = local.kms_key_arn },
    ]
  })
}
