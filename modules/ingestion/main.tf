# Big-data ingestion (architecture 176): device records → a date-partitioned, queryable data lake and scheduled reports.
#   - AWS IoT Core topic rule → Kinesis Data Stream (KMS) → Firehose with a Lambda transform (validate, normalise,
#     enrich; bad records to errors/ with a reason, never dropped) → S3 ingestion bucket, data/dt=YYYY-MM-DD/, gzip;
#   - ingestion bucket → SQS (DLQ) → Lambda that registers the new dt partitions of the Glue table;
#   - Athena workgroups with enforced result locations and a bytes-scanned limit; reports written to the reporting
#     bucket by refarch_athena_report_schedule;
#   - hooks for QuickSight (Athena data source) and Redshift (COPY role), off by default.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "refarch_lambda_package" "this" {
  for_each     = toset([for fn in ["transform", "partitions"] : fn if var.lambda_packages[fn] == null])
  name         = each.key
  architecture = var.architecture
}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  catalog_id = coalesce(var.glue_catalog_id, local.account_id)

  lambda_packages = {
    for fn in ["transform", "partitions"] : fn => var.lambda_packages[fn] != null ? var.lambda_packages[fn] : {
      filename         = data.refarch_lambda_package.this[fn].filename
      source_code_hash = data.refarch_lambda_package.this[fn].source_code_hash
    }
  }

  # Key layout of the ingestion bucket. Firehose evaluates the !{...} expressions at delivery (arrival time, UTC).
  data_prefix         = "data/"
  error_prefix        = "errors/"
  raw_prefix          = "raw/"
  registry_key        = "registry/devices.json"
  firehose_prefix     = "${local.data_prefix}dt=!{timestamp:yyyy-MM-dd}/"
  firehose_err_prefix = "${local.error_prefix}!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/"
  athena_results      = "athena-results/"

  snake        = replace(var.name, "-", "_")
  database     = "${local.snake}_lake"
  table        = "readings"
  topic_prefix = coalesce(var.iot.topic_prefix, "refarch/${var.name}/devices")
  # topic(n) of the device id in <topic_prefix>/<device id>/telemetry
  device_topic_index = length(split("/", local.topic_prefix)) + 1

  kinesis   = var.kinesis.enabled
  iot       = var.iot.enabled
  workgroup = var.athena.workgroups ? aws_athena_workgroup.analytics[0].name : "primary"

  sse_algorithm = var.kms_key_arn == null ? "AES256" : "aws:kms"
  kms_statements = var.kms_key_arn == null ? [] : [{
    Sid      = "UseKey"
    Effect   = "Allow"
    Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
    Resource = var.kms_key_arn
  }]

  assume = { for svc in ["lambda", "firehose", "iot", "redshift"] : svc => jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "${svc}.amazonaws.com" }
      # Confused-deputy protection: only this account's resources may use the role.
      Condition = svc == "firehose" ? { StringEquals = { "sts:ExternalId" = local.account_id } } : (svc == "lambda" ? null : { StringEquals = { "aws:SourceAccount" = local.account_id } })
    }]
  }) }
}

# ---------------------------------------------------------------------------------------------------------------------
# Buckets: ingestion (the data lake) and reporting; private, encrypted, TLS only, versioned
# ---------------------------------------------------------------------------------------------------------------------

locals {
  buckets = {
    lake    = "${substr(var.name, 0, 32)}-lake-"
    reports = "${substr(var.name, 0, 32)}-reports-"
  }
}

resource "aws_s3_bucket" "lake" {
  bucket_prefix = local.buckets.lake
  force_destroy = var.bucket.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket" "reports" {
  bucket_prefix = local.buckets.reports
  force_destroy = var.bucket.force_destroy
  tags          = var.tags
}

