output "api_url" {
  description = "Base URL of the todos API (append /todos)."
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

output "function_name" {
  description = "Name of the todos Lambda function."
  value       = module.api.function_name
}
