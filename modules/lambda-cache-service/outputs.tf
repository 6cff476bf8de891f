output "api_url" {
  description = "Base URL of the API (append /items/<id>)."
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

output "execution_arn" {
  description = "Execution ARN of the REST API, for IAM policies and Lambda permissions."
  value       = module.api.execution_arn
}

output "function_name" {
  description = "Name of the catalog Lambda function."
  value       = module.api.function_name
}

output "function_arn" {
  description = "ARN of the catalog Lambda function."
  value       = module.api.function_arn
}

output "function_role_name" {
  description = "Name of the function's execution role."
  value       = module.api.function_role_name
}

output "function_log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = module.api.function_log_group_name
}

output "function_security_group_id" {
  description = "Security group of the function; the only source the cache admits. Allow it on interface endpoints' security groups if they do not admit the VPC's CIDR."
  value       = aws_security_group.function.id
}

output "cache_security_group_id" {
  description = "Security group of the cache: ingress only from `function_security_group_id` on the cache port; null with `cache_endpoint_override`."
  value       = one(aws_security_group.cache[*].id)
}

output "table_name" {
  description = "Name of the items table (the source of truth; partition key `id` (S), attributes `name`, `price_cents`, `updated_at`)."
  value       = aws_dynamodb_table.items.name
}

output "table_arn" {
  description = "ARN of the items table."
  value       = aws_dynamodb_table.items.arn
}

output "cache_endpoint" {
  description = "The endpoint the function uses, `address:port`: the replication group's primary endpoint, or `cache_endpoint_override`."
  value       = local.cache_endpoint
}

output "cache_replication_group_id" {
  description = "ID of the ElastiCache replication group; null with `cache_endpoint_override`."
  value       = one(aws_elasticache_replication_group.this[*].id)
}

output "cache_reader_endpoint_address" {
  description = "Reader endpoint of the replication group (spreads reads over the replicas); null with `cache_endpoint_override`."
  value       = one(aws_elasticache_replication_group.this[*].reader_endpoint_address)
}

output "cache_user_name" {
  description = "The RBAC user the function connects as (`<name>-app`, keys `catalog:*` only)."
  value       = local.cache_user_name
}

output "cache_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the cache user's credentials, JSON `{\"username\", \"password\"}`. The password never enters the OpenTofu state (write-only attributes)."
  value       = aws_secretsmanager_secret.cache_user.arn
}

output "observability" {
  description = "How the function's failures become visible, as deployed: X-Ray `tracing` mode, `stage_tracing`, and the error alarm's metric, threshold, `alarm_actions` and `ok_actions` (see rest-api-lambda)."
  value       = module.api.observability
}
