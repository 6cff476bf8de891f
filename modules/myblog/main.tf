# MyBlog (architecture 172): a mostly static website served globally, a public REST API for posts, a welcome e-mail
# for every new subscriber and thumbnails for every uploaded photo.
#   - static site: a private S3 bucket that only the CloudFront distribution can read (origin access control, SigV4,
#     and a bucket policy naming the distribution), HTTPS only, security headers on every response;
#   - posts API (on by default, `posts_api`): API Gateway → Lambda → (DAX) → DynamoDB, served
#     under the same distribution at /api/* with caching disabled, and only through it (the distribution's secret
#     origin header, checked by a REQUEST authorizer before the function runs); the posts table can be a global table;
#   - welcome e-mail: DynamoDB Streams on the users table (NEW_IMAGE) → Lambda → SES, failed batches to an SQS DLQ;
#   - thumbnails: S3 ObjectCreated under uploads/ → Lambda → thumbnails/ in the same bucket.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "refarch_lambda_package" "welcome" {
  count        = var.welcome_lambda_package == null ? 1 : 0
  name         = "welcome"
  architecture = var.architecture
}

data "refarch_lambda_package" "posts" {
  count        = var.posts_api && var.posts_lambda_package == null ? 1 : 0
  name         = "posts"
  architecture = var.architecture
}

data "refarch_lambda_package" "thumbnail" {
  count        = var.thumbnail_lambda_package == null ? 1 : 0
  name         = "thumbnail"
  architecture = var.architecture
}

locals {
  welcome_package = var.welcome_lambda_package != null ? var.welcome_lambda_package : {
    filename         = data.refarch_lambda_package.welcome[0].filename
    source_code_hash = data.refarch_lambda_package.welcome[0].source_code_hash
  }
  thumbnail_package = var.thumbnail_lambda_package != null ? var.thumbnail_lambda_package : {
    filename         = data.refarch_lambda_package.thumbnail[0].filename
    source_code_hash = data.refarch_lambda_package.thumbnail[0].source_code_hash
  }

  posts_package = !var.posts_api ? null : var.posts_lambda_package != null ? var.posts_lambda_package : {
    filename         = data.refarch_lambda_package.posts[0].filename
    source_code_hash = data.refarch_lambda_package.posts[0].source_code_hash
  }

  region         = data.aws_region.current.region
  posts_api      = var.posts_api
  dax            = local.posts_api && length(var.dax.subnet_ids) > 0
  dax_name       = trimsuffix(substr("${var.name}-posts", 0, 20), "-")
  custom_cert    = var.cdn.acm_certificate_arn != null
  bucket_prefix  = substr(var.name, 0, 30)
  site_name      = coalesce(var.site_name, var.name)
  table_sse      = var.table_encryption == "AWS_MANAGED"
  welcome_name   = "${var.name}-welcome"
  thumbnail_name = "${var.name}-thumbnail"

  # AWS managed CloudFront policies (same ids in every account).
  managed_cache_policy_caching_optimized                   = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  managed_cache_policy_caching_disabled                    = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  managed_origin_request_policy_all_viewer_except_host     = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
  managed_response_headers_policy_security_headers_default = "67f7725c-6f97-4210-82d7-5512b31e9d03"
}

