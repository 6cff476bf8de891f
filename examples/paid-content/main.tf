# Deploys Paid content (architecture 174). Real AWS: `tofu init && tofu apply`. Local sandbox: the test harness adds
# an override file pointing both providers at kumo and turns off what the sandbox lacks through the variables below.
#
# After apply: upload videos under `videos/` in the bucket (output video_bucket_name), mark users premium in the table
# (output premium_table_name: user_id = the user's Cognito sub, premium = true), and call
# GET <api_url>/videos/<id>/url with the user's ID token for a 5-minute signed CloudFront URL.

terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    refarch = {
      source  = "refarch/refarch"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}

provider "aws" {
  region = var.region

  # Tags on every resource the provider creates, on top of each resource's own (the real-AWS tests put their
  # refarch:test-run tag here; `make sweep-aws` finds leftovers by it).
  default_tags {
    tags = var.default_tags
  }
}

provider "refarch" {
  region = var.region

  # The same tags on what the refarch provider creates that AWS can tag (a signed-URL key pair's secret, a report
  # schedule's IAM role).
  default_tags {
    tags = var.default_tags
  }
}

module "paid_content" {
  source = "../../modules/paid-content"

  name                   = var.name
  point_in_time_recovery = var.point_in_time_recovery
  table_encryption       = var.table_encryption
  url_ttl_minutes        = var.url_ttl_minutes
  # An example is disposable: var.deletion_protection (default false) and var.bucket_force_destroy (default true) opt
  # out of the module's data protection, so `destroy` takes the data with it. Set them the other way round to keep it.
  deletion_protection = var.deletion_protection
  api = {
    access_logs     = var.access_logs
    method_settings = var.method_settings
    tracing         = var.tracing
    authorizer      = var.cognito_authorizer
  }
  auth = {
    id_token_validity_minutes     = var.token_validity_minutes
    access_token_validity_minutes = var.token_validity_minutes
    allow_user_password_auth      = var.allow_user_password_auth
    security_settings             = var.cognito_security_settings
  }
  bucket = {
    force_destroy      = var.bucket_force_destroy
    ownership_controls = var.bucket_ownership_controls
    lifecycle_rules    = var.bucket_lifecycle_rules
  }
  cdn = {
    price_class = var.price_class
  }
  signing_key = {
    rotation                    = var.signing_key_rotation
    secret_recovery_window_days = var.secret_recovery_window_days
  }
  alarm_topic_arn          = var.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  kms_key_rotation         = var.kms_key_rotation
  log_retention_days       = 30
  tags                     = var.tags
}
