# A Lambda function fed by a DynamoDB stream: its own role and log group, an event source mapping that reports
# partial batch failures and bisects failing batches, and an encrypted SQS dead-letter queue for records that still
# fail after the retries (the on-failure destination receives their metadata: shard, sequence numbers).

resource "aws_iam_role" "this" {
  name               = var.name
  description        = "Execution role of the ${var.name} stream function."
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# Encrypted, TLS-only, 14 days, alarmed (notifies alarm_topic_arn as soon as a failure lands there).
module "dlq" {
  source = "../dead-letter-queue"

  name                     = "${var.name}-dlq"
  kms_key_arn              = var.dlq_kms_key_arn
  queue_sse                = var.queue_sse
  alarm_description        = "Records of ${var.stream_arn} that ${var.name} failed to process after ${var.maximum_retry_attempts} retries: the messages hold their shard and sequence numbers (read the records from the stream within 24 hours, or from the table)."
  alarm_topic_arn          = var.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  tags                     = var.tags
}

moved {
  from = aws_sqs_queue.dlq
  to   = module.dlq.aws_sqs_queue.this
}

# Own log group, the stream's read actions on that stream only, SendMessage on the DLQ only. ListStreams has no
# resource type in IAM: it can only be granted on "*" (it lists stream ARNs, no data).
locals {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.this.arn}:*"
        },
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
          Resource = var.stream_arn
        },
        {
          Sid      = "ListStreams"
          Effect   = "Allow"
          Action   = ["dynamodb:ListStreams"]
          Resource = "*"
        },
        {
          Sid      = "SendFailuresToDlq"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = module.dlq.arn
        },
      ],
      var.dlq_kms_key_arn == null ? [] : [{ Sid = "EncryptDlq", Effect = "Allow", Action = ["kms:GenerateDataKey", "kms:Decrypt"], Resource = var.dlq_kms_key_arn }],
    )
  })
}

resource "aws_iam_role_policy" "stream" {
  name   = "stream"
  role   = aws_iam_role.this.id
  policy = local.policy
}

resource "aws_iam_role_policy" "extra" {
  count  = var.policy_json == null ? 0 : 1
  name   = "app"
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

resource "aws_lambda_function" "this" {
  function_name    = var.name
  description      = var.description
  role             = aws_iam_role.this.arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]
  filename         = var.lambda_package.filename
  source_code_hash = var.lambda_package.source_code_hash
  memory_size      = var.memory_size
  timeout          = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment {
    variables = var.environment
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.stream, aws_iam_role_policy.extra]
}

resource "aws_lambda_event_source_mapping" "this" {
  count = var.event_source_mappings ? 1 : 0

  event_source_arn               = var.stream_arn
  function_name                  = aws_lambda_function.this.arn
  starting_position              = var.starting_position
  batch_size                     = var.batch_size
  maximum_retry_attempts         = var.maximum_retry_attempts
  bisect_batch_on_function_error = var.bisect_batch_on_function_error
  function_response_types        = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = module.dlq.arn
    }
  }

  dynamic "filter_criteria" {
    for_each = length(var.event_names) > 0 ? [1] : []
    content {
      filter {
        pattern = jsonencode({ eventName = var.event_names })
      }
    }
  }
}
