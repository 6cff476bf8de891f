# Software updates (architecture 175): CloudFront in front of an existing application that serves update files
# (typically an ALB over an Auto Scaling group with the files on EFS).
#   - one custom origin, the ALB, reached over HTTPS (TLS 1.2) with an optional secret header so the ALB can refuse
#     everything that did not come through this distribution;
#   - versioned update files (a new release = a new path) are cached for a year, so N clients cause about one
#     origin fetch per file and edge cache; the manifest clients poll is cached for a minute (invalidate to publish
#     at once);
#   - viewers only over HTTPS, compression, security headers, optional WAF, standard access logs in an encrypted,
#     private, TLS-only bucket.

locals {
  origin_id          = "app"
  custom_certificate = var.acm_certificate_arn != null
  tags               = merge(var.tags, { "refarch:architecture" = "software-updates" })

  # Manifest behaviours first: CloudFront takes the first matching pattern, and a manifest may live under a
  # versioned prefix (/updates/manifest.json next to /updates/*).
  ordered_behaviors = concat(
    [for p in var.manifest_paths : { path = p, cache_policy_id = aws_cloudfront_cache_policy.manifest.id }],
    [for p in var.versioned_path_patterns : { path = p, cache_policy_id = aws_cloudfront_cache_policy.versioned.id }],
  )

  response_headers_policy_id = var.security_headers ? aws_cloudfront_response_headers_policy.security[0].id : null

  # HTTPS to the origin unless plain HTTP is allowed explicitly (allow_plain_http's validation refuses the rest).
  origin_protocol_policy = var.allow_plain_http ? var.origin_protocol_policy : "https-only"
}

# ---------------------------------------------------------------------------------------------------------------------
# Cache policies: the cache key is the path only (no cookies, headers or query strings), so every client shares one
# cached copy; gzip/brotli variants are part of the key so compressed and plain copies are kept apart.
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudfront_cache_policy" "versioned" {
  name        = "${var.name}-versioned"
  comment     = "Immutable versioned update files: long TTL"
  min_ttl     = var.versioned_min_ttl_seconds
  default_ttl = var.versioned_ttl_seconds
  max_ttl     = var.versioned_ttl_seconds

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_cache_policy" "manifest" {
  name        = "${var.name}-manifest"
  comment     = "Update manifest: short TTL"
  min_ttl     = 0
  default_ttl = var.manifest_ttl_seconds
  max_ttl     = var.manifest_ttl_seconds

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_response_headers_policy" "security" {
  count = var.security_headers ? 1 : 0

  name    = "${var.name}-security-headers"
  comment = "HSTS, nosniff, frame DENY, no referrer"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = false
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "no-referrer"
      override        = true
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Distribution
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudfront_distribution" "this" {
  enabled         = true
  comment         = "${var.name} software updates"
  price_class     = var.price_class
  aliases         = var.aliases
  http_version    = "http2and3"
  is_ipv6_enabled = true
  web_acl_id      = var.web_acl_arn

  origin {
    origin_id   = local.origin_id
    domain_name = var.origin_domain_name
    origin_path = var.origin_path

    custom_origin_config {
      origin_protocol_policy   = local.origin_protocol_policy
      origin_ssl_protocols     = var.origin_ssl_protocols
      http_port                = var.origin_http_port
      https_port               = var.origin_https_port
      origin_keepalive_timeout = 5
      origin_read_timeout      = 30
    }

    dynamic "custom_header" {
      for_each = var.origin_verify_secret == null ? [] : [1]
      content {
        name  = var.origin_verify_header_name
        value = var.origin_verify_secret
      }
    }

    dynamic "origin_shield" {
      for_each = var.origin_shield_region == null ? [] : [var.origin_shield_region]
      content {
        enabled              = true
        origin_shield_region = origin_shield.value
      }
    }
  }

  # Everything that is neither a manifest nor a versioned file: short TTL, like the manifest.
  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = var.viewer_protocol_policy
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = aws_cloudfront_cache_policy.manifest.id
    response_headers_policy_id = local.response_headers_policy_id
  }

  dynamic "ordered_cache_behavior" {
    for_each = local.ordered_behaviors
    content {
      path_pattern               = ordered_cache_behavior.value.path
      target_origin_id           = local.origin_id
      viewer_protocol_policy     = var.viewer_protocol_policy
      allowed_methods            = ["GET", "HEAD"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = ordered_cache_behavior.value.cache_policy_id
      response_headers_policy_id = local.response_headers_policy_id
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  # With CloudFront's default certificate (*.cloudfront.net) CloudFront fixes the minimum protocol at TLSv1; a
  # custom certificate gets TLSv1.2_2021.
  viewer_certificate {
    cloudfront_default_certificate = !local.custom_certificate
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = local.custom_certificate ? "sni-only" : null
    minimum_protocol_version       = local.custom_certificate ? "TLSv1.2_2021" : "TLSv1"
  }

  dynamic "logging_config" {
    for_each = var.access_logs ? [1] : []
    content {
      bucket          = module.logs[0].bucket_domain_name
      prefix          = "cloudfront/"
      include_cookies = false
    }
  }

  tags = local.tags

  # Standard logging writes with ACLs, so the bucket must allow them before the distribution points at it.
  depends_on = [module.logs]
}

# ---------------------------------------------------------------------------------------------------------------------
# Access-log bucket (cdn-log-bucket): private, encrypted, TLS-only; CloudFront's log delivery writes with an ACL,
# hence BucketOwnerPreferred (the bucket owner still owns every object).
# ---------------------------------------------------------------------------------------------------------------------

module "logs" {
  source = "../cdn-log-bucket"
  count  = var.access_logs ? 1 : 0

  name_prefix        = substr(var.name, 0, 26)
  retention_days     = var.access_logs_retention_days
  force_destroy      = var.access_logs_force_destroy
  ownership_controls = var.bucket_ownership_controls
  lifecycle_rules    = var.bucket_lifecycle_rules
  tags               = local.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Failures are visible: the share of 5xx answers viewers get (the origin failing, or CloudFront unable to reach it)
# alarms the alarm topic. CloudFront publishes its metrics only in us-east-1, so the alarm exists when the provider's
# region is us-east-1 (deploy this module there, or alarm on the origin in its region).
# ---------------------------------------------------------------------------------------------------------------------

data "aws_region" "current" {}

# Only where there is an alarm to notify.
module "alarm_topic" {
  source = "../alarm-topic"
  count  = var.alarm_topic_arn == null && local.cloudfront_alarm ? 1 : 0

  name             = "${var.name}-alarms"
  kms_key_rotation = var.kms_key_rotation
  tags             = local.tags
}

locals {
  alarm_topic_arn  = var.alarm_topic_arn != null ? var.alarm_topic_arn : one(module.alarm_topic[*].topic_arn)
  cloudfront_alarm = data.aws_region.current.region == "us-east-1"
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  count               = local.cloudfront_alarm ? 1 : 0
  alarm_name          = "${var.name}-cdn-5xx"
  alarm_description   = "More than ${var.error_rate_alarm_threshold}% of the requests to the ${var.name} distribution got a 5xx answer over 5 minutes: the origin fails or CloudFront cannot reach it (see the access logs and the origin's health)."
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = { DistributionId = aws_cloudfront_distribution.this.id, Region = "Global" }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.error_rate_alarm_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = var.alarm_treat_missing_data
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
  # The caller's tags only: the local sandbox drops an alarm's tags, and this module always adds refarch:architecture.
  tags = var.tags
}
