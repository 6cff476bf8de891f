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