locals {
  bucket = {
    lake    = { id = aws_s3_bucket.lake.id, arn = aws_s3_bucket.lake.arn }
    reports = { id = aws_s3_bucket.reports.id, arn = aws_s3_bucket.reports.arn }
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = var.bucket.ownership_controls ? local.buckets : {}
  bucket   = local.bucket[each.key].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = local.buckets
  bucket                  = local.bucket[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets
  bucket   = local.bucket[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.sse_algorithm
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = var.bucket.versioning ? local.buckets : {}
  bucket   = local.bucket[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.buckets
  bucket   = local.bucket[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.bucket[each.key].arn, "${local.bucket[each.key].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTLS"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.bucket[each.key].arn, "${local.bucket[each.key].arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  count  = var.bucket.lifecycle_rules ? 1 : 0
  bucket = aws_s3_bucket.lake.id

  rule {
    id     = "data-tiering"
    status = "Enabled"
    filter {
      prefix = local.data_prefix
    }
    transition {
      days          = var.bucket.data_ia_days
      storage_class = "STANDARD_IA"
    }
    transition {
      days          = var.bucket.data_glacier_ir_days
      storage_class = "GLACIER_IR"
    }
    dynamic "expiration" {
      for_each = var.bucket.data_expiration_days == null ? [] : [var.bucket.data_expiration_days]
      content {
        days = expiration.value
      }
    }
  }
  rule {
    id     = "expire-bad-records"
    status = "Enabled"
    filter {
      prefix = local.error_prefix
    }
    expiration {
      days = var.bucket.error_expiration_days
    }
  }
  rule {
    id     = "expire-raw-backup"
    status = "Enabled"
    filter {
      prefix = local.raw_prefix
    }
    expiration {
      days = var.bucket.raw_expiration_days
    }
  }
  rule {
    id     = "noncurrent-and-multipart"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.bucket.noncurrent_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "reports" {
  count  = var.bucket.lifecycle_rules ? 1 : 0
  bucket = aws_s3_bucket.reports.id

  rule {
    id     = "expire-reports-and-results"
    status = "Enabled"
    filter {}
    expiration {
      days = var.bucket.report_expiration_days
    }
    noncurrent_version_expiration {
      noncurrent_days = var.bucket.noncurrent_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

# The device registry the transform reads (and re-reads every 5 minutes).
resource "aws_s3_object" "registry" {
  count        = length(var.devices) > 0 ? 1 : 0
  bucket       = aws_s3_bucket.lake.id
  key          = local.registry_key
  content      = jsonencode({ for id, d in var.devices : id => { for k, v in d : k => v if v != null } })
  content_type = "application/json"
  tags         = var.tags

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.this]
}

# ---------------------------------------------------------------------------------------------------------------------
# Transform function: Firehose's Lambda processor
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "fn" {
  for_each          = toset(["transform", "partitions"])
  name              = "/aws/lambda/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "fn" {
  for_each           = toset(["transform", "partitions"])
  name               = "${var.name}-${each.key}"
  description        = "Execution role of the ${var.name} ${each.key} function."
  assume_role_policy = local.assume["lambda"]
  tags               = var.tags
}

locals {
  transform_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.fn["transform"].arn}:*"
      }],
      length(var.devices) == 0 ? [] : [{
        Sid      = "ReadDeviceRegistry"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${aws_s3_bucket.lake.arn}/${local.registry_key}"
      }],
      length(var.devices) == 0 ? [] : local.kms_statements,
    )
  })
}

resource "aws_iam_role_policy" "transform" {
  name   = "transform"
  role   = aws_iam_role.fn["transform"].id
  policy = local.transform_policy
}

resource "aws_lambda_function" "transform" {
  function_name    = "${var.name}-transform"
  description      = "Validates, normalises and enriches device records for Firehose; bad records go to ${local.error_prefix} with a reason."
  role             = aws_iam_role.fn["transform"].arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]
  filename         = local.lambda_packages.transform.filename
  source_code_hash = local.lambda_packages.transform.source_code_hash
  memory_size      = var.transform.memory_size
  timeout          = var.transform.timeout

  environment {
    variables = merge(
      {
        MAX_RECORD_BYTES  = tostring(var.transform.max_record_bytes)
        METRICS_NAMESPACE = "refarch/ingestion"
      },
      length(var.devices) == 0 ? {} : { DEVICE_REGISTRY_URI = "s3://${aws_s3_bucket.lake.id}/${local.registry_key}" },
    )
  }


  tags       = var.tags
  depends_on = [aws_iam_role_policy.transform]
}

# ---------------------------------------------------------------------------------------------------------------------
# Kinesis Data Stream (IoT Core → Firehose), encrypted
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_kinesis_stream" "this" {
  count            = local.kinesis ? 1 : 0
  name             = "${var.name}-ingest"
  shard_count      = var.kinesis.mode == "PROVISIONED" ? var.kinesis.shard_count : null
  retention_period = var.kinesis.retention_hours
  encryption_type  = "KMS"
  kms_key_id       = coalesce(var.kms_key_arn, "alias/aws/kinesis")

  stream_mode_details {
    stream_mode = var.kinesis.mode
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Firehose delivery stream → ingestion bucket, through the transform
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "firehose" {
  name              = "/aws/kinesisfirehose/${var.name}-lake"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_cloudwatch_log_stream" "firehose" {
  for_each       = toset(["DestinationDelivery", "BackupDelivery"])
  name           = each.key
  log_group_name = aws_cloudwatch_log_group.firehose.name
}

resource "aws_iam_role" "firehose" {
  name               = "${var.name}-firehose"
  description        = "Firehose delivery role of ${var.name}: read the stream, invoke the transform, write the ingestion bucket."
  assume_role_policy = local.assume["firehose"]
  tags               = var.tags
}

locals {
  firehose_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "WriteLake"
          Effect   = "Allow"
          Action   = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"]
          Resource = [aws_s3_bucket.lake.arn, "${aws_s3_bucket.lake.arn}/*"]
        },
        {
          Sid      = "InvokeTransform"
          Effect   = "Allow"
          Action   = ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]
          Resource = [aws_lambda_function.transform.arn, "${aws_lambda_function.transform.arn}:*"]
        },
        {
          Sid      = "WriteDeliveryLogs"
          Effect   = "Allow"
          Action   = ["logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.firehose.arn}:*"
        },
      ],
      local.kinesis ? [{
        Sid      = "ReadStream"
        Effect   = "Allow"
        Action   = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"]
        Resource = aws_kinesis_stream.this[0].arn
      }] : [],
      local.kms_statements,
    )
  })
}

