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

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600                                                         # 14 days, SQS's maximum
  sqs_managed_sse_enabled   = var.dlq_encryption && var.dlq_kms_key_arn == null ? true : null # conflicts with kms_master_key_id
  kms_master_key_id         = var.dlq_encryption ? var.dlq_kms_key_arn : null
  tags                      = var.tags
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
          Resource = aws_sqs_queue.dlq.arn
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

  environment {
    variables = var.environment
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.stream, aws_iam_role_policy.extra]
}

resource "aws_lambda_event_source_mapping" "this" {
  count = var.event_source_mapping ? 1 : 0

  event_source_arn               = var.stream_arn
  function_name                  = aws_lambda_function.this.arn
  starting_position              = var.starting_position
  batch_size                     = var.batch_size
  maximum_retry_attempts         = var.maximum_retry_attempts
  bisect_batch_on_function_error = var.bisect_batch_on_function_error
  function_response_types        = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.dlq.arn
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
