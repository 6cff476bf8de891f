# MyBlog against mocked providers: the site bucket only the distribution can read (OAC SigV4 + a bucket policy
# naming the distribution), HTTPS only with security headers, the /api/* behaviour (on by default, off with posts_api), the
# welcome stream mapping (partial batch failures, bisect, DLQ), the thumbnail trigger scoped to the uploads prefix,
# the functions' least privilege, real-AWS defaults (PITR) and the input validation.
mock_provider "aws" {
  # Mocked computed values must still pass the provider's own validation (ARNs are parsed, ids checked).
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:mock"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:mock/invocations"
    }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      execution_arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
    }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn        = "arn:aws:dynamodb:us-east-1:123456789012:table/myblog-users"
      stream_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/myblog-users/stream/2026-01-01T00:00:00.000"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id                          = "myblog-mock"
      bucket                      = "myblog-mock"
      arn                         = "arn:aws:s3:::myblog-mock"
      bucket_regional_domain_name = "myblog-mock.s3.us-east-1.amazonaws.com"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:123456789012:myblog-welcome-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/123456789012/myblog-welcome-dlq"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:myblog-alarms" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001" }
  }
  mock_resource "aws_ses_email_identity" {
    defaults = { arn = "arn:aws:ses:us-east-1:123456789012:identity/blog@example.com" }
  }
  mock_resource "aws_cloudfront_origin_access_control" {
    defaults = { id = "E2QWRUHAPOMQZL" }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      id          = "EDFDVBD6EXAMPLE"
      arn         = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"
      domain_name = "d111111abcdef8.cloudfront.net"
    }
  }
  mock_data "aws_secretsmanager_secret_version" {
    defaults = { secret_string = "Q2x1ZGVGbGFyZU9yaWdpblNlY3JldDY0Q2hhcmFjdGVyc0xvbmdBbmRSYW5kb20x" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
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
  sender_address = "blog@example.com"
}

run "defaults" {
  command = apply

  override_resource {
    target = module.thumbnail_dlq.aws_sqs_queue.this
    values = {
      arn = "arn:aws:sqs:us-east-1:123456789012:myblog-thumbnail-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/123456789012/myblog-thumbnail-dlq"
    }
  }

  # Data survives a careless destroy.
  assert {
    condition     = aws_dynamodb_table.users.deletion_protection_enabled && aws_dynamodb_table.posts.deletion_protection_enabled
    error_message = "the users and posts tables are protected from deletion by default"
  }
  assert {
    condition     = !aws_s3_bucket.site.force_destroy && !aws_s3_bucket.uploads.force_destroy
    error_message = "destroy must not empty the site and uploads buckets by default"
  }

  # Static site: only the distribution reads the bucket, with SigV4.
  assert {
    condition     = aws_cloudfront_origin_access_control.site.signing_protocol == "sigv4" && aws_cloudfront_origin_access_control.site.signing_behavior == "always" && aws_cloudfront_origin_access_control.site.origin_access_control_origin_type == "s3"
    error_message = "the site origin must use an S3 origin access control that always signs with SigV4"
  }
  assert {
    condition     = one([for o in aws_cloudfront_distribution.site.origin : o.origin_access_control_id if o.origin_id == "site"]) == aws_cloudfront_origin_access_control.site.id
    error_message = "the site origin must use the origin access control"
  }
  assert {
    condition     = one([for s in jsondecode(aws_s3_bucket_policy.site.policy).Statement : s if s.Effect == "Allow"]).Condition.StringEquals["AWS:SourceArn"] == aws_cloudfront_distribution.site.arn
    error_message = "the site bucket policy must allow reads only on condition AWS:SourceArn = the distribution's ARN"
  }
  assert {
    condition     = one([for s in jsondecode(aws_s3_bucket_policy.site.policy).Statement : s if s.Effect == "Allow"]).Principal.Service == "cloudfront.amazonaws.com" && one([for s in jsondecode(aws_s3_bucket_policy.site.policy).Statement : s if s.Effect == "Allow"]).Action == "s3:GetObject"
    error_message = "the only Allow of the site bucket policy must be s3:GetObject for CloudFront"
  }
  assert {
    condition     = length([for s in jsondecode(aws_s3_bucket_policy.site.policy).Statement : s if s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"]) == 1
    error_message = "the site bucket must deny requests without TLS"
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.site.block_public_policy && aws_s3_bucket_public_access_block.site.restrict_public_buckets && aws_s3_bucket_public_access_block.uploads.block_public_acls && aws_s3_bucket_public_access_block.uploads.restrict_public_buckets
    error_message = "both buckets must block public access"
  }
  assert {
    condition     = aws_cloudfront_distribution.site.default_root_object == "index.html"
    error_message = "the default root object must be index.html"
  }
  assert {
    condition     = aws_cloudfront_distribution.site.default_cache_behavior[0].viewer_protocol_policy == "redirect-to-https"
    error_message = "viewers must be redirected to HTTPS"
  }
  assert {
    condition     = aws_cloudfront_distribution.site.default_cache_behavior[0].response_headers_policy_id == "67f7725c-6f97-4210-82d7-5512b31e9d03"
    error_message = "the managed SecurityHeadersPolicy must be attached to the default behaviour"
  }
  assert {
    condition     = length(module.cdn_logs) == 1 && one(aws_cloudfront_distribution.site.logging_config).prefix == "cloudfront/"
    error_message = "access logs go to the deployment's own log bucket by default"
  }

  # The posts API is on by default, with the provider's built-in posts package.
  assert {
    condition     = length(module.api) == 1 && output.api_url != null && length(data.refarch_lambda_package.posts) == 1
    error_message = "by default the posts API must be built from the provider's posts package"
  }

  # Tables.
  assert {
    condition     = aws_dynamodb_table.users.point_in_time_recovery[0].enabled && aws_dynamodb_table.posts.point_in_time_recovery[0].enabled
    error_message = "point-in-time recovery must be on by default on both tables"
  }
  assert {
    condition     = length(aws_dynamodb_table.users.server_side_encryption) == 1 && length(aws_dynamodb_table.posts.server_side_encryption) == 1
    error_message = "both tables must use the AWS-managed KMS key by default"
  }
  assert {
    condition     = aws_dynamodb_table.users.stream_enabled && aws_dynamodb_table.users.stream_view_type == "NEW_IMAGE"
    error_message = "the users table must stream NEW_IMAGE"
  }
  assert {
    condition     = length(aws_dynamodb_table.posts.replica) == 0
    error_message = "the posts table has no replicas by default"
  }

  # Welcome e-mail (stream-trigger).
  assert {
    condition     = module.welcome.event_source_mapping.function_response_types == tolist(["ReportBatchItemFailures"])
    error_message = "the welcome mapping must report batch item failures"
  }
  assert {
    condition     = module.welcome.event_source_mapping.on_failure_destination_arn == module.welcome.dlq_arn && output.dlq_url == module.welcome.dlq_url
    error_message = "the welcome mapping's on-failure destination must be the DLQ"
  }
  assert {
    condition     = module.welcome.event_source_mapping.bisect_batch_on_function_error && module.welcome.event_source_mapping.starting_position == "LATEST" && module.welcome.event_source_mapping.maximum_retry_attempts == 3 && module.welcome.event_source_mapping.batch_size == 10
    error_message = "the welcome mapping must bisect on error, start at LATEST, batch 10 records and retry 3 times by default"
  }
  assert {
    condition     = module.welcome.event_source_mapping.event_source_arn == aws_dynamodb_table.users.stream_arn
    error_message = "the welcome mapping must read the users table's stream"
  }
  assert {
    condition     = aws_ses_email_identity.sender.email == "blog@example.com" && output.sender_identity == "blog@example.com"
    error_message = "the sender identity must be the sender address"
  }
  assert {
    condition = alltrue([
      for s in jsondecode(module.welcome.policy_json).Statement : (
        s.Sid == "WriteOwnLogs" ? endswith(s.Resource, ":*") :
        s.Sid == "ReadStream" ? s.Resource == aws_dynamodb_table.users.stream_arn && toset(s.Action) == toset(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]) :
        s.Sid == "ListStreams" ? s.Action == ["dynamodb:ListStreams"] :
        s.Sid == "SendFailuresToDlq" ? s.Resource == module.welcome.dlq_arn && s.Action == ["sqs:SendMessage"] :
        false
      )
    ]) && length(jsondecode(module.welcome.policy_json).Statement) == 4
    error_message = "the welcome function's stream policy must be: own logs, stream reads on the users stream, ListStreams, SendMessage on the DLQ — nothing else"
  }
  assert {
    condition     = length(jsondecode(local.welcome_ses_policy).Statement) == 1 && jsondecode(local.welcome_ses_policy).Statement[0].Resource == aws_ses_email_identity.sender.arn && jsondecode(local.welcome_ses_policy).Statement[0].Condition.StringEquals["ses:FromAddress"] == "blog@example.com" && toset(jsondecode(local.welcome_ses_policy).Statement[0].Action) == toset(["ses:SendEmail", "ses:SendRawEmail"])
    error_message = "the welcome function may send e-mail only through the sender identity, from the sender address"
  }

  # Thumbnails.
  assert {
    condition     = one(aws_s3_bucket_notification.uploads.lambda_function).filter_prefix == "uploads/" && one(aws_s3_bucket_notification.uploads.lambda_function).lambda_function_arn == aws_lambda_function.thumbnail.arn
    error_message = "the uploads notification must invoke the thumbnail function only for the uploads/ prefix"
  }
  assert {
    condition     = aws_lambda_function.thumbnail.environment[0].variables.THUMBNAILS_PREFIX == "thumbnails/" && !startswith(aws_lambda_function.thumbnail.environment[0].variables.THUMBNAILS_PREFIX, one(aws_s3_bucket_notification.uploads.lambda_function).filter_prefix)
    error_message = "thumbnails must be written outside the notification's prefix"
  }
  assert {
    condition     = aws_lambda_function.thumbnail.memory_size == 1024 && aws_lambda_function.thumbnail.environment[0].variables.UPLOADS_PREFIX == "uploads/"
    error_message = "the thumbnail function must have 1024 MB and UPLOADS_PREFIX uploads/"
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.thumbnail.policy).Statement : (
        s.Sid == "WriteOwnLogs" ? s.Resource == "${aws_cloudwatch_log_group.thumbnail.arn}:*" :
        s.Sid == "ReadUploads" ? s.Action == ["s3:GetObject"] && s.Resource == "${aws_s3_bucket.uploads.arn}/uploads/*" :
        s.Sid == "WriteThumbnails" ? s.Action == ["s3:PutObject"] && s.Resource == "${aws_s3_bucket.uploads.arn}/thumbnails/*" :
        s.Sid == "SendFailuresToDlq" ? s.Action == ["sqs:SendMessage"] && s.Resource == module.thumbnail_dlq.arn :
        false
      )
    ]) && length(jsondecode(aws_iam_role_policy.thumbnail.policy).Statement) == 4
    error_message = "the thumbnail function may only read uploads/* and write thumbnails/* (and its own logs, and send failed events to its DLQ)"
  }
  assert {
    condition     = aws_lambda_permission.thumbnail_s3.principal == "s3.amazonaws.com" && aws_lambda_permission.thumbnail_s3.source_arn == aws_s3_bucket.uploads.arn && aws_lambda_permission.thumbnail_s3.source_account == "123456789012"
    error_message = "only the uploads bucket of this account may invoke the thumbnail function"
  }
  assert {
    condition     = module.welcome.role_name != aws_iam_role.thumbnail.name && module.welcome.log_group_name != aws_cloudwatch_log_group.thumbnail.name && aws_cloudwatch_log_group.thumbnail.retention_in_days == 365
    error_message = "each function must have its own role and a log group with retention"
  }

  # Failures are visible: on-failure destination, encrypted TLS-only alarmed DLQs, one alarm topic, tracing.
  assert {
    condition     = output.failure_handling.thumbnail_invoke.on_failure_destination == module.thumbnail_dlq.arn && module.thumbnail_dlq.arn == "arn:aws:sqs:us-east-1:123456789012:myblog-thumbnail-dlq" && output.thumbnail_dlq_url == module.thumbnail_dlq.url
    error_message = "failed thumbnail events must go to the thumbnail DLQ (on-failure destination of the asynchronous invocations)"
  }
  assert {
    condition     = output.failure_handling.thumbnail_invoke.maximum_retry_attempts == 2 && output.failure_handling.thumbnail_invoke.maximum_event_age_in_seconds == 21600 && aws_lambda_function_event_invoke_config.thumbnail[0].function_name == aws_lambda_function.thumbnail.function_name
    error_message = "the thumbnail function's asynchronous invocations must retry twice within 6 hours, then go to the DLQ"
  }
  assert {
    condition     = coalesce(aws_lambda_function.thumbnail.reserved_concurrent_executions, -1) == -1
    error_message = "the thumbnail function's concurrency is unreserved by default"
  }
  assert {
    condition = alltrue([for q in [output.failure_handling.welcome_dlq, output.failure_handling.thumbnail_dlq] :
      q.encryption == "SSE-SQS" && q.tls_only && q.message_retention_seconds == 1209600
    ])
    error_message = "both dead-letter queues must be encrypted (SSE-SQS), TLS-only and keep messages 14 days"
  }
  assert {
    condition = alltrue([for q in [output.failure_handling.welcome_dlq, output.failure_handling.thumbnail_dlq] :
      q.metric_name == "ApproximateNumberOfMessagesVisible" && q.comparison_operator == "GreaterThanThreshold" && q.threshold == 0
    ])
    error_message = "both dead-letter queues must be alarmed on the first visible message"
  }
  assert {
    condition     = length(module.alarm_topic) == 1 && output.alarm_topic_arn == module.alarm_topic[0].topic_arn && output.alarm_topic_arn == "arn:aws:sns:us-east-1:123456789012:myblog-alarms"
    error_message = "by default the deployment must create its own alarm topic and output it"
  }
  assert {
    condition = alltrue([for a in [output.failure_handling.welcome_dlq, output.failure_handling.thumbnail_dlq, output.failure_handling.posts_api, output.failure_handling.origin_verify] :
      a.alarm_actions == tolist([output.alarm_topic_arn]) && a.ok_actions == tolist([output.alarm_topic_arn])
    ])
    error_message = "every alarm (welcome DLQ, thumbnail DLQ, posts function and origin-verify authorizer errors) must notify the alarm topic when it fires and when it clears"
  }
  assert {
    condition     = output.failure_handling.posts_api.tracing == "Active" && output.failure_handling.posts_api.stage_tracing && output.failure_handling.posts_api.metric_name == "Errors" && output.failure_handling.origin_verify.tracing == "Active" && output.failure_handling.origin_verify.metric_name == "Errors"
    error_message = "the posts API and its origin-verify authorizer must be traced with X-Ray and their errors alarmed"
  }
}