resource "aws_iam_role_policy" "firehose" {
  name   = "delivery"
  role   = aws_iam_role.firehose.id
  policy = local.firehose_policy
}

locals {
  processor_parameters = merge(
    { LambdaArn = "${aws_lambda_function.transform.arn}:$LATEST" },
    var.firehose.lambda_buffer_size_mb == 1 ? {} : { BufferSizeInMBs = tostring(var.firehose.lambda_buffer_size_mb) },
    var.firehose.lambda_buffer_interval_seconds == 60 ? {} : { BufferIntervalInSeconds = tostring(var.firehose.lambda_buffer_interval_seconds) },
    var.firehose.lambda_retries == 3 ? {} : { NumberOfRetries = tostring(var.firehose.lambda_retries) },
  )
}

resource "aws_kinesis_firehose_delivery_stream" "this" {
  name        = "${var.name}-lake"
  destination = "extended_s3"

  dynamic "kinesis_source_configuration" {
    for_each = local.kinesis ? [1] : []
    content {
      kinesis_stream_arn = aws_kinesis_stream.this[0].arn
      role_arn           = aws_iam_role.firehose.arn
    }
  }

  # Direct PUT only (with a Kinesis source the stream's encryption applies).
  dynamic "server_side_encryption" {
    for_each = !local.kinesis && var.firehose.encryption ? [1] : []
    content {
      enabled  = true
      key_type = var.kms_key_arn == null ? "AWS_OWNED_CMK" : "CUSTOMER_MANAGED_CMK"
      key_arn  = var.kms_key_arn
    }
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose.arn
    bucket_arn          = aws_s3_bucket.lake.arn
    prefix              = local.firehose_prefix
    error_output_prefix = local.firehose_err_prefix
    buffering_size      = var.firehose.buffering_size_mb
    buffering_interval  = var.firehose.buffering_interval_seconds
    compression_format  = "GZIP"
    kms_key_arn         = var.kms_key_arn

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.firehose.name
      log_stream_name = aws_cloudwatch_log_stream.firehose["DestinationDelivery"].name
    }

    processing_configuration {
      enabled = true
      processors {
        type = "Lambda"
        # Only values other than Firehose's defaults (1 MB, 60 s, 3 retries): the provider does not keep default-valued
        # parameters in the state, so listing them would show a change on every plan.
        dynamic "parameters" {
          for_each = local.processor_parameters
          content {
            parameter_name  = parameters.key
            parameter_value = parameters.value
          }
        }
      }
    }

    s3_backup_mode = var.firehose.source_backup ? "Enabled" : "Disabled"
    dynamic "s3_backup_configuration" {
      for_each = var.firehose.source_backup ? [1] : []
      content {
        role_arn            = aws_iam_role.firehose.arn
        bucket_arn          = aws_s3_bucket.lake.arn
        prefix              = "${local.raw_prefix}dt=!{timestamp:yyyy-MM-dd}/"
        error_output_prefix = "${local.raw_prefix}errors/!{firehose:error-output-type}/"
        buffering_size      = var.firehose.buffering_size_mb
        buffering_interval  = var.firehose.buffering_interval_seconds
        compression_format  = "GZIP"
        kms_key_arn         = var.kms_key_arn
        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.firehose.name
          log_stream_name = aws_cloudwatch_log_stream.firehose["BackupDelivery"].name
        }
      }
    }
  }

  # The prefixes' !{timestamp:...} are UTC (the provider's default time zone, which the module never changes and the
  # local sandbox's DescribeDeliveryStream does not report).
  lifecycle {
    ignore_changes = [extended_s3_configuration[0].custom_time_zone]
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.firehose]
}

