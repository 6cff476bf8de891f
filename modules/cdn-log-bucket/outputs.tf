output "bucket" {
  description = "Name of the log bucket."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "ARN of the log bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_domain_name" {
  description = "The bucket's domain name, for a distribution's `logging_config.bucket` (available once ownership is set)."
  value       = aws_s3_bucket.this.bucket_domain_name
  depends_on  = [aws_s3_bucket_ownership_controls.this, aws_s3_bucket_policy.this]
}
