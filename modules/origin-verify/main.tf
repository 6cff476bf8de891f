# Origin verification: an API behind a CloudFront distribution is reachable only through it. The distribution adds a
# secret header to every request it sends to the API (`header_name` = `header_value`, this module's outputs); an API
# Gateway REQUEST authorizer (this module's function, attached by rest-api-lambda's `request_authorizer`) lets a
# request through only when the header carries the secret, so a direct call never reaches the API's own function
# and the distribution's WAF, cache and logs cannot be bypassed.
#   - the secret: 64 random hex characters, generated once per `secret_version` and kept in two slots so that the
#     value before a rotation stays accepted (`accept_previous`); written to Secrets Manager write-only;
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
# The secret: two slots, so that a rotation keeps the value before it
# ---------------------------------------------------------------------------------------------------------------------

# Slot s holds the value of the latest version n <= secret_version with n % 2 == s: raising secret_version by one
# regenerates the other slot only, so the slot of the previous version keeps its value. Each value is two random
# UUIDs without hyphens (64 hex characters, 244 random bits), generated once and then kept (uuid() changes on every
# plan, hence ignore_changes). CloudFront has no write-only header attribute, so the value is in the state anyway (in
# these slots and in the distribution); it is marked sensitive (below) and never printed in a plan.
resource "terraform_data" "secret" {
  count            = 2
  triggers_replace = var.secret_version - ((var.secret_version - count.index) % 2)
  input            = sensitive(replace("${uuid()}${uuid()}", "-", ""))

  lifecycle {
    ignore_changes = [input]
  }
}

# terraform_data marks only its input sensitive, not the output: every use of the value goes through these locals.
locals {
  current  = sensitive(terraform_data.secret[var.secret_version % 2].output)
  previous = sensitive(var.accept_previous && var.secret_version > 1 ? terraform_data.secret[(var.secret_version + 1) % 2].output : "")
}

resource "aws_secretsmanager_secret" "this" {
  name_prefix = "${var.name}/origin-secret-"
  description = "Value(s) of the ${var.header_name} header that CloudFront sends to ${var.name}'s origin: JSON {\"current\", \"previous\"}."
  kms_key_id  = var.kms_key_arn
  # Nothing to recover: the distribution holds the value, and a new deployment generates a new one.
  recovery_window_in_days = 0
  tags                    = var.tags
}

# Write-only: the secret's version keeps no copy in the state. A new value must replace the version (the provider writes
# a write-only value only when it creates one): its version number is known when planning and changes with everything
# the value is chosen by, and a slot regenerated any other way (a -replace) replaces it too. The old version stays in
# Secrets Manager as AWSPREVIOUS.
resource "aws_secretsmanager_secret_version" "this" {
  secret_id                = aws_secretsmanager_secret.this.id
  secret_string_wo         = jsonencode({ current = local.current, previous = local.previous })
  secret_string_wo_version = var.secret_version * 2 + (var.accept_previous ? 1 : 0)

  lifecycle {
    replace_triggered_by = [terraform_data.secret]
  }
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

  # The name of the header and of the secret, never the value.
  environment {
    variables = {
      HEADER_NAME = var.header_name
      SECRET_ARN  = aws_secretsmanager_secret.this.arn
    }
  }

  tags = var.tags
  # The function reads the secret when it starts: its policy and the secret's value must be there.
  depends_on = [aws_iam_role_policy.function, aws_secretsmanager_secret_version.this]
}