# ---------------------------------------------------------------------------------------------------------------------
# IoT Core: topic rule (device topics → stream), device policy, rule error log
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "iot_errors" {
  count             = local.iot ? 1 : 0
  name              = "/aws/iot/${var.name}-rule-errors"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "iot" {
  count              = local.iot ? 1 : 0
  name               = "${var.name}-iot-rule"
  description        = "IoT topic rule of ${var.name}: put device messages into the ingestion stream."
  assume_role_policy = local.assume["iot"]
  tags               = var.tags
}

resource "aws_iam_role_policy" "iot" {
  count = local.iot ? 1 : 0
  name  = "forward"
  role  = aws_iam_role.iot[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        local.kinesis ? {
          Sid      = "PutToStream"
          Effect   = "Allow"
          Action   = ["kinesis:PutRecord"]
          Resource = aws_kinesis_stream.this[0].arn
          } : {
          Sid      = "PutToFirehose"
          Effect   = "Allow"
          Action   = ["firehose:PutRecord", "firehose:PutRecordBatch"]
          Resource = aws_kinesis_firehose_delivery_stream.this.arn
        },
        {
          Sid      = "LogRuleErrors"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.iot_errors[0].arn}:*"
        },
      ],
      local.kinesis ? local.kms_statements : [],
    )
  })
}

resource "aws_iot_topic_rule" "ingest" {
  count       = local.iot ? 1 : 0
  name        = "${local.snake}_ingest"
  description = "Device telemetry of ${var.name} into the ingestion pipeline."
  enabled     = true
  sql         = "SELECT * FROM '${local.topic_prefix}/+/telemetry'"
  sql_version = "2016-03-23"

  dynamic "kinesis" {
    for_each = local.kinesis ? [1] : []
    content {
      role_arn      = aws_iam_role.iot[0].arn
      stream_name   = aws_kinesis_stream.this[0].name
      partition_key = "$${topic(${local.device_topic_index})}"
    }
  }

  dynamic "firehose" {
    for_each = local.kinesis ? [] : [1]
    content {
      role_arn             = aws_iam_role.iot[0].arn
      delivery_stream_name = aws_kinesis_firehose_delivery_stream.this.name
      separator            = "\n"
    }
  }

  error_action {
    cloudwatch_logs {
      role_arn       = aws_iam_role.iot[0].arn
      log_group_name = aws_cloudwatch_log_group.iot_errors[0].name
    }
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.iot]
}

