output "api_url" {
  description = "Base URL of the todos API."
  value       = module.mytodolist.api_url
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.mytodolist.rest_api_id
}

output "stage_name" {
  description = "Name of the API stage."
  value       = module.mytodolist.stage_name
}

output "table_name" {
  description = "Name of the todos table."
  value       = module.mytodolist.table_name
}

output "function_name" {
  description = "Name of the todos function."
  value       = module.mytodolist.function_name
}

output "user_pool_id" {
  description = "ID of the Cognito user pool."
  value       = module.mytodolist.user_pool_id
}

output "user_pool_client_id" {
  description = "ID of the mobile app client."
  value       = module.mytodolist.user_pool_client_id
}

output "issuer_url" {
  description = "Issuer URL of the user pool's tokens."
  value       = module.mytodolist.issuer_url
}

output "identity_pool_id" {
  description = "ID of the identity pool (null when identity_pool is false)."
  value       = module.mytodolist.identity_pool_id
}

output "authenticated_role_arn" {
  description = "ARN of the identity pool's authenticated role (null without an identity pool)."
  value       = module.mytodolist.authenticated_role_arn
}

output "bucket_name" {
  description = "Name of the users' file bucket."
  value       = module.mytodolist.bucket_name
}

output "user_files_prefix" {
  description = "Key prefix of the users' folders, `<prefix><identity id>/`."
  value       = module.mytodolist.user_files_prefix
}

output "dax_endpoint" {
  description = "DAX endpoint URL given to the function (null without DAX)."
  value       = module.mytodolist.dax_endpoint
}

output "stage_cache_enabled" {
  description = "Whether the API stage cache is on."
  value       = module.mytodolist.stage_cache_enabled
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies; subscribe to it."
  value       = module.mytodolist.alarm_topic_arn
}
