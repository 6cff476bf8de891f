output "distribution_id" {
  description = "ID of the CloudFront distribution."
  value       = aws_cloudfront_distribution.site.id
}

output "distribution_domain_name" {
  description = "Domain name of the CloudFront distribution (https://<it>/ serves the site, /api/* the posts API)."
  value       = aws_cloudfront_distribution.site.domain_name
}

output "site_bucket_name" {
  description = "Name of the static site bucket (upload the site's files here; only the distribution can read them)."
  value       = aws_s3_bucket.site.id
}

output "uploads_bucket_name" {
  description = "Name of the uploads bucket: photos under the uploads prefix get thumbnails under the thumbnails prefix."
  value       = aws_s3_bucket.uploads.id
}

output "users_table_name" {
  description = "Name of the users table (a new item with an `email` attribute triggers the welcome e-mail)."
  value       = aws_dynamodb_table.users.name
}

output "posts_table_name" {
  description = "Name of the posts table."
  value       = aws_dynamodb_table.posts.name
}

output "welcome_function_name" {
  description = "Name of the welcome e-mail function."
  value       = module.welcome.function_name
}

output "posts_function_name" {
  description = "Name of the posts API function; null when `posts_api` is false."
  value       = local.posts_api ? module.api[0].function_name : null
}

output "users_stream_arn" {
  description = "ARN of the users table's stream, which feeds the welcome function."
  value       = aws_dynamodb_table.users.stream_arn
}

output "thumbnail_function_name" {
  description = "Name of the thumbnail function."
  value       = aws_lambda_function.thumbnail.function_name
}

output "sender_identity" {
  description = "The SES sender identity (the verified e-mail address)."
  value       = aws_ses_email_identity.sender.email
}

output "dlq_url" {
  description = "URL of the SQS dead-letter queue that receives the welcome stream's failed batches."
  value       = module.welcome.dlq_url
}

output "api_url" {
  description = "Invoke URL of the posts API's stage; it answers only requests that come through the distribution (https://<distribution_domain_name>/api/*): a direct call gets 401 or 403. Null when `posts_api` is false."
  value       = local.posts_api ? module.api[0].invoke_url : null
}

output "origin_verify_function_name" {
  description = "Name of the posts API's origin-verify authorizer function (lets through only requests carrying the distribution's secret header); null when `posts_api` is false."
  value       = local.posts_api ? module.origin_verify[0].function_name : null
}

output "origin_verify_header_name" {
  description = "Name of the secret header the distribution adds to every request to the posts API; null when `posts_api` is false. The value is in the Secrets Manager secret `origin_verify_secret_arn`, never in an output."
  value       = local.posts_api ? module.origin_verify[0].header_name : null
}

output "origin_verify_secret_arn" {
  description = "ARN of the Secrets Manager secret with the origin header's value (AWSCURRENT; after a rotation the value before is AWSPREVIOUS); null when `posts_api` is false."
  value       = local.posts_api ? module.origin_verify[0].secret_arn : null
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (the module's `<name>-alarms` or your `alarm_topic_arn`): subscribe to it, e.g. `aws sns subscribe --topic-arn <it> --protocol email --notification-endpoint ops@example.com`."
  value       = local.alarm_topic_arn
}

output "thumbnail_dlq_url" {
  description = "URL of the SQS dead-letter queue that receives the uploads the thumbnail function failed on (S3 event and error)."
  value       = module.thumbnail_dlq.url
}

output "failure_handling" {
  description = "How failures become visible, as deployed (for reviews and tests): the welcome and thumbnail dead-letter queues' `settings` (encryption, TLS-only, alarm and its actions), the thumbnail function's on-failure destination and retries (null without `event_invoke_configs`), the posts API's and its origin-verify authorizer's tracing and error alarms (null without the API)."
  value = {
    welcome_dlq   = module.welcome.dlq
    thumbnail_dlq = module.thumbnail_dlq.settings
    thumbnail_invoke = !var.event_invoke_configs ? null : {
      on_failure_destination       = one(one(aws_lambda_function_event_invoke_config.thumbnail[0].destination_config).on_failure).destination
      maximum_retry_attempts       = aws_lambda_function_event_invoke_config.thumbnail[0].maximum_retry_attempts
      maximum_event_age_in_seconds = aws_lambda_function_event_invoke_config.thumbnail[0].maximum_event_age_in_seconds
    }
    posts_api     = local.posts_api ? module.api[0].observability : null
    origin_verify = local.posts_api ? module.origin_verify[0].observability : null
  }
}