# A device (an IoT thing whose name is its device id, connecting with its certificate) may connect with its own
# name as client id and publish only to its own telemetry topic.
resource "aws_iot_policy" "device" {
  count = local.iot ? 1 : 0
  name  = "${var.name}-device"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iot:Connect"
        Resource = "arn:${local.partition}:iot:${local.region}:${local.account_id}:client/$${iot:Connection.Thing.ThingName}"
      },
      {
        Effect   = "Allow"
        Action   = "iot:Publish"
        Resource = "arn:${local.partition}:iot:${local.region}:${local.account_id}:topic/${local.topic_prefix}/$${iot:Connection.Thing.ThingName}/telemetry"
      },
    ]
  })
  tags = var.tags
}

data "aws_iot_endpoint" "data" {
  count         = local.iot ? 1 : 0
  endpoint_type = "iot:Data-ATS"
}

# ---------------------------------------------------------------------------------------------------------------------
# Glue catalog: database and the readings table (JSON Lines, gzip, partitioned by dt)
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_glue_catalog_database" "this" {
  name        = local.database
  catalog_id  = local.catalog_id
  description = "Data lake of ${var.name}."
  tags        = var.tags
}

resource "aws_glue_catalog_table" "readings" {
  count         = var.glue_table ? 1 : 0
  name          = local.table
  catalog_id    = local.catalog_id
  database_name = aws_glue_catalog_database.this.name
  description   = "Device readings, normalised and enriched by the transform; one JSON object per line, gzip."
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL        = "TRUE"
    classification  = "json"
    compressionType = "gzip"
  }

  partition_keys {
    name    = "dt"
    type    = "string"
    comment = "Firehose arrival date, UTC (YYYY-MM-DD)"
  }

  storage_descriptor {
    location      = "s3://${aws_s3_bucket.lake.id}/${local.data_prefix}"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      name                  = "json"
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters            = { "ignore.malformed.json" = "FALSE" }
    }

    dynamic "columns" {
      for_each = [
        ["device_id", "string", "lower-case device id"],
        ["ts", "string", "reading time, RFC 3339 UTC with milliseconds (from_iso8601_timestamp(ts))"],
        ["type", "string", "telemetry, status, ..."],
        ["temperature", "double", "degrees Celsius"],
        ["humidity", "double", "relative humidity, %"],
        ["battery", "double", "charge, 0-1"],
        ["seq", "bigint", "device sequence number"],
        ["site", "string", "from the device registry"],
        ["model", "string", "from the device registry"],
        ["ingested_at", "string", "Firehose arrival time, RFC 3339 UTC"],
      ]
      content {
        name    = columns.value[0]
        type    = columns.value[1]
        comment = columns.value[2]
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# New objects → SQS (with DLQ) → partitions function
# ---------------------------------------------------------------------------------------------------------------------

# The dead-letter queues (notifications the partitions function failed max_receive_count times; report runs Scheduler
# could not start): encrypted, TLS-only, 14 days, alarmed on the first message (notifies the alarm topic).
module "partitions_dlq" {
  source = "../dead-letter-queue"

  name                     = "${var.name}-partitions-dlq"
  kms_key_arn              = var.kms_key_arn
  queue_sse                = var.kms_key_arn != null || var.queue_sse
  alarm_description        = "New objects of the ${var.name} data lake whose dt partitions the ${var.name}-partitions function failed to register ${var.partitions.max_receive_count} times: queries miss those days until the partitions exist. Fix the cause, then redrive the messages to ${var.name}-new-objects."
  alarm_topic_arn          = local.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  tags                     = var.tags
}

moved {
  from = aws_sqs_queue.partitions_dlq
  to   = module.partitions_dlq.aws_sqs_queue.this
}

module "reports_dlq" {
  source = "../dead-letter-queue"

  name                     = "${var.name}-reports-dlq"
  kms_key_arn              = var.kms_key_arn
  queue_sse                = var.kms_key_arn != null || var.queue_sse
  alarm_description        = "Scheduled report runs of ${var.name} that EventBridge Scheduler could not start after its retries (each message names the schedule and the error): the report for that run is missing."
  alarm_topic_arn          = local.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  tags                     = var.tags
}

moved {
  from = aws_sqs_queue.reports_dlq
  to   = module.reports_dlq.aws_sqs_queue.this
}

resource "aws_sqs_queue" "objects" {
  name                       = "${var.name}-new-objects"
  visibility_timeout_seconds = var.partitions.visibility_timeout_seconds
  message_retention_seconds  = 345600 # 4 days
  sqs_managed_sse_enabled    = var.kms_key_arn == null && var.queue_sse ? true : null
  kms_master_key_id          = var.kms_key_arn
  redrive_policy = jsonencode({
    deadLetterTargetArn = module.partitions_dlq.arn
    maxReceiveCount     = var.partitions.max_receive_count
  })
  tags = var.tags
}

resource "aws_sqs_queue_policy" "objects" {
  queue_url = aws_sqs_queue.objects.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "IngestionBucketNotifications"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.objects.arn
        Condition = {
          ArnEquals    = { "aws:SourceArn" = aws_s3_bucket.lake.arn }
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.objects.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_s3_bucket_notification" "lake" {
  bucket = aws_s3_bucket.lake.id
  queue {
    queue_arn     = aws_sqs_queue.objects.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = local.data_prefix
  }
  depends_on = [aws_sqs_queue_policy.objects]
}

locals {
  glue_arns = [
    "arn:${local.partition}:glue:${local.region}:${local.catalog_id}:catalog",
    "arn:${local.partition}:glue:${local.region}:${local.catalog_id}:database/${local.database}",
    "arn:${local.partition}:glue:${local.region}:${local.catalog_id}:table/${local.database}/${local.table}",
  ]
  athena_mode = var.partitions.registration == "athena"

  partitions_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.fn["partitions"].arn}:*"
        },
        {
          Sid      = "ConsumeNotifications"
          Effect   = "Allow"
          Action   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
          Resource = aws_sqs_queue.objects.arn
        },
        {
          Sid      = "RegisterPartitions"
          Effect   = "Allow"
          Action   = local.athena_mode ? ["glue:BatchCreatePartition", "glue:CreatePartition", "glue:GetDatabase", "glue:GetPartition", "glue:GetTable"] : ["glue:BatchCreatePartition", "glue:GetTable"]
          Resource = local.glue_arns
        },
      ],
      [for s in [
        {
          Sid      = "RunPartitionDDL"
          Effect   = "Allow"
          Action   = ["athena:GetQueryExecution", "athena:StartQueryExecution"]
          Resource = "arn:${local.partition}:athena:${local.region}:${local.account_id}:workgroup/${local.workgroup}"
        },
        {
          Sid      = "WriteAthenaResults"
          Effect   = "Allow"
          Action   = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]
          Resource = [aws_s3_bucket.reports.arn, "${aws_s3_bucket.reports.arn}/${local.athena_results}*"]
        },
      ] : s if local.athena_mode],
      local.kms_statements,
    )
  })
}