# ---------------------------------------------------------------------------------------------------------------------
# Static site bucket: private, encrypted, TLS only, versioned; readable only by the distribution
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "site" {
  bucket_prefix = "${local.bucket_prefix}-site-"
  force_destroy = var.buckets.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "site" {
  count  = var.buckets.ownership_controls ? 1 : 0
  bucket = aws_s3_bucket.site.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# SSE-S3: CloudFront's origin access control reads SSE-KMS objects only when the key policy lets the distribution
# decrypt, which a module cannot grant on a key it does not own (AWS Solutions Constructs' CloudFront-to-S3 pattern
# uses SSE-S3 too).
#trivy:ignore:AWS-0132
resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "site" {
  count  = var.buckets.lifecycle_rules ? 1 : 0
  bucket = aws_s3_bucket.site.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.buckets.noncurrent_version_expiration_days
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

  depends_on = [aws_s3_bucket_versioning.site]
}

locals {
  site_bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowCloudFrontDistributionRead"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.site.arn}/*"
        Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.site.arn } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.site.arn, "${aws_s3_bucket.site.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTLS"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.site.arn, "${aws_s3_bucket.site.arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = local.site_bucket_policy

  depends_on = [aws_s3_bucket_public_access_block.site]
}

# ---------------------------------------------------------------------------------------------------------------------
# CloudFront: the site from S3 (cached), the posts API at /api/* (not cached); HTTPS only, security headers
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudfront_origin_access_control" "site" {
  name                              = "${var.name}-site"
  description                       = "CloudFront reads ${var.name}'s site bucket with SigV4-signed requests"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# No WAF by default (AWS-0011): a blog's static files and read-only API; a web ACL (rate limits, geo or IP rules;
# billed per ACL and request) is one variable away, cdn.web_acl_arn.
#trivy:ignore:AWS-0011
resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  web_acl_id          = var.cdn.web_acl_arn
  comment             = "${var.name} blog"
  price_class         = var.cdn.price_class
  aliases             = var.cdn.aliases
  default_root_object = var.default_root_object
  http_version        = "http2and3"
  is_ipv6_enabled     = true

  origin {
    origin_id                = "site"
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }

  dynamic "origin" {
    for_each = local.posts_api ? [1] : []
    content {
      origin_id   = "api"
      domain_name = "${module.api[0].rest_api_id}.execute-api.${local.region}.amazonaws.com"
      origin_path = "/${module.api[0].stage_name}"
      custom_origin_config {
        http_port              = 80
        https_port             = 443
        origin_protocol_policy = "https-only"
        origin_ssl_protocols   = ["TLSv1.2"]
      }
      # The secret the API's authorizer requires: only requests through this distribution (its WAF, its logs) reach
      # the posts function. CloudFront replaces a viewer's header of the same name.
      custom_header {
        name  = module.origin_verify[0].header_name
        value = module.origin_verify[0].header_value
      }
    }
  }

  default_cache_behavior {
    target_origin_id           = "site"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.managed_cache_policy_caching_optimized
    response_headers_policy_id = local.managed_response_headers_policy_security_headers_default
  }

  # The API is dynamic: nothing is cached at the edge (API Gateway and DAX cache behind it), every viewer header but
  # Host goes to the origin (API Gateway needs its own Host).
  dynamic "ordered_cache_behavior" {
    for_each = local.posts_api ? [1] : []
    content {
      path_pattern               = "/api/*"
      target_origin_id           = "api"
      viewer_protocol_policy     = "https-only"
      allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = local.managed_cache_policy_caching_disabled
      origin_request_policy_id   = local.managed_origin_request_policy_all_viewer_except_host
      response_headers_policy_id = local.managed_response_headers_policy_security_headers_default
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
    cloudfront_default_certificate = !local.custom_cert
    acm_certificate_arn            = var.cdn.acm_certificate_arn
    ssl_support_method             = local.custom_cert ? "sni-only" : null
    minimum_protocol_version       = local.custom_cert ? "TLSv1.2_2021" : "TLSv1"
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
  force_destroy      = var.buckets.force_destroy
  ownership_controls = var.buckets.ownership_controls
  lifecycle_rules    = var.buckets.lifecycle_rules
  tags               = var.tags
}

locals {
  cdn_logs = var.cdn.access_logs_bucket != null ? var.cdn.access_logs_bucket : length(module.cdn_logs) > 0 ? {
    bucket_domain_name = module.cdn_logs[0].bucket_domain_name
    prefix             = "cloudfront/"
  } : null
}

# ---------------------------------------------------------------------------------------------------------------------
# Tables: users (stream NEW_IMAGE → welcome e-mail) and posts (optionally a global table)
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "users" {
  name                        = "${var.name}-users"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "user_id"
  deletion_protection_enabled = var.deletion_protection
  stream_enabled              = true
  stream_view_type            = "NEW_IMAGE"

  attribute {
    name = "user_id"
    type = "S"
  }

  # DynamoDB always encrypts at rest; this block picks the AWS-managed aws/dynamodb key instead of the AWS-owned one,
  # so key use shows up in CloudTrail.
  dynamic "server_side_encryption" {
    for_each = local.table_sse ? [1] : []
    content {
      enabled = true
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "posts" {
  name                        = "${var.name}-posts"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = var.deletion_protection
  # Global tables (version 2019.11.21) replicate through a NEW_AND_OLD_IMAGES stream.
  stream_enabled   = length(var.posts_replica_regions) > 0
  stream_view_type = length(var.posts_replica_regions) > 0 ? "NEW_AND_OLD_IMAGES" : null

  attribute {
    name = "id"
    type = "S"
  }

  dynamic "server_side_encryption" {
    for_each = local.table_sse ? [1] : []
    content {
      enabled = true
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  dynamic "replica" {
    for_each = toset(var.posts_replica_regions)
    content {
      region_name                 = replica.value
      point_in_time_recovery      = var.point_in_time_recovery
      deletion_protection_enabled = var.deletion_protection
      propagate_tags              = true
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !contains(var.posts_replica_regions, local.region)
      error_message = "posts_replica_regions must not contain the primary region (the provider's region); the table already lives there."
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Posts API (optional): public REST API → Lambda → (DAX) → DynamoDB, read-only on the posts table
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_security_group" "posts" {
  count       = local.dax ? 1 : 0
  name_prefix = "${var.name}-posts-"
  description = "MyBlog posts function ${var.name}: HTTPS out (DynamoDB and other AWS APIs) and the DAX port; nothing in."
  vpc_id      = var.dax.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-posts" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "posts_https" {
  count             = local.dax ? 1 : 0
  security_group_id = aws_security_group.posts[0].id
  description       = "HTTPS to AWS APIs (DynamoDB through a gateway endpoint or NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "posts_dax" {
  count                        = local.dax ? 1 : 0
  security_group_id            = aws_security_group.posts[0].id
  description                  = "DAX (TLS)"
  ip_protocol                  = "tcp"
  from_port                    = module.dax[0].port
  to_port                      = module.dax[0].port
  referenced_security_group_id = module.dax[0].security_group_id
  tags                         = var.tags
}

module "dax" {
  source = "../dax-cache"
  count  = local.dax ? 1 : 0

  name                      = local.dax_name
  table_arns                = [aws_dynamodb_table.posts.arn]
  dynamodb_actions          = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
  vpc_id                    = var.dax.vpc_id
  subnet_ids                = var.dax.subnet_ids
  client_security_group_ids = [aws_security_group.posts[0].id]
  endpoint_encryption       = "TLS"
  node_type                 = var.dax.node_type
  replication_factor        = var.dax.replication_factor
  item_ttl_seconds          = var.dax.item_ttl_seconds
  query_ttl_seconds         = var.dax.query_ttl_seconds
  tags                      = var.tags
}

# The public API only reads posts: no write action on the table, nothing on any other table.
locals {
  posts_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "ReadPosts"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
        Resource = aws_dynamodb_table.posts.arn
      }],
      local.dax ? [{
        Sid      = "ReadPostsThroughDax"
        Effect   = "Allow"
        Action   = ["dax:GetItem", "dax:Query", "dax:Scan"]
        Resource = module.dax[0].cluster_arn
      }] : [],
    )
  })
}

# The posts API answers only requests that carry the distribution's secret origin header (see origin-verify).
module "origin_verify" {
  source = "../origin-verify"
  count  = local.posts_api ? 1 : 0

  name                     = "${var.name}-origin-verify"
  header_name              = var.origin_verify.header_name
  secret_version           = var.origin_verify.secret_version
  accept_previous          = var.origin_verify.accept_previous
  result_ttl_seconds       = var.origin_verify.result_ttl_seconds
  lambda_package           = var.origin_verify_lambda_package
  architecture             = var.architecture
  log_retention_days       = var.log_retention_days
  tracing                  = var.api.tracing
  alarm_topic_arn          = local.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  tags                     = var.tags
}

module "api" {
  source = "../rest-api-lambda"
  count  = local.posts_api ? 1 : 0

  name           = "${var.name}-posts"
  description    = "MyBlog public posts API"
  lambda_package = local.posts_package
  architecture   = var.architecture
  environment = merge(
    { TABLE_NAME = aws_dynamodb_table.posts.name },
    local.dax ? { DAX_ENDPOINT = module.dax[0].endpoint_url } : {},
  )
  policy_json = local.posts_policy

  vpc = local.dax ? {
    subnet_ids         = var.dax.subnet_ids
    security_group_ids = [aws_security_group.posts[0].id]
  } : null

  # Public to readers, but only through the distribution: every route requires the origin secret (CUSTOM, the
  # origin-verify authorizer). Paths start with /api so that the distribution's /api/* behaviour maps 1:1.
  request_authorizer = module.origin_verify[0].authorizer
  routes             = [for r in var.posts_routes : { method = r.method, path = r.path, authorization = "CUSTOM" }]

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
# Welcome e-mail: users table stream → Lambda → SES; failed records to an SQS dead-letter queue
# ---------------------------------------------------------------------------------------------------------------------

# SES (v1) identity for the sender address: AWS e-mails it a verification link, and sending starts once it is
# clicked. New accounts are in the SES sandbox: they can send only to verified addresses until production access.
resource "aws_ses_email_identity" "sender" {
  email = var.sender_address
}

locals {
  lambda_assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })

  # On top of stream-trigger's own policy (its log group, reads on the users stream, SendMessage on its DLQ): send
  # e-mail through the sender identity only, and only from the sender address.
  welcome_ses_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SendAsSender"
      Effect    = "Allow"
      Action    = ["ses:SendEmail", "ses:SendRawEmail"]
      Resource  = aws_ses_email_identity.sender.arn
      Condition = { StringEquals = { "ses:FromAddress" = var.sender_address } }
    }]
  })
}

