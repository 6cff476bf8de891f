output "url" {
  description = "Base URL of the service at the load balancer's DNS name: https:// with a certificate, http:// only with `allow_plain_http`."
  value       = module.alb.url
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.dns_name
}

output "alb_arn" {
  description = "ARN of the load balancer."
  value       = module.alb.arn
}

output "target_group_arn" {
  description = "ARN of the target group the Auto Scaling group registers its instances in."
  value       = module.alb.target_group_arn
}

output "autoscaling_group_name" {
  description = "Name of the Auto Scaling group (null without `compute`)."
  value       = try(aws_autoscaling_group.this[0].name, null)
}

output "launch_template_id" {
  description = "ID of the launch template (null without `compute`)."
  value       = try(aws_launch_template.this[0].id, null)
}

output "instance_role_arn" {
  description = "ARN of the instances' IAM role."
  value       = aws_iam_role.instance.arn
}

output "security_group_ids" {
  description = "Security groups of the load balancer (`alb`), the instances (`app`) and the database (`db`)."
  value       = { alb = module.alb.security_group_id, app = aws_security_group.app.id, db = aws_security_group.db.id }
}

output "db_instance_identifier" {
  description = "Identifier of the RDS instance (`<name>-db`)."
  value       = local.db_identifier
}

output "db_address" {
  description = "Host name of the RDS instance (null without `db_instance`)."
  value       = try(aws_db_instance.this[0].address, null)
}

output "db_port" {
  description = "Port of the RDS instance (null without `db_instance`)."
  value       = try(aws_db_instance.this[0].port, null)
}

output "db_name" {
  description = "Name of the database the service uses."
  value       = var.database.db_name
}

output "db_username" {
  description = "Master user name (its password is only in the secret)."
  value       = var.database.username
}

output "db_secret_arn" {
  description = "ARN of the Secrets Manager secret with the master user's {\"username\", \"password\"}: RDS's managed secret, or the module's own without `manage_master_user_password`."
  value       = local.db_secret_arn
}

output "app_environment" {
  description = "Environment the app runs with on the instances (PORT, AWS_REGION, SERVICE_NAME, DB_HOST, DB_PORT, DB_NAME, DB_SECRET_ARN, DB_SSLMODE and `app.environment`); no secrets."
  value       = local.app_environment
}

output "alarms" {
  description = "The load balancer's alarms (modules/alb `alarms`): `target-5xx`, `elb-5xx` and `unhealthy-targets`, each with its `name` and the topics it notifies (`alarm_actions`, `ok_actions`)."
  value       = module.alb.alarms
}