resource "aws_iam_role_policy" "partitions" {
  name   = "partitions"
  role   = aws_iam_role.fn["partitions"].id
  policy = local.partitions_policy
}

resource "aws_lambda_function" "partitions" {
  function_name    = "${var.name}-partitions"
  description      = "Registers the dt partitions of new objects in the ingestion bucket (S3 → SQS)."
  role             = aws_iam_role.fn["partitions"].arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]
  filename         = local.lambda_packages.partitions.filename
  source_code_hash = local.lambda_packages.partitions.source_code_hash
  memory_size      = 128
  timeout          = var.partitions.timeout

  reserved_concurrent_executions = var.partitions.reserved_concurrent_executions

  environment {
    variables = merge(
      {
        BUCKET                 = aws_s3_bucket.lake.id
        DATA_PREFIX            = local.data_prefix
        GLUE_DATABASE          = aws_glue_catalog_database.this.name
        GLUE_TABLE             = local.table
        GLUE_CATALOG_ID        = local.catalog_id
        PARTITION_REGISTRATION = var.partitions.registration
      },
      local.athena_mode ? {
        ATHENA_WORKGROUP       = local.workgroup
        ATHENA_OUTPUT_LOCATION = "s3://${aws_s3_bucket.reports.id}/${local.athena_results}"
      } : {},
    )
  }


  tags       = var.tags
  depends_on = [aws_iam_role_policy.partitions]
}