run "own_alarm_topic" {
  command = apply

  variables {
    alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:ops-pager"
    thumbnails      = { reserved_concurrent_executions = 10, maximum_retry_attempts = 0, maximum_event_age_seconds = 600 }
    welcome         = { reserved_concurrent_executions = 2 }
  }

  assert {
    condition     = length(module.alarm_topic) == 0 && output.alarm_topic_arn == var.alarm_topic_arn
    error_message = "alarm_topic_arn must replace the module's own topic"
  }
  assert {
    condition = alltrue([for a in [output.failure_handling.welcome_dlq, output.failure_handling.thumbnail_dlq, output.failure_handling.posts_api, output.failure_handling.origin_verify] :
      a.alarm_actions == tolist([var.alarm_topic_arn]) && a.ok_actions == tolist([var.alarm_topic_arn])
    ])
    error_message = "every alarm must notify the given topic"
  }
  assert {
    condition     = aws_lambda_function.thumbnail.reserved_concurrent_executions == 10 && output.failure_handling.thumbnail_invoke.maximum_retry_attempts == 0 && output.failure_handling.thumbnail_invoke.maximum_event_age_in_seconds == 600
    error_message = "the thumbnail function's concurrency and retry settings must be configurable"
  }
}

run "rejects_bad_failure_settings" {
  command = plan

  variables {
    alarm_topic_arn = "ops-pager"
    thumbnails      = { maximum_retry_attempts = 3, reserved_concurrent_executions = -1 }
    welcome         = { reserved_concurrent_executions = 1.5 }
  }

  expect_failures = [var.alarm_topic_arn, var.thumbnails, var.welcome]
}