module "welcome" {
  source = "../stream-trigger"

  name           = local.welcome_name
  description    = "MyBlog welcome e-mail for new users (DynamoDB stream → SES)"
  stream_arn     = aws_dynamodb_table.users.stream_arn
  lambda_package = local.welcome_package
  architecture   = var.architecture
  environment = {
    SENDER_ADDRESS = var.sender_address
    SITE_NAME      = local.site_name
  }
  policy_json = local.welcome_ses_policy

  starting_position              = "LATEST"
  batch_size                     = var.welcome.batch_size
  maximum_retry_attempts         = var.welcome.maximum_retry_attempts
  bisect_batch_on_function_error = true
  # Only inserts can be new subscribers; the function ignores the rest anyway, this spares the invocations.
  event_names     = ["INSERT"]
  dlq_kms_key_arn = var.dlq_kms_key_arn
  queue_sse       = var.queue_sse

  reserved_concurrent_executions = var.welcome.reserved_concurrent_executions
  alarm_topic_arn                = local.alarm_topic_arn
  alarm_treat_missing_data       = var.alarm_treat_missing_data

  event_source_mappings = var.event_source_mappings
  log_retention_days    = var.log_retention_days
  tags                  = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Thumbnails: uploads bucket; ObjectCreated under the uploads prefix → Lambda → thumbnails prefix, same bucket
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "uploads" {
  bucket_prefix = "${local.bucket_prefix}-uploads-"
  force_destroy = var.buckets.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "uploads" {
  count  = var.buckets.ownership_controls ? 1 : 0
  bucket = aws_s3_bucket.uploads.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket                  = aws_s3_bucket.uploads.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# SSE-S3 like the site bucket: the thumbnail function reads and writes with its role only; SSE-KMS with a customer
# key is a follow-up for callers that need key-level audit (AWS-0132).
#trivy:ignore:AWS-0132
resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "uploads" {
  count  = var.buckets.lifecycle_rules ? 1 : 0
  bucket = aws_s3_bucket.uploads.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_policy" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.uploads.arn, "${aws_s3_bucket.uploads.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTLS"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.uploads.arn, "${aws_s3_bucket.uploads.arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.uploads]
}

resource "aws_iam_role" "thumbnail" {
  name               = local.thumbnail_name
  assume_role_policy = local.lambda_assume_role_policy
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "thumbnail" {
  name              = "/aws/lambda/${local.thumbnail_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

locals {
  thumbnail_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.thumbnail.arn}:*"
      },
      {
        Sid      = "ReadUploads"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${aws_s3_bucket.uploads.arn}/${var.thumbnails.uploads_prefix}*"
      },
      {
        Sid      = "WriteThumbnails"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "${aws_s3_bucket.uploads.arn}/${var.thumbnails.thumbnails_prefix}*"
      },
      {
        # Lambda sends the failed event (on-failure destination) with the function's role.
        Sid      = "SendFailuresToDlq"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = module.thumbnail_dlq.arn
      }],
      var.dlq_kms_key_arn == null ? [] : [{ Sid = "EncryptDlq", Effect = "Allow", Action = ["kms:GenerateDataKey", "kms:Decrypt"], Resource = var.dlq_kms_key_arn }],
    )
  })
}