resource "aws_lambda_event_source_mapping" "objects" {
  event_source_arn        = aws_sqs_queue.objects.arn
  function_name           = aws_lambda_function.partitions.arn
  batch_size              = var.partitions.batch_size
  function_response_types = var.partitions.report_batch_item_failures ? ["ReportBatchItemFailures"] : []
}

# ---------------------------------------------------------------------------------------------------------------------
# Athena: analytics workgroup and one per report, each enforcing its result location, encryption and a scan limit
# ---------------------------------------------------------------------------------------------------------------------

locals {
  workgroups = merge(
    { analytics = { name = var.name, location = "s3://${aws_s3_bucket.reports.id}/${local.athena_results}" } },
    { for k, _ in var.reports : "report-${k}" => { name = "${var.name}-${k}", location = "s3://${aws_s3_bucket.reports.id}/reports/${k}/" } },
  )
}

resource "aws_athena_workgroup" "analytics" {
  count         = var.athena.workgroups ? 1 : 0
  name          = local.workgroups.analytics.name
  description   = "Ad-hoc queries and partition DDL on the ${var.name} data lake."
  force_destroy = true # query history only; the results stay in the reporting bucket

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena.bytes_scanned_cutoff_per_query
    engine_version {
      selected_engine_version = var.athena.engine_version
    }
    result_configuration {
      output_location       = local.workgroups.analytics.location
      expected_bucket_owner = local.account_id
      encryption_configuration {
        encryption_option = var.kms_key_arn == null ? "SSE_S3" : "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}

resource "aws_athena_workgroup" "report" {
  for_each      = var.athena.workgroups ? var.reports : {}
  name          = local.workgroups["report-${each.key}"].name
  description   = "Scheduled report ${each.key} of ${var.name}; results only under reports/${each.key}/."
  force_destroy = true

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena.bytes_scanned_cutoff_per_query
    engine_version {
      selected_engine_version = var.athena.engine_version
    }
    result_configuration {
      output_location       = local.workgroups["report-${each.key}"].location
      expected_bucket_owner = local.account_id
      encryption_configuration {
        encryption_option = var.kms_key_arn == null ? "SSE_S3" : "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Scheduled reports (refarch_athena_report_schedule): EventBridge Scheduler → Athena StartQueryExecution
# ---------------------------------------------------------------------------------------------------------------------

resource "refarch_athena_report_schedule" "this" {
  for_each = var.reports

  name                = "${var.name}-${each.key}"
  workgroup           = var.athena.workgroups ? aws_athena_workgroup.report[each.key].name : "primary"
  database            = aws_glue_catalog_database.this.name
  query               = replace(replace(each.value.query, "{{table}}", "\"${local.database}\".\"${local.table}\""), "{{database}}", "\"${local.database}\"")
  schedule_expression = each.value.schedule_expression
  schedule_timezone   = each.value.schedule_timezone
  state               = each.value.enabled ? "ENABLED" : "DISABLED"
  run_on_create       = each.value.run_on_create
  report_s3_uri       = local.workgroups["report-${each.key}"].location
  source_s3_uris      = ["s3://${aws_s3_bucket.lake.id}/${local.data_prefix}"]
  dead_letter_arn     = module.reports_dlq.arn
  retry_policy = {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 3600
  }

  depends_on = [aws_glue_catalog_table.readings, aws_s3_bucket_policy.this]
}

# What the resource's managed role lacks with a customer-managed key: Athena reads and writes SSE-KMS objects with
# the caller's key permissions. (The role itself may send to the dead-letter queue.)
resource "aws_iam_role_policy" "report_extras" {
  for_each = length(local.kms_statements) > 0 ? var.reports : {}
  name     = "ingestion-kms"
  role     = refarch_athena_report_schedule.this[each.key].managed_role_name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.kms_statements
  })
}

# ---------------------------------------------------------------------------------------------------------------------
# Hooks, off by default: QuickSight (Athena data source) and Redshift (COPY / Spectrum role)
# ---------------------------------------------------------------------------------------------------------------------

locals {
  read_lake_statements = concat(
    [
      {
        Sid       = "ListLake"
        Effect    = "Allow"
        Action    = ["s3:GetBucketLocation", "s3:ListBucket"]
        Resource  = aws_s3_bucket.lake.arn
        Condition = { StringLike = { "s3:prefix" = ["${local.data_prefix}*", ""] } }
      },
      {
        Sid      = "ReadLakeData"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${aws_s3_bucket.lake.arn}/${local.data_prefix}*"
      },
      {
        Sid      = "ReadCatalog"
        Effect   = "Allow"
        Action   = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"]
        Resource = local.glue_arns
      },
    ],
    local.kms_statements,
  )
}

resource "aws_quicksight_data_source" "athena" {
  count          = var.quicksight.enabled ? 1 : 0
  data_source_id = "${var.name}-athena"
  name           = "${var.name} data lake (Athena)"
  type           = "ATHENA"

  parameters {
    athena {
      work_group = local.workgroup
    }
  }

  dynamic "permission" {
    for_each = var.quicksight.principal_arns
    content {
      principal = permission.value
      actions = [
        "quicksight:DeleteDataSource", "quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions",
        "quicksight:PassDataSource", "quicksight:UpdateDataSource", "quicksight:UpdateDataSourcePermissions",
      ]
    }
  }

  ssl_properties {
    disable_ssl = false
  }

  tags = var.tags
}

resource "aws_iam_role_policy" "quicksight" {
  count = var.quicksight.enabled && var.quicksight.service_role_name != null ? 1 : 0
  name  = "${var.name}-lake"
  role  = var.quicksight.service_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(local.read_lake_statements, [
      {
        Sid      = "RunQueries"
        Effect   = "Allow"
        Action   = ["athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup", "athena:StartQueryExecution", "athena:StopQueryExecution"]
        Resource = "arn:${local.partition}:athena:${local.region}:${local.account_id}:workgroup/${local.workgroup}"
      },
      {
        Sid      = "AthenaResults"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]
        Resource = [aws_s3_bucket.reports.arn, "${aws_s3_bucket.reports.arn}/${local.athena_results}*"]
      },
    ])
  })
}

resource "aws_iam_role" "redshift" {
  count              = var.redshift.enabled ? 1 : 0
  name               = "${var.name}-redshift-copy"
  description        = "Redshift COPY / Spectrum access to the ${var.name} data lake (read-only)."
  assume_role_policy = local.assume["redshift"]
  tags               = var.tags
}

resource "aws_iam_role_policy" "redshift" {
  count  = var.redshift.enabled ? 1 : 0
  name   = "read-lake"
  role   = aws_iam_role.redshift[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.read_lake_statements })
}

# ---------------------------------------------------------------------------------------------------------------------
# Alarm topic: every alarm of the deployment notifies it (alarm and OK); alarm_topic_arn brings your own
# ---------------------------------------------------------------------------------------------------------------------

module "alarm_topic" {
  source = "../alarm-topic"
  count  = var.alarm_topic_arn == null ? 1 : 0

  name             = "${var.name}-alarms"
  kms_key_rotation = var.kms_key_rotation
  tags             = var.tags
}

locals {
  alarm_topic_arn = var.alarm_topic_arn != null ? var.alarm_topic_arn : one(module.alarm_topic[*].topic_arn)
}
