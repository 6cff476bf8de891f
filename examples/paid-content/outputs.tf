output "api_url" {
  description = "Base URL of the API (append /videos/<id>/url)."
  value       = module.paid_content.api_url
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.paid_content.rest_api_id
}

output "stage_name" {
  description = "Name of the API stage."
  value       = module.paid_content.stage_name
}

output "function_name" {
  description = "Name of the signed-URL function."
  value       = module.paid_content.function_name
}

output "user_pool_id" {
  description = "ID of the Cognito user pool."
  value       = module.paid_content.user_pool_id
}

output "user_pool_client_id" {
  description = "ID of the app client."
  value       = module.paid_content.user_pool_client_id
}

output "premium_table_name" {
  description = "Name of the premium users table."
  value       = module.paid_content.premium_table_name
}

output "video_bucket_name" {
  description = "Name of the video bucket."
  value       = module.paid_content.video_bucket_name
}

output "distribution_id" {
  description = "ID of the CloudFront distribution."
  value       = module.paid_content.distribution_id
}

output "distribution_domain_name" {
  description = "Domain name of the CloudFront distribution."
  value       = module.paid_content.distribution_domain_name
}

output "key_group_id" {
  description = "ID of the CloudFront key group trusted for signed URLs."
  value       = module.paid_content.key_group_id
}

output "signing_secret_arn" {
  description = "ARN of the secret holding the signing key pair."
  value       = module.paid_content.signing_secret_arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies; subscribe to it."
  value       = module.paid_content.alarm_topic_arn
}
