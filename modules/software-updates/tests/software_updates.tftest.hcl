# Software updates against a mocked provider: the ALB origin over HTTPS/TLS 1.2 with the secret header, a year-long
# TTL for versioned files and a one-minute TTL for the manifest (manifest behaviours first), HTTPS-only viewers,
# compression, security headers, the access-log bucket's protections, the invalidation hint, and input validation.
mock_provider "aws" {
  mock_resource "aws_cloudfront_cache_policy" {
    defaults = { id = "cp-mock" }
  }
  mock_resource "aws_cloudfront_response_headers_policy" {
    defaults = { id = "rhp-mock" }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      id             = "EDFDVBD6EXAMPLE"
      arn            = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"
      domain_name    = "d111111abcdef8.cloudfront.net"
      hosted_zone_id = "Z2FDTNDATAQYW2"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:updates-alarms" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id                 = "updates-cdnlogs-mock"
      bucket             = "updates-cdnlogs-mock"
      arn                = "arn:aws:s3:::updates-cdnlogs-mock"
      bucket_domain_name = "updates-cdnlogs-mock.s3.amazonaws.com"
    }
  }
}

variables {
  name               = "updates"
  origin_domain_name = "app-alb-1234567890.eu-west-1.elb.amazonaws.com"
}

run "real_aws_defaults" {
  command = apply

  # Failures are visible: the distribution's 5xx error rate alarms the deployment's own alarm topic.
  assert {
    condition     = length(module.alarm_topic) == 1 && output.alarm_topic_arn == module.alarm_topic[0].topic_arn && output.alarm_topic_arn == "arn:aws:sns:us-east-1:123456789012:updates-alarms"
    error_message = "by default the deployment must create its own alarm topic and output it"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.error_rate[0].namespace == "AWS/CloudFront" && output.error_rate_alarm.metric_name == "5xxErrorRate" && aws_cloudwatch_metric_alarm.error_rate[0].dimensions.DistributionId == "EDFDVBD6EXAMPLE" && aws_cloudwatch_metric_alarm.error_rate[0].dimensions.Region == "Global" && output.error_rate_alarm.threshold == 5 && aws_cloudwatch_metric_alarm.error_rate[0].comparison_operator == "GreaterThanThreshold" && aws_cloudwatch_metric_alarm.error_rate[0].treat_missing_data == "notBreaching"
    error_message = "the distribution's 5xx error rate above 5% must be alarmed"
  }
  assert {
    condition     = output.error_rate_alarm.alarm_actions == tolist([output.alarm_topic_arn]) && output.error_rate_alarm.ok_actions == tolist([output.alarm_topic_arn])
    error_message = "the error-rate alarm must notify the alarm topic when it fires and when it clears"
  }

  override_resource {
    target = aws_cloudfront_cache_policy.versioned
    values = { id = "cp-versioned" }
  }
  override_resource {
    target = aws_cloudfront_cache_policy.manifest
    values = { id = "cp-manifest" }
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.origin).domain_name == "app-alb-1234567890.eu-west-1.elb.amazonaws.com" && one(aws_cloudfront_distribution.this.origin).origin_path == ""
    error_message = "the one origin is the existing ALB"
  }
  assert {
    condition     = one(one(aws_cloudfront_distribution.this.origin).custom_origin_config).origin_protocol_policy == "https-only" && one(one(aws_cloudfront_distribution.this.origin).custom_origin_config).origin_ssl_protocols == toset(["TLSv1.2"])
    error_message = "CloudFront talks to the ALB over HTTPS with TLS 1.2 only (the secret header never travels in clear)"
  }
  assert {
    condition     = length(one(aws_cloudfront_distribution.this.origin).custom_header) == 0 && length(one(aws_cloudfront_distribution.this.origin).origin_shield) == 0 && output.origin_verify_header_name == null
    error_message = "no origin header and no Origin Shield unless asked for"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.path_pattern] == ["/manifest.json", "/updates/*"]
    error_message = "the manifest behaviour comes before the versioned files' behaviour"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.cache_policy_id] == ["cp-manifest", "cp-versioned"] && aws_cloudfront_distribution.this.default_cache_behavior[0].cache_policy_id == "cp-manifest"
    error_message = "manifest (and everything else) short TTL, versioned files long TTL"
  }
  assert {
    condition     = aws_cloudfront_cache_policy.versioned.default_ttl == 31536000 && aws_cloudfront_cache_policy.versioned.max_ttl == 31536000 && aws_cloudfront_cache_policy.versioned.min_ttl == 86400
    error_message = "versioned files: one year, at least one day even if the origin says no-cache"
  }
  assert {
    condition     = aws_cloudfront_cache_policy.manifest.default_ttl == 60 && aws_cloudfront_cache_policy.manifest.max_ttl == 60 && aws_cloudfront_cache_policy.manifest.min_ttl == 0
    error_message = "the manifest is cached at most a minute"
  }
  assert {
    condition = alltrue([for p in [aws_cloudfront_cache_policy.versioned, aws_cloudfront_cache_policy.manifest] :
      one(p.parameters_in_cache_key_and_forwarded_to_origin).enable_accept_encoding_gzip &&
      one(p.parameters_in_cache_key_and_forwarded_to_origin).enable_accept_encoding_brotli &&
      one(one(p.parameters_in_cache_key_and_forwarded_to_origin).cookies_config).cookie_behavior == "none" &&
      one(one(p.parameters_in_cache_key_and_forwarded_to_origin).headers_config).header_behavior == "none" &&
      one(one(p.parameters_in_cache_key_and_forwarded_to_origin).query_strings_config).query_string_behavior == "none"
    ])
    error_message = "the cache key is the path (plus compression), so every client shares one cached copy"
  }
  assert {
    condition = alltrue([for b in concat(aws_cloudfront_distribution.this.default_cache_behavior, aws_cloudfront_distribution.this.ordered_cache_behavior) :
    b.viewer_protocol_policy == "https-only" && b.compress && toset(b.allowed_methods) == toset(["GET", "HEAD"]) && b.response_headers_policy_id == "rhp-mock" && b.target_origin_id == "app"])
    error_message = "every behaviour: HTTPS-only viewers, compression, read-only, security headers, the ALB origin"
  }
  assert {
    condition     = one(one(aws_cloudfront_response_headers_policy.security[0].security_headers_config).strict_transport_security).access_control_max_age_sec == 63072000 && one(one(aws_cloudfront_response_headers_policy.security[0].security_headers_config).strict_transport_security).include_subdomains && one(one(aws_cloudfront_response_headers_policy.security[0].security_headers_config).frame_options).frame_option == "DENY" && one(one(aws_cloudfront_response_headers_policy.security[0].security_headers_config).referrer_policy).referrer_policy == "no-referrer"
    error_message = "security headers: HSTS 2 years with subdomains, frame DENY, no referrer"
  }
  assert {
    condition     = aws_cloudfront_distribution.this.price_class == "PriceClass_All" && aws_cloudfront_distribution.this.web_acl_id == null && aws_cloudfront_distribution.this.http_version == "http2and3" && aws_cloudfront_distribution.this.is_ipv6_enabled
    error_message = "global price class, no WAF unless given, HTTP/2+3, IPv6"
  }
  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].cloudfront_default_certificate && length(aws_cloudfront_distribution.this.aliases) == 0
    error_message = "CloudFront's default certificate without aliases"
  }
  assert {
    condition     = one(aws_cloudfront_distribution.this.logging_config).bucket == "updates-cdnlogs-mock.s3.amazonaws.com" && one(aws_cloudfront_distribution.this.logging_config).prefix == "cloudfront/" && !one(aws_cloudfront_distribution.this.logging_config).include_cookies
    error_message = "standard access logs go to the module's bucket"
  }
  assert {
    condition     = length(module.logs) == 1
    error_message = "the log bucket (cdn-log-bucket, tested there: private, SSE-S3, TLS-only, ownership, expiry) is built by default"
  }
  assert {
    condition     = output.invalidation_command == "aws cloudfront create-invalidation --distribution-id EDFDVBD6EXAMPLE --paths '/manifest.json'"
    error_message = "the invalidation hint names the distribution and the manifest"
  }
  assert {
    condition     = output.distribution_id == "EDFDVBD6EXAMPLE" && output.distribution_domain_name == "d111111abcdef8.cloudfront.net" && output.base_url == "https://d111111abcdef8.cloudfront.net" && output.access_logs_bucket_name == "updates-cdnlogs-mock"
    error_message = "outputs"
  }
}

