# Deploys MyBlog (architecture 172). Real AWS: `tofu init && tofu apply -var sender_address=blog@example.com`.
# Local sandbox: a test harness would add an override file pointing both providers at kumo and turn off what the
# sandbox lacks through the variables below (see internal/sandbox/profile.go, entry "myblog").
#
# After apply: click the SES verification link sent to the sender address; upload the site's files to the site bucket
# (output site_bucket_name) and open https://<distribution_domain_name>/; put a user item (user_id, email) in the
# users table for a welcome e-mail; upload a photo under uploads/ in the uploads bucket for a thumbnail under
# thumbnails/. Posts are items of the posts table (id, title, body, published = true, published_at);
# read them at https://<distribution_domain_name>/api/posts.

terraform {
  required_version = ">= 1.11.0"

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

module "myblog" {
  source = "../../modules/myblog"

  name                   = var.name
  sender_address         = var.sender_address
  posts_api              = var.posts_api
  posts_replica_regions  = var.posts_replica_regions
  point_in_time_recovery = var.point_in_time_recovery
  table_encryption       = var.table_encryption
  queue_sse              = var.queue_sse
  event_source_mappings  = var.event_source_mappings
  event_invoke_configs   = var.event_invoke_configs
  # An example is disposable: var.deletion_protection (default false) and var.bucket_force_destroy (default true) opt
  # out of the module's data protection, so `destroy` takes the data with it. Set them the other way round to keep it.
  deletion_protection = var.deletion_protection
  api = {
    access_logs     = var.access_logs
    method_settings = var.method_settings
    tracing         = var.tracing
  }
  alarm_topic_arn          = var.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  kms_key_rotation         = var.kms_key_rotation
  buckets = {
    force_destroy      = var.bucket_force_destroy
    ownership_controls = var.bucket_ownership_controls
    lifecycle_rules    = var.bucket_lifecycle_rules
  }
  cdn = {
    price_class = var.price_class
  }
  origin_verify = {
    secret_version  = var.origin_verify_secret_version
    accept_previous = var.origin_verify_accept_previous
  }
  log_retention_days = 30
  tags               = var.tags
}
