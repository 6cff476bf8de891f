output "topic_arn" {
  description = "ARN of the SNS topic services publish to (order events as JSON; message attribute `type` drives the queues' filter policies)."
  value       = aws_sns_topic.this.arn
}

output "topic_name" {
  description = "Name of the SNS topic."
  value       = aws_sns_topic.this.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the topic, the queues (with `queue_encryption = \"KMS\"`), the events table and the stream: the module's key or `kms_key_arn`."
  value       = local.kms_key_arn
}

output "publish_policy_json" {
  description = "IAM policy document (JSON) that lets a principal publish to the topic: `sns:Publish` on it and `kms:GenerateDataKey*`/`kms:Decrypt` on its key. Attach it to a producer's role (e.g. another service's function)."
  value       = local.publish_policy_json
}

output "queues" {
  description = "The subscribed queues by key: `name`, `arn`, `url`, `dlq_name`, `dlq_arn`, `dlq_url`, `subscription_arn`."
  value = { for k, q in aws_sqs_queue.queue : k => {
    name             = q.name
    arn              = q.arn
    url              = q.url
    dlq_name         = aws_sqs_queue.dlq[k].name
    dlq_arn          = aws_sqs_queue.dlq[k].arn
    dlq_url          = aws_sqs_queue.dlq[k].url
    subscription_arn = aws_sns_topic_subscription.queue[k].arn
  } }
}

output "queue_urls" {
  description = "URL of each subscribed queue by key."
  value       = { for k, q in aws_sqs_queue.queue : k => q.url }
}

output "dlq_urls" {
  description = "URL of each queue's dead-letter queue by key."
  value       = { for k, q in aws_sqs_queue.dlq : k => q.url }
}

output "dlq_alarm_names" {
  description = "Names of the dead-letter queue alarms by queue key (empty with `dlq_alarm.enabled = false`)."
  value       = { for k, a in aws_cloudwatch_metric_alarm.dlq : k => a.alarm_name }
}

output "consumer_function_name" {
  description = "Name of the consumer function; null without `consumer`."
  value       = one(aws_lambda_function.consumer[*].function_name)
}

output "consumer_reserved_concurrent_executions" {
  description = "Reserved concurrency of the consumer function (-1: unreserved); null without `consumer`."
  value       = one(aws_lambda_function.consumer[*].reserved_concurrent_executions)
}

output "consumer_function_arn" {
  description = "ARN of the consumer function; null without `consumer`."
  value       = one(aws_lambda_function.consumer[*].arn)
}

output "consumer_role_name" {
  description = "Name of the consumer's execution role; null without `consumer`."
  value       = one(aws_iam_role.consumer[*].name)
}

output "consumer_log_group_name" {
  description = "Name of the consumer's log group; null without `consumer`."
  value       = one(aws_cloudwatch_log_group.consumer[*].name)
}

output "consumer_event_source_mapping_uuid" {
  description = "UUID of the queue → consumer event source mapping; null without `consumer`."
  value       = one(aws_lambda_event_source_mapping.queue[*].uuid)
}

output "events_table_name" {
  description = "Name of the events table the consumer writes (partition key `event_id`); null without it."
  value       = one(aws_dynamodb_table.events[*].name)
}

output "kinesis_stream_name" {
  description = "Name of the Kinesis stream; null unless `kinesis.enabled`."
  value       = one(aws_kinesis_stream.this[*].name)
}

output "kinesis_stream_arn" {
  description = "ARN of the Kinesis stream; null unless `kinesis.enabled`."
  value       = one(aws_kinesis_stream.this[*].arn)
}

output "kinesis_failure_queue_url" {
  description = "URL of the queue that receives descriptions of stream batches the consumer gave up on; null unless the stream has a consumer."
  value       = one(module.stream_failures[*].url)
}

output "kinesis_failure_queue" {
  description = "The stream's on-failure queue as deployed (the dead-letter-queue block's `settings`: encryption, TLS-only policy, alarm and its actions) plus its `alarm_name`; null unless the stream has a consumer."
  value       = local.stream_mapping ? merge(module.stream_failures[0].settings, { alarm_name = module.stream_failures[0].alarm_name }) : null
}