run "origin_secret_shield_waf_alias_custom_ttls" {
  command = apply

  variables {
    origin_verify_secret      = "0123456789abcdef0123456789abcdef"
    origin_shield_region      = "eu-west-1"
    web_acl_arn               = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/updates/a1b2c3"
    aliases                   = ["updates.example.com"]
    acm_certificate_arn       = "arn:aws:acm:us-east-1:123456789012:certificate/abcd"
    price_class               = "PriceClass_100"
    manifest_paths            = ["/stable/manifest.json", "/beta/manifest.json"]
    versioned_path_patterns   = ["/stable/*", "/beta/*"]
    manifest_ttl_seconds      = 30
    versioned_ttl_seconds     = 604800
    versioned_min_ttl_seconds = 3600
    viewer_protocol_policy    = "redirect-to-https"
    security_headers          = false
  }

  assert {
    condition     = nonsensitive(one(aws_cloudfront_distribution.this.origin).custom_header) == toset([{ name = "X-Origin-Verify", value = "0123456789abcdef0123456789abcdef" }]) && output.origin_verify_header_name == "X-Origin-Verify"
    error_message = "CloudFront adds the secret header the ALB checks"
  }
  assert {
    condition     = one(one(aws_cloudfront_distribution.this.origin).origin_shield).enabled && one(one(aws_cloudfront_distribution.this.origin).origin_shield).origin_shield_region == "eu-west-1"
    error_message = "Origin Shield in the ALB's region"
  }
  assert {
    condition     = aws_cloudfront_distribution.this.web_acl_id == "arn:aws:wafv2:us-east-1:123456789012:global/webacl/updates/a1b2c3" && aws_cloudfront_distribution.this.price_class == "PriceClass_100"
    error_message = "WAF web ACL and price class are passed through"
  }
  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.this.viewer_certificate[0].ssl_support_method == "sni-only" && output.base_url == "https://updates.example.com"
    error_message = "a custom certificate serves TLS 1.2+ over SNI; clients use the alias"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.path_pattern] == ["/stable/manifest.json", "/beta/manifest.json", "/stable/*", "/beta/*"]
    error_message = "both manifests before both versioned prefixes"
  }
  assert {
    condition     = aws_cloudfront_cache_policy.manifest.max_ttl == 30 && aws_cloudfront_cache_policy.versioned.max_ttl == 604800 && aws_cloudfront_cache_policy.versioned.min_ttl == 3600
    error_message = "custom TTLs"
  }
  assert {
    condition     = alltrue([for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.viewer_protocol_policy == "redirect-to-https" && b.response_headers_policy_id == null])
    error_message = "viewer policy and (no) headers policy as configured"
  }
  assert {
    condition     = output.invalidation_command == "aws cloudfront create-invalidation --distribution-id EDFDVBD6EXAMPLE --paths '/stable/manifest.json' '/beta/manifest.json'"
    error_message = "the invalidation hint lists every manifest"
  }
}

