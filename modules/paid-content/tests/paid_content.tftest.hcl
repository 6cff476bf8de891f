# Paid content against mocked providers: the bucket only the distribution can read (OAC SigV4 + a bucket policy
# naming the distribution), signed URLs only (trusted key group) over HTTPS, real-AWS defaults the sandbox cannot
# apply (PITR), the function's least privilege, and the input validation.
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
    defaults = { execution_arn = "arn:aws:execute-api:us-east-1:123456789012:mock" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/paid-content-premium-users" }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "us-east-1_Mock12345"
      arn      = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Mock12345"
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Mock12345"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = { id = "4mockclientid1234567890abc" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id                          = "paid-content-videos-mock"
      bucket                      = "paid-content-videos-mock"
      arn                         = "arn:aws:s3:::paid-content-videos-mock"
      bucket_regional_domain_name = "paid-content-videos-mock.s3.us-east-1.amazonaws.com"
    }
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
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:paid-content-alarms" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

mock_provider "refarch" {
  mock_data "refarch_lambda_package" {
    defaults = {
      filename         = "premium_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }
  mock_resource "refarch_signed_url_keypair" {
    defaults = {
      id            = "b1a5e4c0-0000-4000-8000-000000000001"
      key_group_id  = "b1a5e4c0-0000-4000-8000-000000000001"
      public_key_id = "K2JCJMDEHXQW5F"
      secret_arn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:refarch/signed-url-keypair/paid-content-videos/abc-AbCdEf"
    }
  }
}

run "real_aws_defaults" {
  command = apply

  # Failures are visible: X-Ray tracing, the function's error alarm notifying the deployment's own alarm topic.
  assert {
    condition     = length(module.alarm_topic) == 1 && output.alarm_topic_arn == module.alarm_topic[0].topic_arn && output.alarm_topic_arn == "arn:aws:sns:us-east-1:123456789012:paid-content-alarms"
    error_message = "by default the deployment must create its own alarm topic and output it"
  }
  assert {
    condition     = output.observability.alarm_actions == tolist([output.alarm_topic_arn]) && output.observability.ok_actions == tolist([output.alarm_topic_arn]) && output.observability.metric_name == "Errors" && output.observability.comparison_operator == "GreaterThanThreshold" && output.observability.threshold == 0
    error_message = "the function's error alarm must notify the alarm topic when it fires and when it clears"
  }
  assert {
    condition     = output.observability.tracing == "Active" && output.observability.stage_tracing
    error_message = "the function and the stage must be traced with X-Ray by default"
  }

  assert {
    condition     = aws_dynamodb_table.premium_users.point_in_time_recovery[0].enabled
    error_message = "point-in-time recovery must be on by default"
  }
  assert {
    condition     = aws_dynamodb_table.premium_users.deletion_protection_enabled && !aws_s3_bucket.videos.force_destroy
    error_message = "the premium users table is protected from deletion and destroy does not empty the video bucket by default (the user pool: see cognito-auth)"
  }
  assert {
    condition     = aws_dynamodb_table.premium_users.server_side_encryption[0].enabled && aws_dynamodb_table.premium_users.hash_key == "user_id"
    error_message = "the table is keyed by user_id and encrypted with a KMS key (aws/dynamodb) by default"
  }
  assert {
    condition     = aws_cloudfront_origin_access_control.videos.signing_protocol == "sigv4" && aws_cloudfront_origin_access_control.videos.signing_behavior == "always" && aws_cloudfront_origin_access_control.videos.origin_access_control_origin_type == "s3"
    error_message = "the distribution must sign every request to the bucket with SigV4 (OAC)"
  }
  assert {
    condition     = one(aws_cloudfront_distribution.videos.origin).origin_access_control_id == "E2QWRUHAPOMQZL" && one(aws_cloudfront_distribution.videos.origin).domain_name == "paid-content-videos-mock.s3.us-east-1.amazonaws.com"
    error_message = "the bucket origin must use the origin access control"
  }
  assert {
    condition     = aws_cloudfront_distribution.videos.default_cache_behavior[0].trusted_key_groups == tolist(["b1a5e4c0-0000-4000-8000-000000000001"])
    error_message = "the default behaviour must trust exactly the signing key pair's key group (signed URLs only)"
  }
  assert {
    condition     = aws_cloudfront_distribution.videos.default_cache_behavior[0].viewer_protocol_policy == "redirect-to-https"
    error_message = "viewers must be redirected to HTTPS"
  }
  assert {
    condition     = aws_cloudfront_distribution.videos.default_cache_behavior[0].cache_policy_id == "658327ea-f89d-4fab-a63d-7e88639e58f6" && aws_cloudfront_distribution.videos.default_cache_behavior[0].response_headers_policy_id == "67f7725c-6f97-4210-82d7-5512b31e9d03"
    error_message = "managed CachingOptimized cache policy and SecurityHeadersPolicy response headers policy"
  }
  assert {
    condition     = toset(aws_cloudfront_distribution.videos.default_cache_behavior[0].allowed_methods) == toset(["GET", "HEAD"])
    error_message = "the video behaviour is read-only"
  }
  assert {
    condition     = aws_cloudfront_distribution.videos.viewer_certificate[0].cloudfront_default_certificate && aws_cloudfront_distribution.videos.price_class == "PriceClass_All" && length(module.cdn_logs) == 1 && aws_cloudfront_distribution.videos.logging_config[0].prefix == "cloudfront/"
    error_message = "default certificate, global price class, access logs to the deployment's own log bucket"
  }
  assert {
    condition = jsondecode(aws_s3_bucket_policy.videos.policy).Statement[0] == {
      Sid       = "AllowCloudFrontDistributionRead"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::paid-content-videos-mock/videos/*"
      Condition = { StringEquals = { "AWS:SourceArn" = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE" } }
    }
    error_message = "only this distribution (service principal + AWS:SourceArn) may read the videos"
  }
  assert {
    condition     = length([for s in jsondecode(aws_s3_bucket_policy.videos.policy).Statement : s if s.Effect == "Allow"]) == 1
    error_message = "the bucket policy allows nothing else"
  }
  assert {
    condition     = contains([for s in jsondecode(aws_s3_bucket_policy.videos.policy).Statement : s.Sid], "DenyInsecureTransport")
    error_message = "the bucket must refuse plain HTTP"
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.videos.block_public_policy && aws_s3_bucket_public_access_block.videos.restrict_public_buckets && aws_s3_bucket_public_access_block.videos.block_public_acls && aws_s3_bucket_public_access_block.videos.ignore_public_acls
    error_message = "the video bucket must block public access"
  }
  assert {
    condition     = aws_s3_bucket_versioning.videos.versioning_configuration[0].status == "Enabled" && length(aws_s3_bucket_ownership_controls.videos) == 1 && length(aws_s3_bucket_lifecycle_configuration.videos) == 1
    error_message = "versioning, BucketOwnerEnforced and lifecycle rules by default"
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.videos.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "videos are encrypted at rest (SSE-S3, readable through OAC)"
  }
  assert {
    condition = jsondecode(local.function_policy).Statement == [
      { Sid = "ReadPremiumUsers", Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = "arn:aws:dynamodb:us-east-1:123456789012:table/paid-content-premium-users" },
      { Sid = "ReadSigningKey", Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = "arn:aws:secretsmanager:us-east-1:123456789012:secret:refarch/signed-url-keypair/paid-content-videos/abc-AbCdEf" },
    ]
    error_message = "the function may read one table item and the signing key's secret, nothing else"
  }
  assert {
    condition = local.environment == {
      PREMIUM_TABLE       = "paid-content-premium-users"
      SIGNING_SECRET_ARN  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:refarch/signed-url-keypair/paid-content-videos/abc-AbCdEf"
      CONTENT_BASE_URL    = "https://d111111abcdef8.cloudfront.net"
      VIDEO_PREFIX        = "videos/"
      URL_TTL             = "5m"
      USER_POOL_ID        = "us-east-1_Mock12345"
      USER_POOL_CLIENT_ID = "4mockclientid1234567890abc"
    }
    error_message = "the function's environment"
  }
  assert {
    condition     = refarch_signed_url_keypair.this.name == "paid-content-videos" && refarch_signed_url_keypair.this.rotation == null
    error_message = "one key pair named after the deployment"
  }
  assert {
    condition     = module.api.authorizer != null
    error_message = "the route must be behind the Cognito authorizer"
  }
  assert {
    condition     = module.api.routes["GET /videos/{id}/url"].authorization == "COGNITO_USER_POOLS" && length(module.api.routes) == 1
    error_message = "the one route must be behind the Cognito authorizer"
  }
}

run "custom_certificate_kms_and_logs" {
  command = apply

  variables {
    kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    url_ttl_minutes = 60
    video_prefix    = "media/hd/"
    signing_key     = { rotation = "2026-11" }
    cdn = {
      price_class         = "PriceClass_100"
      aliases             = ["videos.example.com"]
      acm_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abcd"
      access_logs_bucket  = { bucket_domain_name = "logs.s3.amazonaws.com" }
      web_acl_arn         = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/videos/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    }
  }

  assert {
    condition     = aws_cloudfront_distribution.videos.web_acl_id == "arn:aws:wafv2:us-east-1:123456789012:global/webacl/videos/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    error_message = "the web ACL, when given, is in front of the distribution"
  }

  assert {
    condition     = aws_cloudfront_distribution.videos.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.videos.viewer_certificate[0].ssl_support_method == "sni-only" && !aws_cloudfront_distribution.videos.viewer_certificate[0].cloudfront_default_certificate
    error_message = "a custom certificate serves TLS 1.2+ (TLSv1.2_2021) over SNI"
  }
  assert {
    condition     = local.environment.CONTENT_BASE_URL == "https://videos.example.com" && local.environment.URL_TTL == "60m" && local.environment.VIDEO_PREFIX == "media/hd/"
    error_message = "signed URLs use the alternate domain name, the TTL and the prefix"
  }
  assert {
    condition     = jsondecode(aws_s3_bucket_policy.videos.policy).Statement[0].Resource == "arn:aws:s3:::paid-content-videos-mock/media/hd/*"
    error_message = "the distribution reads only under the video prefix"
  }
  assert {
    condition     = aws_cloudfront_distribution.videos.logging_config[0].bucket == "logs.s3.amazonaws.com" && aws_cloudfront_distribution.videos.logging_config[0].prefix == "cloudfront/" && length(module.cdn_logs) == 0
    error_message = "access logging when asked for"
  }
  assert {
    condition     = jsondecode(local.function_policy).Statement[2] == { Sid = "DecryptWithKey", Effect = "Allow", Action = ["kms:Decrypt"], Resource = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555" } && length(jsondecode(local.function_policy).Statement) == 3
    error_message = "with a customer key, the function may also decrypt with it (and only that)"
  }
  assert {
    condition     = refarch_signed_url_keypair.this.kms_key_id == var.kms_key_arn && refarch_signed_url_keypair.this.rotation == "2026-11" && aws_dynamodb_table.premium_users.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "the key encrypts the secret and the table; rotation is passed through"
  }
}

# What the local sandbox profile switches off.
run "sandbox_switches" {
  command = apply

  variables {
    point_in_time_recovery   = false
    table_encryption         = "AWS_OWNED"
    api                      = { authorizer = false, access_logs = false, method_settings = false, tracing = false }
    bucket                   = { ownership_controls = false, lifecycle_rules = false, force_destroy = true }
    auth                     = { security_settings = false, allow_user_password_auth = true }
    alarm_treat_missing_data = "missing"
    kms_key_rotation         = false
    deletion_protection      = false
  }

  assert {
    condition     = output.observability.tracing != "Active" && !output.observability.stage_tracing && output.observability.alarm_actions == tolist([output.alarm_topic_arn]) && length(module.alarm_topic) == 1
    error_message = "the sandbox switches turn tracing off only; the alarm topic and the error alarm's actions stay"
  }

  assert {
    condition     = !aws_dynamodb_table.premium_users.deletion_protection_enabled && aws_s3_bucket.videos.force_destroy
    error_message = "a disposable deployment opts out of deletion protection and empties the video bucket on destroy"
  }
  assert {
    condition     = !aws_dynamodb_table.premium_users.point_in_time_recovery[0].enabled && length(aws_dynamodb_table.premium_users.server_side_encryption) == 0
    error_message = "PITR off and the AWS-owned key"
  }
  assert {
    condition     = module.api.routes["GET /videos/{id}/url"].authorization == "NONE"
    error_message = "authorizer off (the function still verifies the token)"
  }
  assert {
    condition     = length(aws_s3_bucket_ownership_controls.videos) == 0 && length(aws_s3_bucket_lifecycle_configuration.videos) == 0
    error_message = "ownership controls and lifecycle rules off"
  }
  assert {
    condition     = aws_cloudfront_distribution.videos.default_cache_behavior[0].trusted_key_groups == tolist(["b1a5e4c0-0000-4000-8000-000000000001"]) && aws_cloudfront_origin_access_control.videos.signing_protocol == "sigv4"
    error_message = "the sandbox never weakens signed URLs or origin access"
  }
}

run "invalid_name" {
  command = plan
  variables {
    name = "Paid_Content"
  }
  expect_failures = [var.name]
}

run "invalid_ttl" {
  command = plan
  variables {
    url_ttl_minutes = 721
  }
  expect_failures = [var.url_ttl_minutes]
}

run "invalid_ttl_zero" {
  command = plan
  variables {
    url_ttl_minutes = 0
  }
  expect_failures = [var.url_ttl_minutes]
}

run "invalid_prefix_traversal" {
  command = plan
  variables {
    video_prefix = "../videos/"
  }
  expect_failures = [var.video_prefix]
}

run "invalid_prefix_slash" {
  command = plan
  variables {
    video_prefix = "/videos"
  }
  expect_failures = [var.video_prefix]
}

run "aliases_need_a_certificate" {
  command = plan
  variables {
    cdn = { aliases = ["videos.example.com"] }
  }
  expect_failures = [var.cdn]
}

run "invalid_web_acl_regional" {
  command = plan
  variables {
    cdn = { web_acl_arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/videos/a1b2c3d4" }
  }
  expect_failures = [var.cdn]
}

run "invalid_price_class" {
  command = plan
  variables {
    cdn = { price_class = "PriceClass_Cheap" }
  }
  expect_failures = [var.cdn]
}

run "invalid_table_encryption" {
  command = plan
  variables {
    table_encryption = "NONE"
  }
  expect_failures = [var.table_encryption]
}

run "own_alarm_topic" {
  command = apply

  variables {
    alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:ops-pager"
  }

  assert {
    condition     = length(module.alarm_topic) == 0 && output.alarm_topic_arn == var.alarm_topic_arn && output.observability.alarm_actions == tolist([var.alarm_topic_arn]) && output.observability.ok_actions == tolist([var.alarm_topic_arn])
    error_message = "alarm_topic_arn must replace the module's own topic for every alarm"
  }
}

run "rejects_bad_alarm_settings" {
  command = plan

  variables {
    alarm_topic_arn          = "ops-pager"
    alarm_treat_missing_data = "zero"
  }

  expect_failures = [var.alarm_topic_arn, var.alarm_treat_missing_data]
}
