# Big-data ingestion against mocked providers: what the local sandbox cannot apply (IoT Core, the Kinesis stream,
# Athena workgroups, Firehose encryption and source backup, Glue partition registration) and the real-AWS defaults —
# encryption, TLS-only buckets, least privilege, DLQs — plus the QuickSight/Redshift hooks and input validation.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_iot_endpoint" {
    defaults = { endpoint_address = "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock", id = "mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ingestion-transform" }
  }
  mock_resource "aws_kinesis_stream" {
    defaults = { arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/ingestion-ingest" }
  }
  mock_resource "aws_kinesis_firehose_delivery_stream" {
    defaults = { arn = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ingestion-lake" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:123456789012:mock", id = "https://sqs.eu-west-1.amazonaws.com/123456789012/mock" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock", id = "mock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:ingestion-alarms" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/0b1e8e5c-0000-4000-8000-000000000001" }
  }
  mock_resource "aws_quicksight_data_source" {
    defaults = { arn = "arn:aws:quicksight:eu-west-1:123456789012:datasource/ingestion-athena" }
  }
}

mock_provider "refarch" {
  mock_data "refarch_lambda_package" {
    defaults = {
      filename         = "fn_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }
  mock_resource "refarch_athena_report_schedule" {
    defaults = {
      managed_role_name          = "refarch-athena-report-mock"
      schedule_arn               = "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/mock"
      named_query_id             = "00000000-0000-4000-8000-000000000001"
      initial_query_execution_id = null
    }
  }
}

override_resource {
  target = aws_s3_bucket.lake
  values = { id = "ingestion-lake-mock", arn = "arn:aws:s3:::ingestion-lake-mock" }
}

override_resource {
  target = aws_s3_bucket.reports
  values = { id = "ingestion-reports-mock", arn = "arn:aws:s3:::ingestion-reports-mock" }
}

override_resource {
  target = aws_sqs_queue.objects
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:ingestion-new-objects", id = "https://sqs.eu-west-1.amazonaws.com/123456789012/ingestion-new-objects" }
}

override_resource {
  target = module.partitions_dlq.aws_sqs_queue.this
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:ingestion-partitions-dlq" }
}

override_resource {
  target = module.reports_dlq.aws_sqs_queue.this
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:ingestion-reports-dlq" }
}

variables {
  devices = { dev-0001 = { site = "paris-1", model = "th-200" } }
}

run "sandbox_switches" {
  command = apply

  # A queue created without SSE-SQS reads back false on AWS. Only a value the module leaves unset is overridden (a
  # configured true stays true and fails the assertion); Terraform's mock would invent one, OpenTofu's leaves null.
  # This run creates the queue: in a later run the value from the earlier state would carry over under either engine.
  # (A run's override replaces the file's for the same resource: hence the ARN and URL again.)
  override_resource {
    target = aws_sqs_queue.objects
    values = { sqs_managed_sse_enabled = false, arn = "arn:aws:sqs:eu-west-1:123456789012:ingestion-new-objects", id = "https://sqs.eu-west-1.amazonaws.com/123456789012/ingestion-new-objects" }
  }

  variables {
    iot                      = { enabled = false }
    kinesis                  = { enabled = false }
    firehose                 = { encryption = false, source_backup = false }
    athena                   = { workgroups = false }
    partitions               = { registration = "athena" }
    glue_catalog_id          = "000000000000"
    bucket                   = { ownership_controls = false, lifecycle_rules = false }
    glue_table               = false
    queue_sse                = false
    alarm_treat_missing_data = "missing"
    kms_key_rotation         = false
  }

  assert {
    condition     = length(aws_iot_topic_rule.ingest) == 0 && length(aws_kinesis_stream.this) == 0 && length(aws_kinesis_firehose_delivery_stream.this.kinesis_source_configuration) == 0 && length(aws_kinesis_firehose_delivery_stream.this.server_side_encryption) == 0
    error_message = "without IoT and Kinesis, Firehose is Direct PUT (and the sandbox has no Firehose encryption)"
  }
  assert {
    condition     = one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).s3_backup_mode == "Disabled" && length(aws_athena_workgroup.analytics) == 0 && length(aws_athena_workgroup.report) == 0
    error_message = "no source backup and no workgroups in the sandbox profile"
  }
  assert {
    condition     = refarch_athena_report_schedule.this["daily-devices"].workgroup == "primary" && refarch_athena_report_schedule.this["daily-devices"].report_s3_uri == "s3://ingestion-reports-mock/reports/daily-devices/"
    error_message = "without workgroups the report still names its output location"
  }
  assert {
    condition = (
      aws_lambda_function.partitions.environment[0].variables.PARTITION_REGISTRATION == "athena" &&
      aws_lambda_function.partitions.environment[0].variables.ATHENA_WORKGROUP == "primary" &&
      aws_lambda_function.partitions.environment[0].variables.ATHENA_OUTPUT_LOCATION == "s3://ingestion-reports-mock/athena-results/" &&
      aws_lambda_function.partitions.environment[0].variables.GLUE_CATALOG_ID == "000000000000"
    )
    error_message = "Athena DDL registration with an explicit result location"
  }
  assert {
    condition     = jsondecode(local.partitions_policy).Statement[3].Resource == "arn:aws:athena:eu-west-1:123456789012:workgroup/primary" && jsondecode(local.partitions_policy).Statement[4].Resource == ["arn:aws:s3:::ingestion-reports-mock", "arn:aws:s3:::ingestion-reports-mock/athena-results/*"]
    error_message = "Athena registration may run queries in its workgroup and write only the results prefix"
  }
  assert {
    condition     = aws_glue_catalog_database.this.catalog_id == "000000000000" && length(aws_s3_bucket_lifecycle_configuration.lake) == 0 && length(aws_glue_catalog_table.readings) == 0 && output.glue_table_name == "readings"
    error_message = "explicit catalog id; no lifecycle rules and no table resource in the sandbox"
  }
  assert {
    condition     = aws_sqs_queue.objects.sqs_managed_sse_enabled == false
    error_message = "the sandbox sends no SSE attribute"
  }
  assert {
    condition     = alltrue([for q in values(output.failure_handling) : q.encryption == "none" && q.tls_only && q.alarm_actions == tolist([output.alarm_topic_arn])]) && length(module.alarm_topic) == 1
    error_message = "the sandbox switches drop only the SSE attribute: the DLQs stay TLS-only and alarmed, the topic stays"
  }
}

run "real_aws_defaults" {
  command = apply

  assert {
    condition     = !aws_s3_bucket.lake.force_destroy && !aws_s3_bucket.reports.force_destroy
    error_message = "destroy must not empty the data lake and reports buckets by default"
  }

  # IoT Core → Kinesis (encrypted, on demand) → Firehose (from the stream) → S3
  assert {
    condition     = aws_iot_topic_rule.ingest[0].sql == "SELECT * FROM 'refarch/ingestion/devices/+/telemetry'" && one(aws_iot_topic_rule.ingest[0].kinesis).partition_key == "$${topic(4)}" && one(aws_iot_topic_rule.ingest[0].kinesis).stream_name == aws_kinesis_stream.this[0].name && length(aws_iot_topic_rule.ingest[0].firehose) == 0
    error_message = "the topic rule forwards every device's telemetry topic to the stream, partitioned by device id"
  }
  assert {
    condition     = length(one(aws_iot_topic_rule.ingest[0].error_action).cloudwatch_logs) == 1
    error_message = "rule errors are logged"
  }
  assert {
    condition     = jsondecode(aws_iot_policy.device[0].policy).Statement[1].Resource == "arn:aws:iot:eu-west-1:123456789012:topic/refarch/ingestion/devices/$${iot:Connection.Thing.ThingName}/telemetry" && jsondecode(aws_iot_policy.device[0].policy).Statement[1].Action == "iot:Publish" && length(jsondecode(aws_iot_policy.device[0].policy).Statement) == 2
    error_message = "a device may publish only to its own telemetry topic"
  }
  assert {
    condition     = aws_kinesis_stream.this[0].encryption_type == "KMS" && aws_kinesis_stream.this[0].kms_key_id == "alias/aws/kinesis" && one(aws_kinesis_stream.this[0].stream_mode_details).stream_mode == "ON_DEMAND" && aws_kinesis_stream.this[0].retention_period == 24
    error_message = "the stream is on-demand and KMS-encrypted by default"
  }
  assert {
    condition     = one(aws_kinesis_firehose_delivery_stream.this.kinesis_source_configuration).kinesis_stream_arn == "arn:aws:kinesis:eu-west-1:123456789012:stream/ingestion-ingest" && length(aws_kinesis_firehose_delivery_stream.this.server_side_encryption) == 0
    error_message = "Firehose reads the stream (whose encryption covers the records)"
  }
  assert {
    condition     = output.iot_data_endpoint == "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com" && output.kinesis_stream_name == "ingestion-ingest"
    error_message = "IoT endpoint and stream are outputs"
  }

  # Firehose: date-partitioned, gzip, transform, errors prefix, source backup
  assert {
    condition = (
      one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).prefix == "data/dt=!{timestamp:yyyy-MM-dd}/" &&
      one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).error_output_prefix == "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/" &&
      one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).compression_format == "GZIP" &&
      one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).bucket_arn == "arn:aws:s3:::ingestion-lake-mock"
    )
    error_message = "records land gzip'd under data/dt=YYYY-MM-DD/, failures under errors/<type>/dt=YYYY-MM-DD/"
  }
  assert {
    condition     = one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).buffering_interval == 60 && one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).buffering_size == 64
    error_message = "the lake is offloaded every minute (60 s buffers, or 64 MB if that comes first)"
  }
  assert {
    condition = {
      for p in one(one(one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).processing_configuration).processors).parameters : p.parameter_name => p.parameter_value
      } == {
      LambdaArn = "arn:aws:lambda:eu-west-1:123456789012:function:ingestion-transform:$LATEST"
    }
    error_message = "the transform processes every batch (Firehose's defaults 1 MB, 60 s, 3 retries, which the provider does not keep in the state)"
  }
  assert {
    condition     = one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).s3_backup_mode == "Enabled" && one(one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).s3_backup_configuration).prefix == "raw/dt=!{timestamp:yyyy-MM-dd}/"
    error_message = "every untransformed record is backed up under raw/"
  }
  assert {
    condition = jsondecode(local.firehose_policy).Statement[1] == {
      Sid      = "InvokeTransform"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]
      Resource = ["arn:aws:lambda:eu-west-1:123456789012:function:ingestion-transform", "arn:aws:lambda:eu-west-1:123456789012:function:ingestion-transform:*"]
    }
    error_message = "Firehose may invoke the transform only"
  }
  assert {
    condition     = jsondecode(aws_iam_role.firehose.assume_role_policy).Statement[0].Condition == { StringEquals = { "sts:ExternalId" = "123456789012" } }
    error_message = "only this account's delivery streams may assume the Firehose role"
  }

  # Buckets
  assert {
    condition     = alltrue([for b in aws_s3_bucket_public_access_block.this : b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets])
    error_message = "both buckets block public access"
  }
  assert {
    condition     = alltrue([for c in aws_s3_bucket_server_side_encryption_configuration.this : one(one(c.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"])
    error_message = "both buckets are encrypted (SSE-S3 by default)"
  }
  assert {
    condition     = alltrue([for p in aws_s3_bucket_policy.this : contains([for s in jsondecode(p.policy).Statement : s.Sid], "DenyInsecureTransport") && contains([for s in jsondecode(p.policy).Statement : s.Sid], "DenyOutdatedTLS")])
    error_message = "both buckets refuse plain HTTP and TLS < 1.2"
  }
  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 2 && length(aws_s3_bucket_ownership_controls.this) == 2
    error_message = "versioning and BucketOwnerEnforced on both buckets"
  }
  assert {
    condition = (
      [for r in aws_s3_bucket_lifecycle_configuration.lake[0].rule : r.id] == ["data-tiering", "expire-bad-records", "expire-raw-backup", "noncurrent-and-multipart"] &&
      toset([for t in aws_s3_bucket_lifecycle_configuration.lake[0].rule[0].transition : t.storage_class]) == toset(["STANDARD_IA", "GLACIER_IR"]) &&
      aws_s3_bucket_lifecycle_configuration.lake[0].rule[1].expiration[0].days == 90 &&
      length(aws_s3_bucket_lifecycle_configuration.reports) == 1
    )
    error_message = "data tiers to IA and Glacier IR, bad records expire after 90 days, raw after 30, reports after 365"
  }
  assert {
    condition     = jsondecode(aws_s3_object.registry[0].content) == { dev-0001 = { site = "paris-1", model = "th-200" } } && aws_lambda_function.transform.environment[0].variables.DEVICE_REGISTRY_URI == "s3://ingestion-lake-mock/registry/devices.json"
    error_message = "the device registry is written to the lake and handed to the transform"
  }

  # Transform least privilege
  assert {
    condition = jsondecode(local.transform_policy).Statement == [
      { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:mock:*" },
      { Sid = "ReadDeviceRegistry", Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::ingestion-lake-mock/registry/devices.json" },
    ]
    error_message = "the transform may write its logs and read the registry, nothing else"
  }
  assert {
    condition     = aws_lambda_function.transform.timeout == 60 && aws_lambda_function.transform.runtime == "provided.al2023" && aws_lambda_function.transform.architectures == tolist(["arm64"])
    error_message = "transform: provided.al2023, arm64, 60 s"
  }

  # Notifications → SQS (DLQ) → partitions
  assert {
    condition     = one(aws_s3_bucket_notification.lake.queue).filter_prefix == "data/" && one(aws_s3_bucket_notification.lake.queue).events == toset(["s3:ObjectCreated:*"]) && one(aws_s3_bucket_notification.lake.queue).queue_arn == "arn:aws:sqs:eu-west-1:123456789012:ingestion-new-objects"
    error_message = "objects created under data/ are announced on the queue"
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.objects.redrive_policy) == { deadLetterTargetArn = "arn:aws:sqs:eu-west-1:123456789012:ingestion-partitions-dlq", maxReceiveCount = 5 } && aws_sqs_queue.objects.sqs_managed_sse_enabled && aws_sqs_queue.objects.visibility_timeout_seconds == 180
    error_message = "the queue is encrypted and sends a message to its DLQ after 5 failed tries"
  }
  assert {
    condition     = jsondecode(aws_sqs_queue_policy.objects.policy).Statement[0].Condition == { ArnEquals = { "aws:SourceArn" = "arn:aws:s3:::ingestion-lake-mock" }, StringEquals = { "aws:SourceAccount" = "123456789012" } }
    error_message = "only the ingestion bucket of this account may send to the queue"
  }
  assert {
    condition     = aws_lambda_event_source_mapping.objects.function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.objects.batch_size == 10
    error_message = "the consumer reports batch item failures"
  }
  assert {
    condition     = jsondecode(local.partitions_policy).Statement[2] == { Sid = "RegisterPartitions", Effect = "Allow", Action = ["glue:BatchCreatePartition", "glue:GetTable"], Resource = ["arn:aws:glue:eu-west-1:123456789012:catalog", "arn:aws:glue:eu-west-1:123456789012:database/ingestion_lake", "arn:aws:glue:eu-west-1:123456789012:table/ingestion_lake/readings"] } && length(jsondecode(local.partitions_policy).Statement) == 3
    error_message = "by default the consumer registers partitions with Glue only"
  }
  assert {
    condition     = aws_lambda_function.partitions.environment[0].variables.PARTITION_REGISTRATION == "glue" && !contains(keys(aws_lambda_function.partitions.environment[0].variables), "ATHENA_WORKGROUP")
    error_message = "Glue registration by default"
  }

  # Glue table
  assert {
    condition     = one(aws_glue_catalog_table.readings[0].partition_keys).name == "dt" && one(aws_glue_catalog_table.readings[0].storage_descriptor).location == "s3://ingestion-lake-mock/data/" && one(one(aws_glue_catalog_table.readings[0].storage_descriptor).ser_de_info).serialization_library == "org.openx.data.jsonserde.JsonSerDe"
    error_message = "the table reads JSON Lines under data/, partitioned by dt"
  }

  # Athena workgroups and reports
  assert {
    condition = (
      one(aws_athena_workgroup.analytics[0].configuration).enforce_workgroup_configuration &&
      one(aws_athena_workgroup.analytics[0].configuration).bytes_scanned_cutoff_per_query == 10737418240 &&
      one(one(aws_athena_workgroup.analytics[0].configuration).result_configuration).output_location == "s3://ingestion-reports-mock/athena-results/" &&
      one(one(one(aws_athena_workgroup.analytics[0].configuration).result_configuration).encryption_configuration).encryption_option == "SSE_S3"
    )
    error_message = "the analytics workgroup enforces its encrypted result location and a 10 GiB scan limit"
  }
  assert {
    condition     = one(one(aws_athena_workgroup.report["daily-devices"].configuration).result_configuration).output_location == "s3://ingestion-reports-mock/reports/daily-devices/" && one(aws_athena_workgroup.report["daily-devices"].configuration).enforce_workgroup_configuration
    error_message = "each report has its own workgroup that enforces the report's location"
  }
  assert {
    condition = (
      refarch_athena_report_schedule.this["daily-devices"].workgroup == "ingestion-daily-devices" &&
      refarch_athena_report_schedule.this["daily-devices"].report_s3_uri == "s3://ingestion-reports-mock/reports/daily-devices/" &&
      refarch_athena_report_schedule.this["daily-devices"].database == "ingestion_lake" &&
      strcontains(refarch_athena_report_schedule.this["daily-devices"].query, "FROM \"ingestion_lake\".\"readings\"") &&
      refarch_athena_report_schedule.this["daily-devices"].source_s3_uris == tolist(["s3://ingestion-lake-mock/data/"]) &&
      refarch_athena_report_schedule.this["daily-devices"].dead_letter_arn == "arn:aws:sqs:eu-west-1:123456789012:ingestion-reports-dlq"
    )
    error_message = "the report runs in its workgroup on the readings table, writes to reports/<key>/, with a DLQ"
  }
  assert {
    condition     = length(aws_iam_role_policy.report_extras) == 0 && refarch_athena_report_schedule.this["daily-devices"].dead_letter_arn == "arn:aws:sqs:eu-west-1:123456789012:ingestion-reports-dlq"
    error_message = "the report schedule names the DLQ (its managed role may send to it) and needs no extra policy without KMS"
  }

  # Failures are visible: both dead-letter queues encrypted, TLS-only and alarmed; every alarm notifies the topic.
  assert {
    condition = alltrue([for q in values(output.failure_handling) :
      q.encryption == "SSE-SQS" && q.tls_only && q.message_retention_seconds == 1209600 && q.metric_name == "ApproximateNumberOfMessagesVisible" && q.comparison_operator == "GreaterThanThreshold" && q.threshold == 0
    ])
    error_message = "both dead-letter queues must be encrypted (SSE-SQS), TLS-only, keep messages 14 days and alarm on the first message"
  }
  assert {
    condition     = length(module.alarm_topic) == 1 && output.alarm_topic_arn == module.alarm_topic[0].topic_arn && output.alarm_topic_arn == "arn:aws:sns:eu-west-1:123456789012:ingestion-alarms"
    error_message = "by default the deployment must create its own alarm topic and output it"
  }
  assert {
    condition     = alltrue([for q in values(output.failure_handling) : q.alarm_actions == tolist([output.alarm_topic_arn]) && q.ok_actions == tolist([output.alarm_topic_arn])])
    error_message = "every alarm must notify the alarm topic when it fires and when it clears"
  }
  assert {
    condition     = coalesce(aws_lambda_function.partitions.reserved_concurrent_executions, -1) == -1
    error_message = "the partitions function's concurrency is unreserved by default"
  }
  assert {
    condition     = length(aws_quicksight_data_source.athena) == 0 && length(aws_iam_role.redshift) == 0 && output.quicksight_data_source_arn == null && output.redshift_copy_role_arn == null
    error_message = "the QuickSight and Redshift hooks are off by default"
  }
}

run "iot_straight_to_firehose_encrypted" {
  command = plan

  variables {
    kinesis = { enabled = false }
  }

  assert {
    condition     = length(aws_iot_topic_rule.ingest[0].kinesis) == 0 && one(aws_iot_topic_rule.ingest[0].firehose).separator == "\n"
    error_message = "without a stream the rule puts to Firehose, one record per line"
  }
  assert {
    condition     = one(aws_kinesis_firehose_delivery_stream.this.server_side_encryption).enabled && one(aws_kinesis_firehose_delivery_stream.this.server_side_encryption).key_type == "AWS_OWNED_CMK"
    error_message = "a Direct PUT stream is encrypted at rest"
  }
}

run "kms_and_hooks" {
  command = apply

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    kinesis     = { mode = "PROVISIONED", shard_count = 2 }
    quicksight  = { enabled = true, principal_arns = ["arn:aws:quicksight:eu-west-1:123456789012:group/default/analysts"] }
    redshift    = { enabled = true }
    firehose    = { lambda_buffer_size_mb = 3, lambda_retries = 5 }
  }

  assert {
    condition = {
      for p in one(one(one(aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration).processing_configuration).processors).parameters : p.parameter_name => p.parameter_value
      } == {
      LambdaArn       = "arn:aws:lambda:eu-west-1:123456789012:function:ingestion-transform:$LATEST"
      BufferSizeInMBs = "3"
      NumberOfRetries = "5"
    }
    error_message = "non-default processor parameters are set"
  }

  assert {
    condition     = aws_kinesis_stream.this[0].kms_key_id == var.kms_key_arn && aws_kinesis_stream.this[0].shard_count == 2
    error_message = "the stream uses the customer key; provisioned shards"
  }
  assert {
    condition     = alltrue([for c in aws_s3_bucket_server_side_encryption_configuration.this : one(one(c.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" && one(c.rule).bucket_key_enabled])
    error_message = "SSE-KMS with Bucket Keys"
  }
  assert {
    condition     = alltrue([for q in values(output.failure_handling) : q.encryption == "SSE-KMS" && q.kms_key_arn == var.kms_key_arn])
    error_message = "the dead-letter queues use the key too"
  }
  assert {
    condition     = aws_sqs_queue.objects.kms_master_key_id == var.kms_key_arn && one(one(one(aws_athena_workgroup.analytics[0].configuration).result_configuration).encryption_configuration).encryption_option == "SSE_KMS"
    error_message = "queues and Athena results use the key"
  }
  assert {
    condition     = contains([for s in jsondecode(local.firehose_policy).Statement : s.Sid], "UseKey") && contains([for s in jsondecode(local.partitions_policy).Statement : s.Sid], "UseKey") && aws_iam_role_policy.report_extras["daily-devices"].role == "refarch-athena-report-mock" && length(jsondecode(aws_iam_role_policy.report_extras["daily-devices"].policy).Statement) == 1
    error_message = "every role touching encrypted data may use the key"
  }
  assert {
    condition     = one(one(aws_quicksight_data_source.athena[0].parameters).athena).work_group == "ingestion" && one(aws_quicksight_data_source.athena[0].permission).principal == "arn:aws:quicksight:eu-west-1:123456789012:group/default/analysts"
    error_message = "QuickSight gets an Athena data source on the analytics workgroup, shared with the principals"
  }
  assert {
    condition     = aws_iam_role_policy.quicksight[0].role == "aws-quicksight-service-role-v0" && output.quicksight_data_source_arn != null
    error_message = "QuickSight's service role may read the lake"
  }
  assert {
    condition     = jsondecode(aws_iam_role.redshift[0].assume_role_policy).Statement[0].Principal == { Service = "redshift.amazonaws.com" } && [for s in jsondecode(aws_iam_role_policy.redshift[0].policy).Statement : s.Sid] == ["ListLake", "ReadLakeData", "ReadCatalog", "UseKey"]
    error_message = "Redshift's COPY role reads the data prefix and the catalog only"
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.redshift[0].policy, "s3:PutObject") && !strcontains(aws_iam_role_policy.redshift[0].policy, "s3:*")
    error_message = "the COPY role is read-only"
  }
}

run "invalid_name" {
  command = plan
  variables { name = "Ingestion_1" }
  expect_failures = [var.name]
}

run "invalid_lambda_buffer" {
  command = plan
  variables { firehose = { lambda_buffer_size_mb = 6 } }
  expect_failures = [var.firehose]
}

run "invalid_visibility_below_timeout" {
  command = plan
  variables { partitions = { timeout = 60, visibility_timeout_seconds = 30 } }
  expect_failures = [var.partitions]
}

run "invalid_quicksight_without_principals" {
  command = plan
  variables { quicksight = { enabled = true } }
  expect_failures = [var.quicksight]
}

run "invalid_report_key" {
  command = plan
  variables {
    reports = { "Daily_Report" = { query = "SELECT 1", schedule_expression = "rate(1 day)" } }
  }
  expect_failures = [var.reports]
}

run "invalid_kinesis_mode" {
  command = plan
  variables { kinesis = { mode = "SERVERLESS" } }
  expect_failures = [var.kinesis]
}

run "invalid_lifecycle" {
  command = plan
  variables { bucket = { data_ia_days = 7 } }
  expect_failures = [var.bucket]
}

run "invalid_device_id" {
  command = plan
  variables { devices = { "Dev 1" = {} } }
  expect_failures = [var.devices]
}

run "own_alarm_topic_and_capped_partitions" {
  command = apply

  variables {
    alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops-pager"
    partitions      = { reserved_concurrent_executions = 2 }
  }

  assert {
    condition     = length(module.alarm_topic) == 0 && output.alarm_topic_arn == var.alarm_topic_arn && alltrue([for q in values(output.failure_handling) : q.alarm_actions == tolist([var.alarm_topic_arn])])
    error_message = "alarm_topic_arn must replace the module's own topic for every alarm"
  }
  assert {
    condition     = aws_lambda_function.partitions.reserved_concurrent_executions == 2
    error_message = "partitions.reserved_concurrent_executions must reach the function"
  }
}

run "invalid_alarm_and_concurrency_settings" {
  command = plan
  variables {
    alarm_topic_arn          = "ops-pager"
    alarm_treat_missing_data = "zero"
    partitions               = { reserved_concurrent_executions = -1 }
  }
  expect_failures = [var.alarm_topic_arn, var.alarm_treat_missing_data, var.partitions]
}
