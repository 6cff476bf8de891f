# Paid content (architecture 174): premium users get short-lived CloudFront signed URLs for videos.
#   - Cognito user pool → API Gateway (GET /videos/{id}/url behind the user-pool authorizer) → Lambda;
#   - the function reads the caller's row in the premium users table (DynamoDB) and, for a premium user, signs a
#     canned-policy URL with the private key a refarch_signed_url_keypair keeps in Secrets Manager;
#   - videos live in a private S3 bucket that only the CloudFront distribution can read (origin access control,
#     SigV4, and a bucket policy naming the distribution); the distribution serves only signed URLs (its default
#     behaviour trusts the key pair's key group), over HTTPS.

data "refarch_lambda_package" "premium" {
  count        = var.lambda_package == null ? 1 : 0
  name         = "premium"
  architecture = var.architecture
}

locals {
  lambda_package = var.lambda_package != null ? var.lambda_package : {
    filename         = data.refarch_lambda_package.premium[0].filename
    source_code_hash = data.refarch_lambda_package.premium[0].source_code_hash
  }
  custom_certificate = var.cdn.acm_certificate_arn != null
  # Viewers (and so the signer) use the first alternate domain name when there is one, else CloudFront's domain.
  content_base_url = "https://${length(var.cdn.aliases) > 0 ? var.cdn.aliases[0] : aws_cloudfront_distribution.videos.domain_name}"

  # AWS managed policies (same ids in every account).
  managed_cache_policy_caching_optimized           = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  managed_response_headers_policy_security_headers = "67f7725c-6f97-4210-82d7-5512b31e9d03"
}

# ---------------------------------------------------------------------------------------------------------------------
# Users: Cognito user pool (sign-in, API authorizer); no identity pool, the app never gets AWS credentials
# ---------------------------------------------------------------------------------------------------------------------

module "auth" {
  source = "../cognito-auth"

  name                          = var.name
  deletion_protection           = var.deletion_protection
  user_pool_tier                = var.auth.user_pool_tier
  threat_protection             = var.auth.threat_protection
  mfa_configuration             = var.auth.mfa_configuration
  email                         = var.auth.email
  allow_user_password_auth      = var.auth.allow_user_password_auth
  security_settings             = var.auth.security_settings
  id_token_validity_minutes     = var.auth.id_token_validity_minutes
  access_token_validity_minutes = var.auth.access_token_validity_minutes
  refresh_token_validity_days   = var.auth.refresh_token_validity_days

  identity_pool               = false
  authenticated_role_policies = {}
  tags                        = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Premium users table: user_id (the Cognito sub) → premium (BOOL), premium_until (optional RFC 3339)
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "premium_users" {
  name                        = "${var.name}-premium-users"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "user_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "user_id"
    type = "S"
  }

