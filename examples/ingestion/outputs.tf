output "ingestion_bucket_name" {
  description = "The data lake bucket (data/, errors/, raw/, registry/)."
  value       = module.ingestion.ingestion_bucket_name
}

output "reporting_bucket_name" {
  description = "The reporting bucket (reports/<key>/, athena-results/)."
  value       = module.ingestion.reporting_bucket_name
}

output "delivery_stream_name" {
  description = "Name of the Firehose delivery stream."
  value       = module.ingestion.delivery_stream_name
}

output "kinesis_stream_name" {
  description = "Name of the Kinesis Data Stream (null without one)."
  value       = module.ingestion.kinesis_stream_name
}

output "iot_topic_prefix" {
  description = "Devices publish to <prefix>/<device id>/telemetry."
  value       = module.ingestion.iot_topic_prefix
}

output "iot_data_endpoint" {
  description = "IoT data endpoint (null without IoT)."
  value       = module.ingestion.iot_data_endpoint
}

output "iot_device_policy_name" {
  description = "IoT policy for device certificates (null without IoT)."
  value       = module.ingestion.iot_device_policy_name
}

output "transform_function_name" {
  description = "Name of the Firehose transform function."
  value       = module.ingestion.transform_function_name
}

output "partitions_function_name" {
  description = "Name of the partition registration function."
  value       = module.ingestion.partitions_function_name
}

output "notification_queue_url" {
  description = "URL of the object-created notification queue."
  value       = module.ingestion.notification_queue_url
}

output "notification_dlq_url" {
  description = "URL of the notification queue's dead-letter queue."
  value       = module.ingestion.notification_dlq_url
}

output "glue_database_name" {
  description = "Glue database of the data lake."
  value       = module.ingestion.glue_database_name
}

output "glue_table_name" {
  description = "Glue table of the readings."
  value       = module.ingestion.glue_table_name
}

output "athena_workgroup" {
  description = "Athena workgroup for ad-hoc queries."
  value       = module.ingestion.athena_workgroup
}

output "reports" {
  description = "Scheduled reports: workgroup, output location, schedule ARN, named query id, initial query execution id."
  value       = module.ingestion.reports
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies; subscribe to it."
  value       = module.ingestion.alarm_topic_arn
}
