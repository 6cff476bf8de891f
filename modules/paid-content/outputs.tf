output "api_url" {
  description = "Base URL of the API (append /videos/<id>/url); the route needs `Authorization: <ID token>`."
  value       = module.api.invoke_url
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.api.rest_api_id
}

output "stage_name" {
  description = "Name of the API stage."
  value       = module.api.stage_name
}

output "function_name" {
  description = "Name of the signed-URL Lambda function."
  value       = module.api.function_name
}

output "user_pool_id" {
  description = "ID of the Cognito user pool."
  value       = module.auth.user_pool_id
}

output "user_pool_client_id" {
  description = "ID of the app client."
  value       = module.auth.client_id
}

output "premium_table_name" {
  description = "Name of the premium users table (partition key `user_id` = Cognito sub; `premium` BOOL, optional `premium_until` RFC 3339)."
  value       = aws_dynamodb_table.premium_users.name
}

output "video_bucket_name" {
  description = "Name of the private video bucket; upload videos under `video_prefix`."
  value       = aws_s3_bucket.videos.id
}

output "distribution_id" {
  description = "ID of the CloudFront distribution."
  value       = aws_cloudfront_distribution.videos.id
}

output "distribution_domain_name" {
  description = "CloudFront domain name of the distribution (d…cloudfront.net)."
  value       = aws_cloudfront_distribution.videos.domain_name
}

output "key_group_id" {
  description = "ID of the CloudFront key group the distribution trusts for signed URLs."
  value       = refarch_signed_url_keypair.this.key_group_id
}

output "signing_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the signing key pair (JSON `key_pair_id`, `private_key_pem`); the premium function reads it, and so may any other signer you grant."
  value       = refarch_signed_url_keypair.this.secret_arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (the module's `<name>-alarms` or your `alarm_topic_arn`): subscribe to it, e.g. `aws sns subscribe --topic-arn <it> --protocol email --notification-endpoint ops@example.com`."
  value       = local.alarm_topic_arn
}

output "observability" {
  description = "How the API's failures become visible, as deployed (for reviews and tests): the function's X-Ray `tracing` mode, `stage_tracing`, and its error alarm's metric, threshold, `alarm_actions` and `ok_actions` (see rest-api-lambda)."
  value       = module.api.observability
}