resource "aws_iam_role_policy" "thumbnail" {
  name   = "thumbnail"
  role   = aws_iam_role.thumbnail.id
  policy = local.thumbnail_policy
}

resource "aws_lambda_function" "thumbnail" {
  function_name    = local.thumbnail_name
  description      = "MyBlog thumbnails for uploaded photos (S3 ${var.thumbnails.uploads_prefix} → ${var.thumbnails.thumbnails_prefix})"
  role             = aws_iam_role.thumbnail.arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]
  filename         = local.thumbnail_package.filename
  source_code_hash = local.thumbnail_package.source_code_hash
  memory_size      = var.thumbnails.memory_size
  timeout          = var.thumbnails.timeout

  reserved_concurrent_executions = var.thumbnails.reserved_concurrent_executions

  environment {
    variables = {
      UPLOADS_PREFIX    = var.thumbnails.uploads_prefix
      THUMBNAILS_PREFIX = var.thumbnails.thumbnails_prefix
      THUMBNAIL_WIDTH   = tostring(var.thumbnails.width)
      MAX_SOURCE_BYTES  = tostring(var.thumbnails.max_source_bytes)
      MAX_SOURCE_PIXELS = tostring(var.thumbnails.max_source_pixels)
    }
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.thumbnail]
}

resource "aws_lambda_permission" "thumbnail_s3" {
  statement_id   = "AllowUploadsBucket"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.thumbnail.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.uploads.arn
  source_account = data.aws_caller_identity.current.account_id
}

