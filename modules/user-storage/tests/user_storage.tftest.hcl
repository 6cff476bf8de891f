# user-storage against a mocked AWS provider: encryption, versioning, no public access, TLS-only policy, lifecycle,
# CORS, and input validation.
mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = {
      id     = "user-files-mock"
      bucket = "user-files-mock"
      arn    = "arn:aws:s3:::user-files-mock"
    }
  }
}

run "secure_defaults" {
  command = apply

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "every public access block setting is on"
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.this[0].rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are disabled: the bucket owner owns every object"
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "SSE-S3 by default"
  }
  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "versioning is on"
  }
  assert {
    condition = {
      for r in aws_s3_bucket_lifecycle_configuration.this[0].rule : r.id => r.status == "Enabled" && (
        r.id == "expire-noncurrent-versions" ? r.noncurrent_version_expiration[0].noncurrent_days == 30 : r.abort_incomplete_multipart_upload[0].days_after_initiation == 7
      )
      } == {
      "expire-noncurrent-versions"         = true
      "abort-incomplete-multipart-uploads" = true
    }
    error_message = "noncurrent versions expire after 30 days, incomplete uploads are aborted after 7"
  }
  assert {
    condition     = !aws_s3_bucket.this.force_destroy && length(aws_s3_bucket_cors_configuration.this) == 0 && length(aws_s3_bucket_logging.this) == 0
    error_message = "no force_destroy, no CORS and no access logging unless asked for"
  }
}

run "bucket_policy_denies_plain_http_and_old_tls" {
  command = apply

  assert {
    condition = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0] == {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::user-files-mock", "arn:aws:s3:::user-files-mock/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    error_message = "requests without TLS are denied on the bucket and its objects: ${aws_s3_bucket_policy.this.policy}"
  }
  assert {
    condition = jsondecode(aws_s3_bucket_policy.this.policy).Statement[1] == {
      Sid       = "DenyOutdatedTLS"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::user-files-mock", "arn:aws:s3:::user-files-mock/*"]
      Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
    }
    error_message = "requests over TLS older than 1.2 are denied"
  }
  assert {
    condition     = length([for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s if s.Effect != "Deny"]) == 0
    error_message = "the bucket policy only denies: access is granted by identity policies (e.g. the identity pool's role)"
  }
}

run "customer_managed_key_uses_a_bucket_key" {
  command = apply

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = (
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == var.kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
    )
    error_message = "SSE-KMS with the caller's key and an S3 bucket key"
  }
}

run "cors_for_the_given_origins" {
  command = apply

  variables {
    allowed_origins = ["https://app.example.com"]
  }

  assert {
    condition = (
      one(aws_s3_bucket_cors_configuration.this[0].cors_rule).allowed_origins == toset(["https://app.example.com"]) &&
      one(aws_s3_bucket_cors_configuration.this[0].cors_rule).allowed_methods == toset(["GET", "PUT", "POST", "DELETE", "HEAD"]) &&
      one(aws_s3_bucket_cors_configuration.this[0].cors_rule).expose_headers == toset(["ETag"])
    )
    error_message = "CORS allows the app's origin, the object methods, and exposes ETag"
  }
}

run "access_logs_when_asked" {
  command = apply

  variables {
    access_logs_bucket = { bucket = "my-log-bucket" }
  }

  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "my-log-bucket" && aws_s3_bucket_logging.this[0].target_prefix == "s3/user-files-mock/"
    error_message = "server access logs go to the target bucket under s3/<bucket>/"
  }
}

run "sandbox_switches_keep_encryption_and_tls" {
  command = apply

  variables {
    ownership_controls = false
    lifecycle_rules    = false
  }

  assert {
    condition     = length(aws_s3_bucket_ownership_controls.this) == 0 && length(aws_s3_bucket_lifecycle_configuration.this) == 0
    error_message = "the two sandbox switches leave out ownership controls and lifecycle rules"
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_policy && one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256" && length(jsondecode(aws_s3_bucket_policy.this.policy).Statement) == 2
    error_message = "and nothing else"
  }
}

run "rejects_bad_bucket_name" {
  command = plan
  variables {
    bucket_name = "Users_Files"
  }
  expect_failures = [var.bucket_name]
}

run "rejects_origin_with_path" {
  command = plan
  variables {
    allowed_origins = ["https://app.example.com/index.html"]
  }
  expect_failures = [var.allowed_origins]
}

run "rejects_zero_day_version_expiry" {
  command = plan
  variables {
    noncurrent_version_expiration_days = 0
  }
  expect_failures = [var.noncurrent_version_expiration_days]
}

run "rejects_non_kms_key" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:iam::123456789012:role/not-a-key"
  }
  expect_failures = [var.kms_key_arn]
}
