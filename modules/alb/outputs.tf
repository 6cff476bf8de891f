output "url" {
  description = "Base URL at the load balancer's DNS name: https:// with a certificate, else http://."
  value       = "${local.https ? "https" : "http"}://${aws_lb.this.dns_name}"
}

output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension, `ALBRequestCountPerTarget` resource label)."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 hosted zone of the load balancer, for an alias record."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer: let the targets admit it."
  value       = aws_security_group.this.id
}

output "target_group_arn" {
  description = "ARN of the target group (register the targets here)."
  value       = aws_lb_target_group.this.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (CloudWatch dimension, `ALBRequestCountPerTarget` resource label)."
  value       = aws_lb_target_group.this.arn_suffix
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener on 443 (null without a certificate)."
  value       = try(aws_lb_listener.https[0].arn, null)
}

output "http_listener_arn" {
  description = "ARN of the listener on port 80 (a redirect to HTTPS unless plain HTTP is allowed and there is no certificate)."
  value       = aws_lb_listener.http.arn
}

output "listeners" {
  description = "What each port does: `https` (`ssl_policy` and `certificate_arn`, or null without a certificate) and `http` (`redirect`, `forward`, or `fixed-response` when only requests with the origin header are forwarded)."
  value = {
    https = local.https ? { ssl_policy = aws_lb_listener.https[0].ssl_policy, certificate_arn = aws_lb_listener.https[0].certificate_arn } : null
    http  = one(aws_lb_listener.http.default_action).type
  }
}

output "deletion_protection" {
  description = "Whether the load balancer is protected from deletion."
  value       = aws_lb.this.enable_deletion_protection
}

output "alarms" {
  description = "The load balancer's alarms by concern (`target-5xx`, `elb-5xx`, `unhealthy-targets`): `name` (`<name>-alb-…`) and the topics it notifies when it fires (`alarm_actions`) and recovers (`ok_actions`), null without `alarm_topic_arn`."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => { name = a.alarm_name, alarm_actions = a.alarm_actions, ok_actions = a.ok_actions } }
}