# Only objects under the uploads prefix trigger the function; thumbnails are written outside it (validated), so the
# function's own output never triggers it again.
resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  lambda_function {
    id                  = "thumbnails"
    lambda_function_arn = aws_lambda_function.thumbnail.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = var.thumbnails.uploads_prefix
  }

  depends_on = [aws_lambda_permission.thumbnail_s3]
}

# S3 invokes the function asynchronously: Lambda retries a failed event (maximum_retry_attempts, at most 2) for up to
# maximum_event_age_seconds, then sends it with the error to the thumbnail dead-letter queue — encrypted, TLS-only
# and alarmed — instead of dropping it.
module "thumbnail_dlq" {
  source = "../dead-letter-queue"

  name                     = "${local.thumbnail_name}-dlq"
  kms_key_arn              = var.dlq_kms_key_arn
  queue_sse                = var.queue_sse
  alarm_description        = "Uploads the ${local.thumbnail_name} function failed to thumbnail after ${var.thumbnails.maximum_retry_attempts} retries: each message holds the S3 event and the error. Fix the cause, then re-upload the photo (or invoke the function with the event) and delete the message."
  alarm_topic_arn          = local.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  tags                     = var.tags
}

resource "aws_lambda_function_event_invoke_config" "thumbnail" {
  count                        = var.event_invoke_configs ? 1 : 0
  function_name                = aws_lambda_function.thumbnail.function_name
  maximum_retry_attempts       = var.thumbnails.maximum_retry_attempts
  maximum_event_age_in_seconds = var.thumbnails.maximum_event_age_seconds

  destination_config {
    on_failure {
      destination = module.thumbnail_dlq.arn
    }
  }

  # Lambda checks the role's permission on the destination when the configuration is saved.
  depends_on = [aws_iam_role_policy.thumbnail]
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
