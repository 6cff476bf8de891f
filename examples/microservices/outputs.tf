output "service_a_url" {
  description = "Base URL of service A (orders on ECS + DynamoDB)."
  value       = module.microservices.service_a_url
}

output "service_a_table_name" {
  description = "DynamoDB table of service A."
  value       = module.microservices.service_a_table_name
}

output "service_a_environment" {
  description = "Environment of service A's container."
  value       = module.microservices.service_a_environment
}

output "service_b_api_url" {
  description = "Base URL of service B's API (catalog)."
  value       = module.microservices.service_b_api_url
}

output "service_b_rest_api_id" {
  description = "ID of service B's REST API."
  value       = module.microservices.service_b_rest_api_id
}

output "service_b_stage_name" {
  description = "Stage of service B's REST API."
  value       = module.microservices.service_b_stage_name
}

output "service_b_function_name" {
  description = "Name of service B's function."
  value       = module.microservices.service_b_function_name
}

output "service_b_table_name" {
  description = "DynamoDB table behind service B's cache."
  value       = module.microservices.service_b_table_name
}

output "service_b_cache_secret_arn" {
  description = "Secret with service B's cache credentials."
  value       = module.microservices.service_b_cache_secret_arn
}

output "service_c_url" {
  description = "Base URL of service C (orders on EC2 + PostgreSQL)."
  value       = module.microservices.service_c_url
}

output "service_c_db_instance_identifier" {
  description = "RDS instance identifier of service C."
  value       = module.microservices.service_c_db_instance_identifier
}

output "service_c_db_secret_arn" {
  description = "Secret with service C's database master credentials."
  value       = module.microservices.service_c_db_secret_arn
}

output "service_c_db_username" {
  description = "Master user of service C's database."
  value       = module.microservices.service_c_db_username
}

output "service_c_environment" {
  description = "Environment of service C's app (no secrets)."
  value       = module.microservices.service_c_environment
}

output "events_topic_arn" {
  description = "SNS topic of the order events."
  value       = module.microservices.events_topic_arn
}

output "events_queue_urls" {
  description = "URLs of the subscribed queues."
  value       = module.microservices.events_queue_urls
}

output "events_dlq_urls" {
  description = "URLs of the dead-letter queues."
  value       = module.microservices.events_dlq_urls
}

output "events_consumer_function_name" {
  description = "Name of the events consumer function."
  value       = module.microservices.events_consumer_function_name
}

output "access_log_bucket" {
  description = "Bucket with the load balancers' access logs."
  value       = module.microservices.access_log_bucket
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies; subscribe to it."
  value       = module.microservices.alarm_topic_arn
}
