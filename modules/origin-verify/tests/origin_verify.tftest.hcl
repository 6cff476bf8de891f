# origin-verify against mocked providers: the secret (sensitive, written write-only, read back for the distribution,
# never in the function's environment), its rotation (a new version; the value before accepted until accept_previous
# is false), the authorizer function's least privilege and the input validation.
mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/blog-origin-verify" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      id  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blog-origin-verify/origin-secret-abc-AbCdEf"
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blog-origin-verify/origin-secret-abc-AbCdEf"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:blog-origin-verify"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:blog-origin-verify/invocations"
    }
  }
  mock_resource "aws_secretsmanager_secret_version" {
    defaults = { version_id = "11111111-2222-3333-4444-555555555555" }
  }
  mock_data "aws_secretsmanager_secret_version" {
    defaults = { secret_string = "Q2x1ZGVGbGFyZU9yaWdpblNlY3JldDY0Q2hhcmFjdGVyc0xvbmdBbmRSYW5kb20x" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
}

mock_provider "refarch" {
  mock_data "refarch_lambda_package" {
    defaults = {
      filename         = "mock_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }
}

variables {
  name = "blog-origin-verify"
}

run "defaults" {
  command = apply

  assert {
    condition     = output.header_name == "X-Origin-Verify" && issensitive(output.header_value)
    error_message = "the secret is sent as X-Origin-Verify and is sensitive"
  }
  assert {
    condition = (
      data.aws_secretsmanager_secret_version.current.secret_id == aws_secretsmanager_secret.this.id &&
      data.aws_secretsmanager_secret_version.current.version_id == aws_secretsmanager_secret_version.this.version_id &&
      nonsensitive(output.header_value == data.aws_secretsmanager_secret_version.current.secret_string)
    )
    error_message = "the distribution gets the version just written, read back from Secrets Manager"
  }
  assert {
    condition = output.authorizer == {
      function_name      = aws_lambda_function.this.function_name
      invoke_arn         = aws_lambda_function.this.invoke_arn
      identity_sources   = ["method.request.header.X-Origin-Verify"]
      result_ttl_seconds = 300
    }
    error_message = "the authorizer for rest-api-lambda: this function, the header as identity source, 300 s cache"
  }
  assert {
    condition = (
      aws_secretsmanager_secret_version.this.secret_string_wo == null &&
      aws_secretsmanager_secret_version.this.secret_string == null &&
      aws_secretsmanager_secret_version.this.secret_string_wo_version == 1
    )
    error_message = "the secret's value is written write-only (nothing of it in the version's state), version 1"
  }
  assert {
    condition     = aws_secretsmanager_secret.this.kms_key_id == null && aws_secretsmanager_secret.this.recovery_window_in_days == 0
    error_message = "aws/secretsmanager by default; deleted at once on destroy (nothing to recover)"
  }
  assert {
    condition = (
      aws_lambda_function.this.environment[0].variables == tomap({ HEADER_NAME = "X-Origin-Verify", SECRET_ARN = aws_secretsmanager_secret.this.arn, ACCEPT_PREVIOUS = "true" }) &&
      !strcontains(jsonencode(aws_lambda_function.this.environment[0].variables), nonsensitive(output.header_value))
    )
    error_message = "the function gets the header's and the secret's names, never the value"
  }
  assert {
    condition = (
      aws_lambda_function.this.runtime == "provided.al2023" && aws_lambda_function.this.architectures == tolist(["arm64"]) &&
      aws_lambda_function.this.role == aws_iam_role.function.arn && aws_cloudwatch_log_group.function.retention_in_days == 365 &&
      aws_cloudwatch_log_group.function.name == "/aws/lambda/blog-origin-verify"
    )
    error_message = "the function: provided.al2023 on arm64, its own role and log group (365 days)"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.function.policy).Statement == [
      { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.function.arn}:*" },
      { Sid = "ReadOriginSecret", Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = aws_secretsmanager_secret.this.arn },
      { Sid = "WriteTraces", Effect = "Allow", Action = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource = "*" },
    ]
    error_message = "least privilege: its own log group, GetSecretValue on this one secret, X-Ray traces: ${aws_iam_role_policy.function.policy}"
  }
  assert {
    condition     = output.observability.tracing == "Active" && aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "the authorizer is traced with X-Ray by default"
  }
  assert {
    condition = (
      output.observability.alarm_name == "blog-origin-verify-errors" && output.observability.metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.errors.dimensions == tomap({ FunctionName = "blog-origin-verify" }) &&
      aws_cloudwatch_metric_alarm.errors.threshold == 0 && aws_cloudwatch_metric_alarm.errors.comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.errors.treat_missing_data == "notBreaching" && output.observability.alarm_actions == []
    )
    error_message = "an alarm on the authorizer's errors fires on the first one; no actions without a topic"
  }
}

run "alarm_topic_and_sandbox_switches" {
  command = plan

  variables {
    tracing                  = false
    alarm_topic_arn          = "arn:aws:sns:us-east-1:123456789012:blog-alarms"
    alarm_treat_missing_data = "missing"
  }

  assert {
    condition     = length(aws_lambda_function.this.tracing_config) == 0 && !strcontains(aws_iam_role_policy.function.policy, "xray")
    error_message = "tracing = false (sandbox only) drops X-Ray and its permission"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.errors.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:blog-alarms"]) && aws_cloudwatch_metric_alarm.errors.ok_actions == toset(["arn:aws:sns:us-east-1:123456789012:blog-alarms"]) && aws_cloudwatch_metric_alarm.errors.treat_missing_data == "missing"
    error_message = "the error alarm notifies the topic when it fires and when it clears"
  }
}

run "rejects_bad_alarm_settings" {
  command = plan
  variables {
    alarm_topic_arn          = "blog-alarms"
    alarm_treat_missing_data = "ignored"
  }
  expect_failures = [var.alarm_topic_arn, var.alarm_treat_missing_data]
}

run "rotation_writes_a_new_version" {
  command = plan
  variables {
    secret_version = 2
  }

  assert {
    condition     = aws_secretsmanager_secret_version.this.secret_string_wo_version == 2
    error_message = "a rotation writes a new version of the secret (the value before becomes AWSPREVIOUS)"
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables.ACCEPT_PREVIOUS == "true"
    error_message = "during a rotation the authorizer accepts the value before"
  }
}

run "previous_value_dropped" {
  command = apply
  variables {
    secret_version  = 2
    accept_previous = false
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.ACCEPT_PREVIOUS == "false" && aws_secretsmanager_secret_version.this.secret_string_wo_version == 2
    error_message = "accept_previous = false tells the authorizer to accept only the current value, without a new one"
  }
}

run "customer_managed_key" {
  command = apply
  variables {
    kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    header_name        = "X-Blog-Origin"
    result_ttl_seconds = 60
    lambda_package     = { filename = "own.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  }

  assert {
    condition     = aws_secretsmanager_secret.this.kms_key_id == var.kms_key_arn
    error_message = "the secret is encrypted with the given key"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.function.policy).Statement[2] == {
      Sid       = "DecryptOriginSecret", Effect = "Allow", Action = ["kms:Decrypt"], Resource = var.kms_key_arn,
      Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.us-east-1.amazonaws.com" } }
    }
    error_message = "kms:Decrypt on the key, through Secrets Manager only"
  }
  assert {
    condition     = output.authorizer.identity_sources == ["method.request.header.X-Blog-Origin"] && output.authorizer.result_ttl_seconds == 60 && aws_lambda_function.this.environment[0].variables.HEADER_NAME == "X-Blog-Origin"
    error_message = "the header name and TTL reach the authorizer and the function"
  }
  assert {
    condition     = length(data.refarch_lambda_package.originverify) == 0 && aws_lambda_function.this.filename == "own.zip"
    error_message = "a given package replaces the provider's"
  }
}

run "rejects_reserved_header" {
  command = plan
  variables {
    header_name = "Authorization"
  }
  expect_failures = [var.header_name]
}

run "rejects_secret_version_zero" {
  command = plan
  variables {
    secret_version = 0
  }
  expect_failures = [var.secret_version]
}

run "rejects_ttl_beyond_an_hour" {
  command = plan
  variables {
    result_ttl_seconds = 3601
  }
  expect_failures = [var.result_ttl_seconds]
}
