output "vpc_id" {
  description = "ID of the VPC the services share."
  value       = local.network.vpc_id
}

output "service_a_url" {
  description = "Base URL of service A (orders on ECS + DynamoDB): POST /orders, GET /orders/{id}."
  value       = module.service_a.url
}

output "service_a_cluster_name" {
  description = "ECS cluster of service A."
  value       = module.service_a.cluster_name
}

output "service_a_table_name" {
  description = "DynamoDB table of service A."
  value       = module.service_a.table_name
}

output "service_a_environment" {
  description = "Environment of service A's container."
  value       = module.service_a.app_environment
}

output "service_b_api_url" {
  description = "Base URL of service B's API (catalog; GET /items/{id})."
  value       = module.service_b.api_url
}

output "service_b_rest_api_id" {
  description = "ID of service B's REST API."
  value       = module.service_b.rest_api_id
}

output "service_b_stage_name" {
  description = "Stage of service B's REST API."
  value       = module.service_b.stage_name
}

output "service_b_function_name" {
  description = "Name of service B's function."
  value       = module.service_b.function_name
}

output "service_b_table_name" {
  description = "DynamoDB table behind service B's cache."
  value       = module.service_b.table_name
}

output "service_b_cache_secret_arn" {
  description = "Secret with service B's cache credentials."
  value       = module.service_b.cache_secret_arn
}

output "service_c_url" {
  description = "Base URL of service C (orders on EC2 + PostgreSQL): POST /orders, GET /orders/{id}."
  value       = module.service_c.url
}

output "service_c_db_instance_identifier" {
  description = "RDS instance identifier of service C."
  value       = module.service_c.db_instance_identifier
}

output "service_c_db_secret_arn" {
  description = "Secret with service C's database master credentials (RDS-managed)."
  value       = module.service_c.db_secret_arn
}

output "service_c_db_username" {
  description = "Master user of service C's database."
  value       = module.service_c.db_username
}

output "service_c_environment" {
  description = "Environment of service C's app on the instances (no secrets)."
  value       = module.service_c.app_environment
}

output "events_topic_arn" {
  description = "SNS topic the services publish order events to."
  value       = module.events.topic_arn
}

output "events_queue_urls" {
  description = "URLs of the subscribed queues (fulfilment, analytics)."
  value       = module.events.queue_urls
}

output "events_dlq_urls" {
  description = "URLs of the queues' dead-letter queues."
  value       = module.events.dlq_urls
}

output "events_consumer_function_name" {
  description = "Name of the fulfilment queue's consumer function."
  value       = module.events.consumer_function_name
}

output "access_log_bucket" {
  description = "Bucket with both load balancers' access logs (null without `access_logs`)."
  value       = try(aws_s3_bucket.access_logs[0].id, null)
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (the module's `<name>-alarms` or your `alarm_topic_arn`): subscribe to it, e.g. `aws sns subscribe --topic-arn <it> --protocol email --notification-endpoint ops@example.com`."
  value       = local.alarm_topic_arn
}

output "failure_handling" {
  description = "How failures become visible, as deployed (for reviews and tests): the events' DLQ alarm names, the stream failure queue's settings (null without the Kinesis option), the events consumer's reserved concurrency, service B's tracing and error alarm, and the alarms of services A's and C's load balancers (5xx answers, unhealthy targets)."
  value = {
    events_dlq_alarm_names                         = module.events.dlq_alarm_names
    events_stream_failures                         = module.events.kinesis_failure_queue
    events_consumer_reserved_concurrent_executions = module.events.consumer_reserved_concurrent_executions
    service_b                                      = module.service_b.observability
    service_a_alarms                               = module.service_a.alarms
    service_c_alarms                               = module.service_c.alarms
  }
}