run "sandbox_switches_and_no_logs" {
  command = apply

  variables {
    origin_domain_name        = "localhost"
    origin_protocol_policy    = "http-only"
    allow_plain_http          = true
    origin_http_port          = 41234
    bucket_ownership_controls = false
    bucket_lifecycle_rules    = false
    alarm_treat_missing_data  = "missing"
    kms_key_rotation          = false
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.error_rate[0].treat_missing_data == "missing" && output.error_rate_alarm.alarm_actions == tolist([output.alarm_topic_arn]) && length(module.alarm_topic) == 1
    error_message = "the sandbox switches keep the alarm and its actions"
  }

  assert {
    condition     = one(one(aws_cloudfront_distribution.this.origin).custom_origin_config).origin_protocol_policy == "http-only" && one(one(aws_cloudfront_distribution.this.origin).custom_origin_config).http_port == 41234
    error_message = "plain HTTP to a local origin when asked"
  }
  assert {
    condition     = length(module.logs) == 1
    error_message = "the log bucket stays with the sandbox switches (cdn-log-bucket's tests cover what they leave out)"
  }
}

run "outside_us_east_1" {
  command = apply

  override_data {
    target = data.aws_region.current
    values = { region = "eu-west-1", name = "eu-west-1" }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.error_rate) == 0 && output.error_rate_alarm == null && length(module.alarm_topic) == 0 && output.alarm_topic_arn == null
    error_message = "outside us-east-1 CloudFront publishes no metrics: no alarm, and no topic without an alarm"
  }
}

run "own_topic" {
  command = apply

  variables {
    alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:ops-pager"
  }

  assert {
    condition     = length(module.alarm_topic) == 0 && output.alarm_topic_arn == var.alarm_topic_arn && output.error_rate_alarm.alarm_actions == tolist([var.alarm_topic_arn])
    error_message = "a given topic replaces the module's"
  }
}

