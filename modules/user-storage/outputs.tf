output "bucket_name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket, `arn:<partition>:s3:::<name>` (e.g. for `refarch_cognito_identity_s3_prefix_policy`)."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket, `<name>.s3.<region>.amazonaws.com`."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}
