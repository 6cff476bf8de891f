output "distribution_id" {
  description = "ID of the CloudFront distribution."
  value       = module.updates.distribution_id
}

output "distribution_domain_name" {
  description = "The distribution's *.cloudfront.net name."
  value       = module.updates.distribution_domain_name
}

output "base_url" {
  description = "HTTPS base URL clients download updates from: <base_url>/manifest.json, <base_url>/updates/…"
  value       = module.updates.base_url
}

output "invalidation_command" {
  description = "Publishes a new manifest at once."
  value       = module.updates.invalidation_command
}

output "alb_dns_name" {
  description = "The ALB's DNS name (direct requests get 403: only CloudFront's, with the secret header, are forwarded)."
  value       = module.alb.dns_name
}

output "vpc_id" {
  description = "The application's VPC."
  value       = module.vpc.vpc_id
}

output "efs_access_point_id" {
  description = "EFS access point holding the update files (null without EFS)."
  value       = var.efs ? aws_efs_access_point.updates[0].id : null
}

output "autoscaling_group_name" {
  description = "The web servers' Auto Scaling group (null without it)."
  value       = var.autoscaling ? aws_autoscaling_group.app[0].name : null
}

output "access_logs_bucket_name" {
  description = "Bucket with the CloudFront access logs."
  value       = module.updates.access_logs_bucket_name
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (the ALB's 5xx answers and unhealthy instances; the CDN's 5xx error rate when `region` is us-east-1); subscribe to it."
  value       = local.alarm_topic_arn
}
