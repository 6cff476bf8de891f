output "distribution_id" {
  description = "ID of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution (for IAM policies that allow invalidations)."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "The distribution's `*.cloudfront.net` name; point clients (or a CNAME/alias record for `aliases`) at it."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_hosted_zone_id" {
  description = "Route 53 hosted zone of CloudFront, for an alias record to the distribution."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "base_url" {
  description = "HTTPS base URL clients download from (the first alias if there is one)."
  value       = "https://${length(var.aliases) > 0 ? var.aliases[0] : aws_cloudfront_distribution.this.domain_name}"
}

output "manifest_paths" {
  description = "The manifest paths (short TTL): the paths to invalidate after publishing a release."
  value       = var.manifest_paths
}

output "invalidation_command" {
  description = "AWS CLI command that publishes a new manifest at once instead of after `manifest_ttl_seconds` (versioned files never need invalidating)."
  value       = "aws cloudfront create-invalidation --distribution-id ${aws_cloudfront_distribution.this.id} --paths ${join(" ", [for p in var.manifest_paths : "'${p}'"])}"
}

output "cache_policy_ids" {
  description = "IDs of the `versioned` and `manifest` cache policies."
  value = {
    versioned = aws_cloudfront_cache_policy.versioned.id
    manifest  = aws_cloudfront_cache_policy.manifest.id
  }
}

output "origin_verify_header_name" {
  description = "Name of the secret origin header the ALB must require; null when `origin_verify_secret` is not set."
  value       = nonsensitive(var.origin_verify_secret == null) ? null : var.origin_verify_header_name
}

output "access_logs_bucket_name" {
  description = "Bucket receiving the standard access logs under `cloudfront/`; null when `access_logs` is false."
  value       = var.access_logs ? module.logs[0].bucket : null
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (the module's `<name>-alarms` or your `alarm_topic_arn`): subscribe to it, e.g. `aws sns subscribe --topic-arn <it> --protocol email --notification-endpoint ops@example.com`. Without `alarm_topic_arn` the module creates the topic only in us-east-1, where its alarm is: null elsewhere."
  value       = local.alarm_topic_arn
}

output "error_rate_alarm" {
  description = "The 5xx error-rate alarm as deployed (`name`, `metric_name`, `threshold`, `alarm_actions`, `ok_actions`); null outside us-east-1, where CloudFront publishes no metrics."
  value = !local.cloudfront_alarm ? null : {
    name          = aws_cloudwatch_metric_alarm.error_rate[0].alarm_name
    metric_name   = aws_cloudwatch_metric_alarm.error_rate[0].metric_name
    threshold     = aws_cloudwatch_metric_alarm.error_rate[0].threshold
    alarm_actions = aws_cloudwatch_metric_alarm.error_rate[0].alarm_actions == null ? [] : sort(tolist(aws_cloudwatch_metric_alarm.error_rate[0].alarm_actions))
    ok_actions    = aws_cloudwatch_metric_alarm.error_rate[0].ok_actions == null ? [] : sort(tolist(aws_cloudwatch_metric_alarm.error_rate[0].ok_actions))
  }
}
