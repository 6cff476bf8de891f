# The log bucket against a mocked provider: private, SSE-S3, TLS-only, ACL ownership for log delivery, expiry.
mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = {
      id                 = "blog-cdnlogs-mock"
      arn                = "arn:aws:s3:::blog-cdnlogs-mock"
      bucket_domain_name = "blog-cdnlogs-mock.s3.amazonaws.com"
    }
  }
}

variables {
  name_prefix = "blog"
}

run "secure_defaults" {
  command = apply

  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    error_message = "the log bucket must block all public access"
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "log delivery needs SSE-S3"
  }
  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this[0].rule).object_ownership == "BucketOwnerPreferred"
    error_message = "log delivery writes with an ACL: BucketOwnerPreferred"
  }
  assert {
    condition     = length([for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s if s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"]) == 1 && length([for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s if s.Effect == "Allow"]) == 0
    error_message = "the bucket must deny non-TLS requests and allow nothing"
  }
  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this[0].rule).expiration[0].days == 365 && !aws_s3_bucket.this.force_destroy
    error_message = "logs expire after 365 days by default; the bucket is not force-destroyed"
  }
  assert {
    condition     = output.bucket_domain_name == "blog-cdnlogs-mock.s3.amazonaws.com"
    error_message = "bucket_domain_name is what logging_config needs"
  }
}

run "sandbox_switches" {
  command = plan

  variables {
    ownership_controls = false
    lifecycle_rules    = false
  }

  assert {
    condition     = length(aws_s3_bucket_ownership_controls.this) == 0 && length(aws_s3_bucket_lifecycle_configuration.this) == 0 && aws_s3_bucket_public_access_block.this.block_public_policy
    error_message = "the switches leave out only ownership and lifecycle, never the public access block"
  }
}

run "rejects_bad_retention" {
  command = plan

  variables {
    retention_days = 0
  }

  expect_failures = [var.retention_days]
}