run "rejects_bad_alarm_settings" {
  command = plan

  variables {
    alarm_topic_arn            = "ops-pager"
    alarm_treat_missing_data   = "zero"
    error_rate_alarm_threshold = 150
  }

  expect_failures = [var.alarm_topic_arn, var.alarm_treat_missing_data, var.error_rate_alarm_threshold]
}

run "no_access_logs" {
  command = apply

  variables {
    access_logs = false
  }

  assert {
    condition     = length(aws_cloudfront_distribution.this.logging_config) == 0 && length(module.logs) == 0 && output.access_logs_bucket_name == null
    error_message = "access_logs false: no bucket, no logging"
  }
}

run "invalid_origin_ip" {
  command = plan
  variables {
    origin_domain_name = "10.0.1.25"
  }
  expect_failures = [var.origin_domain_name]
}

run "invalid_origin_url" {
  command = plan
  variables {
    origin_domain_name = "https://my-alb.eu-west-1.elb.amazonaws.com/"
  }
  expect_failures = [var.origin_domain_name]
}

run "invalid_origin_protocol" {
  command = plan
  variables {
    origin_protocol_policy = "https"
  }
  expect_failures = [var.origin_protocol_policy]
}

run "plain_http_origin_refused" {
  command = plan
  variables {
    origin_protocol_policy = "http-only"
  }
  expect_failures = [var.allow_plain_http]
}

run "match_viewer_origin_refused" {
  command = plan
  variables {
    origin_protocol_policy = "match-viewer"
  }
  expect_failures = [var.allow_plain_http]
}

run "invalid_origin_tls" {
  command = plan
  variables {
    origin_ssl_protocols = ["TLSv1.3"]
  }
  expect_failures = [var.origin_ssl_protocols]
}

run "invalid_origin_port" {
  command = plan
  variables {
    origin_http_port = 8
  }
  expect_failures = [var.origin_http_port]
}

run "short_secret" {
  command = plan
  variables {
    origin_verify_secret = "hunter2"
  }
  expect_failures = [var.origin_verify_secret]
}

run "reserved_header" {
  command = plan
  variables {
    origin_verify_header_name = "Authorization"
  }
  expect_failures = [var.origin_verify_header_name]
}

run "manifest_ttl_too_long" {
  command = plan
  variables {
    manifest_ttl_seconds = 86400
  }
  expect_failures = [var.manifest_ttl_seconds]
}

run "versioned_ttl_too_short" {
  command = plan
  variables {
    versioned_ttl_seconds = 60
  }
  expect_failures = [var.versioned_ttl_seconds]
}

run "versioned_min_above_max" {
  command = plan
  variables {
    versioned_ttl_seconds     = 86400
    versioned_min_ttl_seconds = 604800
  }
  expect_failures = [var.versioned_min_ttl_seconds]
}

run "path_in_both_lists" {
  command = plan
  variables {
    manifest_paths          = ["/updates/*"]
    versioned_path_patterns = ["/updates/*"]
  }
  expect_failures = [var.manifest_paths]
}

run "catch_all_versioned_pattern" {
  command = plan
  variables {
    versioned_path_patterns = ["*"]
  }
  expect_failures = [var.versioned_path_patterns]
}

run "manifest_without_slash" {
  command = plan
  variables {
    manifest_paths = ["manifest.json"]
  }
  expect_failures = [var.manifest_paths]
}

run "plain_http_viewers" {
  command = plan
  variables {
    viewer_protocol_policy = "allow-all"
  }
  expect_failures = [var.viewer_protocol_policy]
}

run "aliases_need_a_certificate" {
  command = plan
  variables {
    aliases = ["updates.example.com"]
  }
  expect_failures = [var.acm_certificate_arn]
}

run "certificate_outside_us_east_1" {
  command = plan
  variables {
    aliases             = ["updates.example.com"]
    acm_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd"
  }
  expect_failures = [var.acm_certificate_arn]
}

run "regional_waf" {
  command = plan
  variables {
    web_acl_arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/updates/a1b2c3"
  }
  expect_failures = [var.web_acl_arn]
}

run "bad_price_class" {
  command = plan
  variables {
    price_class = "PriceClass_300"
  }
  expect_failures = [var.price_class]
}

run "bad_name" {
  command = plan
  variables {
    name = "Updates!"
  }
  expect_failures = [var.name]
}
