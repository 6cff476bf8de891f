# Origin verification: an API behind a CloudFront distribution is reachable only through it. The distribution adds a
# secret header to every request it sends to the API (`header_name` = `header_value`, this module's outputs); an API
# Gateway REQUEST authorizer (this module's function, attached by rest-api-lambda's `request_authorizer`) lets a
# request through only when the header carries the secret, so a direct call never reaches the API's own function
# and the distribution's WAF, cache and logs cannot be bypassed.
#   - the secret: 64 random letters and digits from Secrets Manager, generated ephemerally and written write-only as a
#     new version of the secret whenever `secret_version` changes (Secrets Manager keeps the one before as
#     AWSPREVIOUS, which the authorizer accepts too while `accept_previous` is true);
#   - the authorizer: a Go function reading the secret (cached, re-read on a rotation), comparing in constant time.

data "aws_region" "current" {}

data "refarch_lambda_package" "originverify" {
  count        = var.lambda_package == null ? 1 : 0
  name         = "originverify"
  architecture = var.architecture
}

locals {
  package = var.lambda_package != null ? var.lambda_package : {
    filename         = data.refarch_lambda_package.originverify[0].filename
    source_code_hash = data.refarch_lambda_package.originverify[0].source_code_hash
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# The secret: a new random value per secret_version, written write-only; the distribution reads the current one back
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "this" {
  name_prefix = "${var.name}/origin-secret-"
  description = "Value of the ${var.header_name} header that CloudFront sends to ${var.name}'s origin (AWSCURRENT; AWSPREVIOUS during a rotation)."
  kms_key_id  = var.kms_key_arn
  # Nothing to recover: the distribution holds the value, and a new deployment generates a new one.
  recovery_window_in_days = 0
  tags                    = var.tags
}

# Generated on every run but never stored: only a new version of the secret (secret_version changed) writes it.
ephemeral "aws_secretsmanager_random_password" "value" {
  password_length     = 64
  exclude_punctuation = true
  include_space       = false
}

# Write-only: the version keeps no copy of the value in the state. A new secret_version replaces it (the provider
# writes a write-only value only when it creates a version), and Secrets Manager moves the value before to AWSPREVIOUS.
resource "aws_secretsmanager_secret_version" "this" {
  secret_id                = aws_secretsmanager_secret.this.id
  secret_string_wo         = ephemeral.aws_secretsmanager_random_password.value.random_password
  secret_string_wo_version = var.secret_version
}

# The value the distribution sends: the version just written, read back (a sensitive attribute, so plans never show
# it). CloudFront has no write-only header attribute, so the value is in the state here and in the distribution.
data "aws_secretsmanager_secret_version" "current" {
  secret_id  = aws_secretsmanager_secret.this.id
  version_id = aws_secretsmanager_secret_version.this.version_id
}

# ---------------------------------------------------------------------------------------------------------------------
# The authorizer function: its own role (logs, this secret), its own log group
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_iam_role" "function" {
  name               = var.name
  description        = "Execution role of the ${var.name} origin-verify authorizer."
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

locals {
  function_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.function.arn}:*"
        },
        {
          Sid      = "ReadOriginSecret"
          Effect   = "Allow"
          Action   = ["secretsmanager:GetSecretValue"]
          Resource = aws_secretsmanager_secret.this.arn
        },
      ],
      var.kms_key_arn == null ? [] : [{
        Sid       = "DecryptOriginSecret"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = var.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${data.aws_region.current.region}.amazonaws.com" } }
      }],
      var.tracing ? [{
        Sid      = "WriteTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      }] : [],
    )
  })
}

resource "aws_iam_role_policy" "function" {
  name   = "origin-verify"
  role   = aws_iam_role.function.id
  policy = local.function_policy
}

resource "aws_lambda_function" "this" {
  function_name    = var.name
  description      = "Lets through only requests that carry CloudFront's ${var.header_name} secret (API Gateway REQUEST authorizer)"
  role             = aws_iam_role.function.arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]
  filename         = local.package.filename
  source_code_hash = local.package.source_code_hash
  memory_size      = 128
  timeout          = 10

  # The names of the header and of the secret, never the value.
  environment {
    variables = {
      HEADER_NAME     = var.header_name
      SECRET_ARN      = aws_secretsmanager_secret.this.arn
      ACCEPT_PREVIOUS = tostring(var.accept_previous)
    }
  }

  dynamic "tracing_config" {
    for_each = var.tracing ? [1] : []
    content {
      mode = "Active"
    }
  }

  tags = var.tags
  # The function reads the secret when it starts: its policy and the secret's value must be there.
  depends_on = [aws_iam_role_policy.function, aws_secretsmanager_secret_version.this]
}

# A failing authorizer (an error, a crash, a timeout; not a refused request, which is an answer) makes API Gateway
# answer 500 to every caller: the alarm fires on the first failure in a minute and notifies the alarm topic.
resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-errors"
  alarm_description   = "The ${var.name} origin-verify authorizer failed (error, crash or timeout): API callers got 500 answers. See its log group /aws/lambda/${var.name}${var.tracing ? " and its X-Ray traces" : ""}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
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
