output "distribution_id" {
  description = "ID of the CloudFront distribution."
  value       = module.myblog.distribution_id
}

output "distribution_domain_name" {
  description = "Domain name of the CloudFront distribution."
  value       = module.myblog.distribution_domain_name
}

output "site_bucket_name" {
  description = "Name of the static site bucket."
  value       = module.myblog.site_bucket_name
}

output "uploads_bucket_name" {
  description = "Name of the uploads bucket (photos under uploads/, thumbnails under thumbnails/)."
  value       = module.myblog.uploads_bucket_name
}

output "users_table_name" {
  description = "Name of the users table."
  value       = module.myblog.users_table_name
}

output "posts_table_name" {
  description = "Name of the posts table."
  value       = module.myblog.posts_table_name
}

output "welcome_function_name" {
  description = "Name of the welcome e-mail function."
  value       = module.myblog.welcome_function_name
}

output "thumbnail_function_name" {
  description = "Name of the thumbnail function."
  value       = module.myblog.thumbnail_function_name
}

output "sender_identity" {
  description = "The SES sender identity."
  value       = module.myblog.sender_identity
}

output "dlq_url" {
  description = "URL of the welcome stream's dead-letter queue."
  value       = module.myblog.dlq_url
}

output "api_url" {
  description = "Invoke URL of the posts API (null without the API); it answers only requests through the distribution."
  value       = module.myblog.api_url
}

output "posts_function_name" {
  description = "Name of the posts API function (null without the API)."
  value       = module.myblog.posts_function_name
}

output "users_stream_arn" {
  description = "ARN of the users table's stream (feeds the welcome function)."
  value       = module.myblog.users_stream_arn
}

output "origin_verify_function_name" {
  description = "Name of the posts API's origin-verify authorizer function (null without the API)."
  value       = module.myblog.origin_verify_function_name
}

output "origin_verify_header_name" {
  description = "Name of the secret header the distribution sends to the posts API (null without the API)."
  value       = module.myblog.origin_verify_header_name
}

output "origin_verify_secret_arn" {
  description = "ARN of the Secrets Manager secret with the origin header's accepted values (null without the API)."
  value       = module.myblog.origin_verify_secret_arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies; subscribe to it."
  value       = module.myblog.alarm_topic_arn
}

output "thumbnail_dlq_url" {
  description = "URL of the thumbnail function's dead-letter queue (uploads it failed on)."
  value       = module.myblog.thumbnail_dlq_url
}