  # DynamoDB always encrypts at rest; this block picks a KMS key (AWS-managed aws/dynamodb or the caller's) instead
  # of the AWS-owned one, so key use shows up in CloudTrail.
  dynamic "server_side_encryption" {
    for_each = var.kms_key_arn != null || var.table_encryption == "AWS_MANAGED" ? [1] : []
    content {
      enabled     = true
      kms_key_arn = var.kms_key_arn
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Video bucket: private, encrypted, TLS only, versioned; readable only by the distribution
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "videos" {
  bucket_prefix = "${substr(var.name, 0, 30)}-videos-"
  force_destroy = var.bucket.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "videos" {
  count  = var.bucket.ownership_controls ? 1 : 0
  bucket = aws_s3_bucket.videos.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "videos" {
  bucket                  = aws_s3_bucket.videos.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# SSE-S3: CloudFront's origin access control reads SSE-KMS objects only when the key policy lets the distribution
# decrypt, which a module cannot grant on a key it does not own. (AWS Solutions Constructs' CloudFront-to-S3 pattern
# uses SSE-S3 too; the bucket is private, reachable only through the distribution with signed URLs.)
#trivy:ignore:AWS-0132
resource "aws_s3_bucket_server_side_encryption_configuration" "videos" {
  bucket = aws_s3_bucket.videos.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "videos" {
  bucket = aws_s3_bucket.videos.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "videos" {
  count  = var.bucket.lifecycle_rules ? 1 : 0
  bucket = aws_s3_bucket.videos.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.bucket.noncurrent_version_expiration_days
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.videos]
}

locals {
  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowCloudFrontDistributionRead"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.videos.arn}/${var.video_prefix}*"
        Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.videos.arn } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.videos.arn, "${aws_s3_bucket.videos.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTLS"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.videos.arn, "${aws_s3_bucket.videos.arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "videos" {
  bucket = aws_s3_bucket.videos.id
  policy = local.bucket_policy

  depends_on = [aws_s3_bucket_public_access_block.videos]
}

# ---------------------------------------------------------------------------------------------------------------------
# Signing key: RSA key pair, public key in a CloudFront key group, private key only in Secrets Manager
# ---------------------------------------------------------------------------------------------------------------------

resource "refarch_signed_url_keypair" "this" {
  name                        = "${var.name}-videos"
  comment                     = "Signed URLs for ${var.name} videos"
  kms_key_id                  = var.kms_key_arn
  rotation                    = var.signing_key.rotation
  rotation_grace_period       = var.signing_key.rotation_grace_period
  secret_recovery_window_days = var.signing_key.secret_recovery_window_days
}

# ---------------------------------------------------------------------------------------------------------------------
# CloudFront distribution: HTTPS only, signed URLs only, origin access control to the bucket
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudfront_origin_access_control" "videos" {
  name                              = "${var.name}-videos"
  description                       = "CloudFront reads ${var.name}'s video bucket with SigV4-signed requests"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# No WAF by default (AWS-0011): every request must carry a valid CloudFront signature for the trusted key group, or
# CloudFront refuses it before it reaches the origin; a web ACL (rate limits, geo or IP rules; billed per ACL and
# request) is one variable away, cdn.web_acl_arn.
#trivy:ignore:AWS-0011
resource "aws_cloudfront_distribution" "videos" {
  enabled         = true
  comment         = "${var.name} videos (signed URLs only)"
  price_class     = var.cdn.price_class
  aliases         = var.cdn.aliases
  http_version    = "http2and3"
  is_ipv6_enabled = true
  web_acl_id      = var.cdn.web_acl_arn

  origin {
    origin_id                = "videos"
    domain_name              = aws_s3_bucket.videos.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.videos.id
  }

  default_cache_behavior {
    target_origin_id           = "videos"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.managed_cache_policy_caching_optimized
    response_headers_policy_id = local.managed_response_headers_policy_security_headers
    trusted_key_groups         = [refarch_signed_url_keypair.this.key_group_id]
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
    acm_certificate_arn            = var.cdn.acm_certificate_arn
    ssl_support_method             = local.custom_certificate ? "sni-only" : null
    minimum_protocol_version       = local.custom_certificate ? "TLSv1.2_2021" : "TLSv1"
  }

  dynamic "logging_config" {
    for_each = local.cdn_logs == null ? [] : [local.cdn_logs]
    content {
      bucket          = logging_config.value.bucket_domain_name
      prefix          = logging_config.value.prefix
      include_cookies = false
    }
  }

  tags = var.tags
}

# Standard access logs: into the caller's bucket (cdn.access_logs_bucket) or, by default, a log bucket of this deployment.
module "cdn_logs" {
  source = "../cdn-log-bucket"
  count  = var.cdn.access_logs_bucket == null && var.cdn.access_logs ? 1 : 0

  name_prefix        = substr(var.name, 0, 30)
  force_destroy      = var.bucket.force_destroy
  ownership_controls = var.bucket.ownership_controls
  lifecycle_rules    = var.bucket.lifecycle_rules
  tags               = var.tags
}

locals {
  cdn_logs = var.cdn.access_logs_bucket != null ? var.cdn.access_logs_bucket : length(module.cdn_logs) > 0 ? {
    bucket_domain_name = module.cdn_logs[0].bucket_domain_name
    prefix             = "cloudfront/"
  } : null
}

# ---------------------------------------------------------------------------------------------------------------------
# API and function
# ---------------------------------------------------------------------------------------------------------------------

# The function reads one item of the premium users table and the signing key's secret, nothing else.
locals {
  function_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "ReadPremiumUsers"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem"]
          Resource = aws_dynamodb_table.premium_users.arn
        },
        {
          Sid      = "ReadSigningKey"
          Effect   = "Allow"
          Action   = ["secretsmanager:GetSecretValue"]
          Resource = refarch_signed_url_keypair.this.secret_arn
        },
      ],
      var.kms_key_arn == null ? [] : [{ Sid = "DecryptWithKey", Effect = "Allow", Action = ["kms:Decrypt"], Resource = var.kms_key_arn }],
    )
  })

  environment = {
    PREMIUM_TABLE       = aws_dynamodb_table.premium_users.name
    SIGNING_SECRET_ARN  = refarch_signed_url_keypair.this.secret_arn
    CONTENT_BASE_URL    = local.content_base_url
    VIDEO_PREFIX        = var.video_prefix
    URL_TTL             = "${var.url_ttl_minutes}m"
    USER_POOL_ID        = module.auth.user_pool_id
    USER_POOL_CLIENT_ID = module.auth.client_id
  }
}

module "api" {
  source = "../rest-api-lambda"

  name           = var.name
  description    = "Paid content signed-URL API"
  lambda_package = local.lambda_package
  architecture   = var.architecture
  environment    = local.environment
  policy_json    = local.function_policy

  # The route needs a valid ID token of the user pool; the function also verifies it and takes the user from it.
  # api.authorizer = false (the local sandbox only) leaves API Gateway's check out, not the function's.
  cognito_user_pool_arns = var.api.authorizer ? [module.auth.user_pool_arn] : []
  routes = [
    { method = "GET", path = "/videos/{id}/url" },
  ]

  stage_name                  = var.api.stage_name
  throttling                  = var.api.method_settings ? var.api.throttling : null
  access_logs                 = var.api.access_logs
  tracing                     = var.api.tracing
  manage_account_logging_role = var.api.manage_account_logging_role
  alarm_topic_arn             = local.alarm_topic_arn
  alarm_treat_missing_data    = var.alarm_treat_missing_data
  log_retention_days          = var.log_retention_days
  tags                        = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Alarm topic: every alarm of the deployment notifies it (alarm and OK); alarm_topic_arn brings your own
# ---------------------------------------------------------------------------------------------------------------------

module "alarm_topic" {
  source = "../alarm-topic"
  count  = var.alarm_topic_arn == null ? 1 : 0

  name             = "${var.name}-alarms"
  kms_key_rotation = var.kms_key_rotation
  tags             = var.tags
}

locals {
  alarm_topic_arn = var.alarm_topic_arn != null ? var.alarm_topic_arn : one(module.alarm_topic[*].topic_arn)
}
