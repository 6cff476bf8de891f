output "ingestion_bucket_name" {
  description = "The data lake bucket: transformed records under `data/dt=YYYY-MM-DD/` (gzip'd JSON Lines), bad records under `errors/processing-failed/dt=YYYY-MM-DD/`, untransformed backups under `raw/`, the device registry at `registry/devices.json`."
  value       = aws_s3_bucket.lake.id
}

output "reporting_bucket_name" {
  description = "The reporting bucket: scheduled reports under `reports/<key>/`, ad-hoc Athena results under `athena-results/`."
  value       = aws_s3_bucket.reports.id
}

output "data_prefix" {
  description = "Key prefix of the transformed data (the Glue table's location)."
  value       = local.data_prefix
}

output "error_prefix" {
  description = "Key prefix of bad records: Firehose error documents whose `rawData` is the transform's envelope (reason, detail, the record)."
  value       = local.error_prefix
}

output "delivery_stream_name" {
  description = "Name of the Firehose delivery stream."
  value       = aws_kinesis_firehose_delivery_stream.this.name
}

output "delivery_stream_arn" {
  description = "ARN of the Firehose delivery stream."
  value       = aws_kinesis_firehose_delivery_stream.this.arn
}

output "kinesis_stream_name" {
  description = "Name of the Kinesis Data Stream (null without one)."
  value       = local.kinesis ? aws_kinesis_stream.this[0].name : null
}

output "kinesis_stream_arn" {
  description = "ARN of the Kinesis Data Stream (null without one)."
  value       = local.kinesis ? aws_kinesis_stream.this[0].arn : null
}

output "iot_topic_prefix" {
  description = "Devices publish to `<iot_topic_prefix>/<device id>/telemetry`."
  value       = local.topic_prefix
}

output "iot_topic_rule_name" {
  description = "Name of the IoT topic rule (null without IoT)."
  value       = local.iot ? aws_iot_topic_rule.ingest[0].name : null
}

output "iot_device_policy_name" {
  description = "IoT policy to attach to device certificates: connect as the thing name, publish to the own topic only (null without IoT)."
  value       = local.iot ? aws_iot_policy.device[0].name : null
}

output "iot_data_endpoint" {
  description = "The account's IoT data endpoint (iot:Data-ATS) devices and cmd/devicesim connect to (null without IoT)."
  value       = local.iot ? data.aws_iot_endpoint.data[0].endpoint_address : null
}

output "transform_function_name" {
  description = "Name of the Firehose transform function."
  value       = aws_lambda_function.transform.function_name
}

output "partitions_function_name" {
  description = "Name of the partition registration function."
  value       = aws_lambda_function.partitions.function_name
}

output "notification_queue_url" {
  description = "URL of the queue of the ingestion bucket's object-created notifications."
  value       = aws_sqs_queue.objects.id
}

output "notification_dlq_url" {
  description = "URL of its dead-letter queue (notifications the partitions function failed `max_receive_count` times)."
  value       = module.partitions_dlq.url
}

output "report_dlq_url" {
  description = "URL of the dead-letter queue of report runs Scheduler could not start."
  value       = module.reports_dlq.url
}

output "glue_database_name" {
  description = "Glue database of the data lake."
  value       = aws_glue_catalog_database.this.name
}

output "glue_table_name" {
  description = "Glue table of the readings (partition key `dt`)."
  value       = local.table
}

output "athena_workgroup" {
  description = "Workgroup for ad-hoc queries (results enforced under `athena-results/`, scan limit); `primary` without workgroups."
  value       = local.workgroup
}

output "reports" {
  description = "Per report: `workgroup`, `output_location` (where its results are written), `schedule_arn`, `named_query_id` and `initial_query_execution_id` (with `run_on_create`)."
  value = { for k, r in refarch_athena_report_schedule.this : k => {
    workgroup                  = r.workgroup
    output_location            = r.report_s3_uri
    schedule_arn               = r.schedule_arn
    named_query_id             = r.named_query_id
    initial_query_execution_id = r.initial_query_execution_id
  } }
}

output "quicksight_data_source_arn" {
  description = "ARN of the QuickSight Athena data source (null unless `quicksight.enabled`)."
  value       = var.quicksight.enabled ? aws_quicksight_data_source.athena[0].arn : null
}

output "redshift_copy_role_arn" {
  description = "Role for Redshift `COPY ... IAM_ROLE '<arn>' FORMAT JSON 'auto' GZIP` from the data prefix and for Spectrum on the Glue table (null unless `redshift.enabled`)."
  value       = var.redshift.enabled ? aws_iam_role.redshift[0].arn : null
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (the module's `<name>-alarms` or your `alarm_topic_arn`): subscribe to it, e.g. `aws sns subscribe --topic-arn <it> --protocol email --notification-endpoint ops@example.com`."
  value       = local.alarm_topic_arn
}

output "failure_handling" {
  description = "How failures become visible, as deployed (for reviews and tests): the partitions and reports dead-letter queues' `settings` (encryption, TLS-only, alarm and its actions; see the dead-letter-queue block)."
  value = {
    partitions_dlq = module.partitions_dlq.settings
    reports_dlq    = module.reports_dlq.settings
  }
}
