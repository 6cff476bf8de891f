output "api_url" {
  description = "Base URL of the todos API (append /todos); every route needs `Authorization: <ID token>`."
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

output "table_name" {
  description = "Name of the DynamoDB table holding the todos (partition key `owner`, sort key `id`)."
  value       = aws_dynamodb_table.todos.name
}

output "table_arn" {
  description = "ARN of the todos table."
  value       = aws_dynamodb_table.todos.arn
}

output "function_name" {
  description = "Name of the todos Lambda function."
  value       = module.api.function_name
}

output "user_pool_id" {
  description = "ID of the Cognito user pool (its region is the part before `_`)."
  value       = module.auth.user_pool_id
}

output "user_pool_arn" {
  description = "ARN of the Cognito user pool."
  value       = module.auth.user_pool_arn
}

output "user_pool_client_id" {
  description = "ID of the mobile app client (no secret)."
  value       = module.auth.client_id
}

output "issuer_url" {
  description = "Issuer URL of the user pool's tokens."
  value       = module.auth.issuer_url
}

output "identity_pool_id" {
  description = "ID of the Cognito identity pool, `<region>:<uuid>`; null when `auth.identity_pool` is false."
  value       = module.auth.identity_pool_id
}

output "authenticated_role_arn" {
  description = "ARN of the role signed-in users get through the identity pool; null without an identity pool."
  value       = module.auth.authenticated_role_arn
}

output "bucket_name" {
  description = "Name of the users' file bucket."
  value       = module.storage.bucket_name
}

output "bucket_arn" {
  description = "ARN of the users' file bucket."
  value       = module.storage.bucket_arn
}

output "user_files_prefix" {
  description = "Key prefix of the users' folders: a user's files are under `<prefix><identity id>/`, the identity ID from the identity pool's GetId (not the user pool `sub`)."
  value       = var.storage.prefix
}

output "dax_endpoint" {
  description = "DAX endpoint URL given to the function (`daxs://…`); null without DAX."
  value       = one(module.dax[*].endpoint_url)
}

output "stage_cache_enabled" {
  description = "Whether the API stage cache is on."
  value       = var.api.cache.enabled
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (the module's `<name>-alarms` or your `alarm_topic_arn`): subscribe to it, e.g. `aws sns subscribe --topic-arn <it> --protocol email --notification-endpoint ops@example.com`."
  value       = local.alarm_topic_arn
}

output "observability" {
  description = "How the API's failures become visible, as deployed (for reviews and tests): the function's X-Ray `tracing` mode, `stage_tracing`, and its error alarm's metric, threshold, `alarm_actions` and `ok_actions` (see rest-api-lambda)."
  value       = module.api.observability
}
