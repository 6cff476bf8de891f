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
  description = "ARN of the target group (IP targets: the tasks)."
  value       = module.alb.target_group_arn
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "Name of the ECS service (null without `tasks`)."
  value       = try(aws_ecs_service.this[0].name, null)
}

output "task_definition_arn" {
  description = "ARN of the task definition revision (null without `tasks`)."
  value       = try(aws_ecs_task_definition.this[0].arn, null)
}

output "table_name" {
  description = "Name of the DynamoDB table (partition key `id`)."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the DynamoDB table."
  value       = aws_dynamodb_table.this.arn
}

output "task_role_arn" {
  description = "ARN of the tasks' IAM role (item actions on the table only)."
  value       = aws_iam_role.task.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the containers."
  value       = aws_cloudwatch_log_group.this.name
}

output "security_group_ids" {
  description = "Security groups of the load balancer (`alb`) and the tasks (`tasks`)."
  value       = { alb = module.alb.security_group_id, tasks = aws_security_group.tasks.id }
}

output "app_environment" {
  description = "Environment of the container (TABLE_NAME, PORT, AWS_REGION, SERVICE_NAME and `container.environment`); no secrets."
  value       = local.environment
}

output "alarms" {
  description = "The load balancer's alarms (modules/alb `alarms`): `target-5xx`, `elb-5xx` and `unhealthy-targets`, each with its `name` and the topics it notifies (`alarm_actions`, `ok_actions`)."
  value       = module.alb.alarms
}