run "posts_api_off" {
  command = apply

  variables {
    posts_api = false
  }

  assert {
    condition     = length(module.api) == 0 && output.api_url == null && length(data.refarch_lambda_package.posts) == 0 && length(module.origin_verify) == 0 && output.origin_verify_function_name == null
    error_message = "with posts_api = false there must be no API, no posts package, no origin-verify authorizer and api_url must be null"
  }
  assert {
    condition     = length(aws_cloudfront_distribution.site.ordered_cache_behavior) == 0 && length(aws_cloudfront_distribution.site.origin) == 1
    error_message = "with posts_api = false there must be no /api/* behaviour and no API origin"
  }
}

run "posts_api_under_the_distribution" {
  command = apply

  variables {
    posts_lambda_package = {
      filename         = "posts_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }

  assert {
    condition     = length(module.api) == 1 && output.api_url != null
    error_message = "a posts package must build the API"
  }
  assert {
    condition     = one(aws_cloudfront_distribution.site.ordered_cache_behavior).path_pattern == "/api/*" && one(aws_cloudfront_distribution.site.ordered_cache_behavior).target_origin_id == "api"
    error_message = "/api/* must go to the API origin"
  }
  assert {
    condition     = one(aws_cloudfront_distribution.site.ordered_cache_behavior).cache_policy_id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" && one(aws_cloudfront_distribution.site.ordered_cache_behavior).origin_request_policy_id == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    error_message = "/api/* must use CachingDisabled and AllViewerExceptHostHeader"
  }
  assert {
    condition     = one(aws_cloudfront_distribution.site.ordered_cache_behavior).viewer_protocol_policy == "https-only" && one(aws_cloudfront_distribution.site.ordered_cache_behavior).response_headers_policy_id == "67f7725c-6f97-4210-82d7-5512b31e9d03"
    error_message = "/api/* must be HTTPS only with the security headers"
  }
  assert {
    condition     = one([for o in aws_cloudfront_distribution.site.origin : o if o.origin_id == "api"]).domain_name == "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com" && one([for o in aws_cloudfront_distribution.site.origin : o if o.origin_id == "api"]).origin_path == "/v1" && one([for o in aws_cloudfront_distribution.site.origin : o if o.origin_id == "api"]).custom_origin_config[0].origin_protocol_policy == "https-only"
    error_message = "the API origin must be the stage's execute-api host over HTTPS"
  }
  assert {
    condition     = toset(keys(module.api[0].routes)) == toset(["GET /api/posts", "GET /api/posts/{id}"])
    error_message = "the posts API serves GET /api/posts and GET /api/posts/{id}"
  }
}

# The API is public to readers but reachable only through the distribution: its origin sends the secret header, and
# every method requires it through the origin-verify REQUEST authorizer (before the posts function runs).
run "api_only_through_the_distribution" {
  command = apply

  assert {
    condition = (
      length(one([for o in aws_cloudfront_distribution.site.origin : o if o.origin_id == "api"]).custom_header) == 1 &&
      one(one([for o in aws_cloudfront_distribution.site.origin : o if o.origin_id == "api"]).custom_header).name == "X-Origin-Verify" &&
      nonsensitive(one(one([for o in aws_cloudfront_distribution.site.origin : o if o.origin_id == "api"]).custom_header).value == module.origin_verify[0].header_value) &&
      nonsensitive(module.origin_verify[0].header_value) == "Q2x1ZGVGbGFyZU9yaWdpblNlY3JldDY0Q2hhcmFjdGVyc0xvbmdBbmRSYW5kb20x"
    )
    error_message = "the API origin must send X-Origin-Verify with the secret's current value (read back from Secrets Manager)"
  }
  assert {
    condition     = length(one([for o in aws_cloudfront_distribution.site.origin : o if o.origin_id == "site"]).custom_header) == 0
    error_message = "the site bucket's origin gets no secret header (OAC signs those requests)"
  }
  assert {
    condition = (
      length(module.api[0].routes) == 2 &&
      alltrue([for k, r in module.api[0].routes : r.authorization == "CUSTOM" && r.authorizer_id == module.api[0].request_authorizer.id]) &&
      module.api[0].request_authorizer.identity_source == "method.request.header.X-Origin-Verify" &&
      module.api[0].request_authorizer.result_ttl_seconds == 300
    )
    error_message = "every method of the posts API must require the origin header through the origin-verify authorizer: ${jsonencode(module.api[0].routes)}"
  }
  assert {
    condition = (
      module.origin_verify[0].authorizer.function_name == "myblog-origin-verify" &&
      output.origin_verify_function_name == "myblog-origin-verify" && output.origin_verify_header_name == "X-Origin-Verify" &&
      !strcontains(jsonencode([for k, v in module.api[0] : v if k != "function_vpc"]), nonsensitive(module.origin_verify[0].header_value))
    )
    error_message = "the authorizer is this deployment's origin-verify function; no output of the API carries the secret"
  }
}

run "origin_verify_settings" {
  command = apply

  variables {
    origin_verify = { header_name = "X-Blog-Origin", secret_version = 2, result_ttl_seconds = 60 }
  }

  assert {
    condition     = one(one([for o in aws_cloudfront_distribution.site.origin : o if o.origin_id == "api"]).custom_header).name == "X-Blog-Origin"
    error_message = "the distribution sends the configured header"
  }
  assert {
    condition     = module.api[0].request_authorizer.identity_source == "method.request.header.X-Blog-Origin" && module.api[0].request_authorizer.result_ttl_seconds == 60
    error_message = "the authorizer requires the configured header and caches for the configured TTL"
  }
}

run "posts_replicas" {
  command = plan

  variables {
    posts_replica_regions = ["eu-west-1", "ap-southeast-2"]
  }

  assert {
    condition     = length(aws_dynamodb_table.posts.replica) == 2 && aws_dynamodb_table.posts.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "replicas make the posts table a global table with a NEW_AND_OLD_IMAGES stream"
  }
  assert {
    condition     = alltrue([for r in aws_dynamodb_table.posts.replica : r.deletion_protection_enabled])
    error_message = "the replicas are protected from deletion like the table"
  }
}

run "replicas_reject_primary_region" {
  command = plan

  variables {
    posts_replica_regions = ["us-east-1"]
  }

  expect_failures = [aws_dynamodb_table.posts]
}

run "replicas_reject_invalid_region_names" {
  command = plan

  variables {
    posts_replica_regions = ["Europe-West"]
  }

  expect_failures = [var.posts_replica_regions]
}

run "replicas_reject_duplicates" {
  command = plan

  variables {
    posts_replica_regions = ["eu-west-1", "eu-west-1"]
  }

  expect_failures = [var.posts_replica_regions]
}

run "thumbnails_prefix_inside_uploads_is_rejected" {
  command = plan

  variables {
    thumbnails = { uploads_prefix = "uploads/", thumbnails_prefix = "uploads/thumbs/" }
  }

  expect_failures = [var.thumbnails]
}

run "sender_address_must_be_an_address" {
  command = plan

  variables {
    sender_address = "Blog <blog@example.com>"
  }

  expect_failures = [var.sender_address]
}

run "posts_routes_must_be_under_api" {
  command = plan

  variables {
    posts_routes = [{ method = "GET", path = "/posts" }]
  }

  expect_failures = [var.posts_routes]
}

run "sandbox_switches" {
  command = apply

  variables {
    point_in_time_recovery   = false
    table_encryption         = "AWS_OWNED"
    buckets                  = { ownership_controls = false, lifecycle_rules = false, force_destroy = true }
    queue_sse                = false
    event_source_mappings    = false
    event_invoke_configs     = false
    api                      = { tracing = false }
    alarm_treat_missing_data = "missing"
    kms_key_rotation         = false
    deletion_protection      = false
  }

  assert {
    condition     = output.failure_handling.thumbnail_invoke == null && output.failure_handling.posts_api.tracing != "Active" && output.failure_handling.origin_verify.tracing != "Active" && output.failure_handling.welcome_dlq.encryption == "none" && output.failure_handling.thumbnail_dlq.encryption == "none"
    error_message = "the sandbox switches must leave out the event invoke config, tracing and the DLQs' SSE attributes"
  }
  assert {
    condition = alltrue([for a in [output.failure_handling.welcome_dlq, output.failure_handling.thumbnail_dlq, output.failure_handling.posts_api, output.failure_handling.origin_verify] :
      a.alarm_actions == tolist([output.alarm_topic_arn])
    ]) && output.failure_handling.welcome_dlq.tls_only && output.failure_handling.thumbnail_dlq.tls_only && length(module.alarm_topic) == 1
    error_message = "the sandbox switches must keep the alarm topic, the alarms with their actions and the TLS-only queue policies"
  }

  assert {
    condition     = !aws_dynamodb_table.users.deletion_protection_enabled && !aws_dynamodb_table.posts.deletion_protection_enabled && aws_s3_bucket.site.force_destroy && aws_s3_bucket.uploads.force_destroy
    error_message = "a disposable deployment opts out of deletion protection and empties its buckets on destroy"
  }

  assert {
    condition     = module.welcome.event_source_mapping == null && module.welcome.stream_arn == aws_dynamodb_table.users.stream_arn
    error_message = "event_source_mappings = false must leave the welcome mapping out (the sandbox harness polls the stream)"
  }

  assert {
    condition     = !aws_dynamodb_table.users.point_in_time_recovery[0].enabled && length(aws_dynamodb_table.posts.server_side_encryption) == 0
    error_message = "the sandbox switches must turn off PITR and the KMS table encryption"
  }
  assert {
    condition     = length(aws_s3_bucket_ownership_controls.site) == 0 && length(aws_s3_bucket_lifecycle_configuration.uploads) == 0
    error_message = "the sandbox switches must leave out ownership controls and lifecycle rules"
  }
  assert {
    condition     = aws_s3_bucket_server_side_encryption_configuration.uploads.rule != null && aws_s3_bucket_public_access_block.uploads.block_public_policy
    error_message = "the sandbox switches must keep encryption and the public access block"
  }
}

run "custom_certificate_and_access_logs" {
  command = plan

  variables {
    cdn = {
      aliases             = ["blog.example.com"]
      acm_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0b1e8e5c-0000-4000-8000-000000000001"
      access_logs_bucket  = { bucket_domain_name = "my-logs.s3.amazonaws.com" }
    }
  }

  assert {
    condition     = aws_cloudfront_distribution.site.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.site.viewer_certificate[0].ssl_support_method == "sni-only"
    error_message = "a custom certificate must get TLSv1.2_2021 over SNI"
  }
  assert {
    condition     = one(aws_cloudfront_distribution.site.logging_config).bucket == "my-logs.s3.amazonaws.com" && one(aws_cloudfront_distribution.site.logging_config).prefix == "cloudfront/" && length(module.cdn_logs) == 0
    error_message = "access logs must go to the given bucket"
  }
}

run "aliases_need_a_certificate" {
  command = plan

  variables {
    cdn = { aliases = ["blog.example.com"] }
  }

  expect_failures = [var.cdn]
}

run "web_acl_in_front_of_the_distribution" {
  command = plan

  variables {
    cdn = { web_acl_arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/blog/0b1e8e5c-0000-4000-8000-000000000001" }
  }

  assert {
    condition     = aws_cloudfront_distribution.site.web_acl_id == "arn:aws:wafv2:us-east-1:123456789012:global/webacl/blog/0b1e8e5c-0000-4000-8000-000000000001"
    error_message = "cdn.web_acl_arn must be attached to the distribution"
  }
}

run "web_acl_must_be_a_cloudfront_acl" {
  command = plan

  variables {
    cdn = { web_acl_arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/blog/1" }
  }

  expect_failures = [var.cdn]
}

run "access_logs_off" {
  command = plan

  variables {
    cdn = { access_logs = false }
  }

  assert {
    condition     = length(module.cdn_logs) == 0 && length(aws_cloudfront_distribution.site.logging_config) == 0
    error_message = "cdn.access_logs = false must leave out the log bucket and the logging config"
  }
}
