variable "name" {
  description = "Name prefix of every resource of this deployment. 1-32 lowercase letters, digits or hyphens, starting with a letter (Glue and IoT names use it with '_' for '-')."
  type        = string
  default     = "ingestion"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,31}$", var.name))
    error_message = "name must be 1-32 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "lambda_packages" {
  description = "Deployment zips (`filename`, `source_code_hash`) of the `transform` and `partitions` functions. A null entry (default) takes the package built into the refarch provider (data source `refarch_lambda_package`)."
  type = object({
    transform = optional(object({
      filename         = string
      source_code_hash = string
    }))
    partitions = optional(object({
      filename         = string
      source_code_hash = string
    }))
  })
  default  = {}
  nullable = false
}

variable "architecture" {
  description = "Instruction set of the functions: `arm64` (default) or `x86_64`."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the Kinesis stream, both buckets (SSE-KMS with S3 Bucket Keys), the queues and Athena's results; every role that touches them gets the key actions it needs. The key policy must let `s3.amazonaws.com` use it for the notification queue. Null (default): AWS-managed encryption everywhere (`aws/kinesis`, SSE-S3, SSE-SQS, Athena SSE_S3)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<id> (not an alias)."
  }
}

variable "iot" {
  description = "AWS IoT Core ingress: `enabled` (default true: a topic rule forwards every message on `<topic_prefix>/<device id>/telemetry` to the Kinesis stream — or straight to Firehose without one — and an IoT policy lets a device publish only to its own topic, client id = thing name; false only for the local sandbox, which has no IoT), `topic_prefix` (default `refarch/<name>/devices`)."
  type = object({
    enabled      = optional(bool, true)
    topic_prefix = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.iot.topic_prefix == null || can(regex("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$", coalesce(var.iot.topic_prefix, "x")))
    error_message = "iot.topic_prefix must be '/'-separated segments of letters, digits, '_' or '-', without wildcards or a leading or trailing '/'."
  }
}

variable "kinesis" {
  description = "The Kinesis Data Stream between IoT Core and Firehose: `enabled` (default true; false only for the local sandbox, whose Kinesis the AWS provider cannot manage — producers then put to Firehose directly), `mode` (`ON_DEMAND` default, or `PROVISIONED` with `shard_count`), `retention_hours` (24-8760, default 24). Always encrypted with KMS (`kms_key_arn`, else `aws/kinesis`)."
  type = object({
    enabled         = optional(bool, true)
    mode            = optional(string, "ON_DEMAND")
    shard_count     = optional(number, 1)
    retention_hours = optional(number, 24)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.kinesis.mode)
    error_message = "kinesis.mode must be \"ON_DEMAND\" or \"PROVISIONED\"."
  }
  validation {
    condition     = var.kinesis.shard_count >= 1 && floor(var.kinesis.shard_count) == var.kinesis.shard_count
    error_message = "kinesis.shard_count must be a whole number of at least 1."
  }
  validation {
    condition     = var.kinesis.retention_hours >= 24 && var.kinesis.retention_hours <= 8760
    error_message = "kinesis.retention_hours must be from 24 to 8760 (365 days)."
  }
}

variable "firehose" {
  description = "The delivery stream: S3 buffering `buffering_size_mb` (64, 64-128 with a Lambda transform) and `buffering_interval_seconds` (60, 0-900: the lake gets each minute's records about a minute after they arrive, as the course asks; raise it for fewer, larger objects); the transform's `lambda_buffer_size_mb` (1, 0.2-3) and `lambda_buffer_interval_seconds` (60, 0-900) and `lambda_retries` (3, 0-300); `source_backup` (default true: every untransformed record is also kept, gzip'd, under `raw/`; false only for the local sandbox, which does not keep the backup configuration); `encryption` (default true: Firehose encrypts records at rest while it buffers them — applies when there is no Kinesis stream, whose own encryption covers them otherwise; false only for the local sandbox)."
  type = object({
    buffering_size_mb              = optional(number, 64)
    buffering_interval_seconds     = optional(number, 60)
    lambda_buffer_size_mb          = optional(number, 1)
    lambda_buffer_interval_seconds = optional(number, 60)
    lambda_retries                 = optional(number, 3)
    source_backup                  = optional(bool, true)
    encryption                     = optional(bool, true)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.firehose.buffering_size_mb >= 64 && var.firehose.buffering_size_mb <= 128
    error_message = "firehose.buffering_size_mb must be from 64 to 128 (Firehose's range with a Lambda transform)."
  }
  validation {
    condition     = var.firehose.buffering_interval_seconds >= 0 && var.firehose.buffering_interval_seconds <= 900 && var.firehose.lambda_buffer_interval_seconds >= 0 && var.firehose.lambda_buffer_interval_seconds <= 900
    error_message = "firehose.buffering_interval_seconds and lambda_buffer_interval_seconds must be from 0 to 900."
  }
  validation {
    condition     = var.firehose.lambda_buffer_size_mb >= 0.2 && var.firehose.lambda_buffer_size_mb <= 3
    error_message = "firehose.lambda_buffer_size_mb must be from 0.2 to 3 (the transform's answer must stay within Lambda's 6 MB)."
  }
  validation {
    condition     = var.firehose.lambda_retries >= 0 && var.firehose.lambda_retries <= 300 && floor(var.firehose.lambda_retries) == var.firehose.lambda_retries
    error_message = "firehose.lambda_retries must be a whole number from 0 to 300."
  }
}

variable "devices" {
  description = "The device registry: device id → `site`, `model`. The module writes it to the ingestion bucket (`registry/devices.json`) and the transform rejects records of other devices (reason `unknown_device`) and enriches the rest with site and model. Empty (default): no registry, every well-formed device id is accepted and records are not enriched. For large fleets, keep the object up to date yourself (it is re-read every 5 minutes) and leave this empty — see the README."
  type = map(object({
    site  = optional(string)
    model = optional(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for id in keys(var.devices) : can(regex("^[a-z0-9][a-z0-9_.:-]{0,127}$", id))])
    error_message = "devices keys must be lower-case device ids: 1-128 letters, digits, '_', '.', ':' or '-'."
  }
}

variable "transform" {
  description = "The transform function: `max_record_bytes` (default 131072, IoT Core's message limit; larger records are rejected as `too_large`; at most 1024000, Firehose's), `memory_size` (512 MB) and `timeout` (60 s, at most 300: Firehose's limit for a transform)."
  type = object({
    max_record_bytes = optional(number, 131072)
    memory_size      = optional(number, 512)
    timeout          = optional(number, 60)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.transform.max_record_bytes >= 1024 && var.transform.max_record_bytes <= 1024000
    error_message = "transform.max_record_bytes must be from 1024 to 1024000 (Firehose's record limit)."
  }
  validation {
    condition     = var.transform.memory_size >= 128 && var.transform.memory_size <= 10240
    error_message = "transform.memory_size must be from 128 to 10240 MB."
  }
  validation {
    condition     = var.transform.timeout >= 1 && var.transform.timeout <= 300
    error_message = "transform.timeout must be from 1 to 300 seconds (Firehose waits at most 5 minutes for a transform)."
  }
}

variable "partitions" {
  description = "Partition registration of new objects (S3 → SQS → Lambda): `registration` (`glue` default: Glue BatchCreatePartition; `athena`: an ALTER TABLE … ADD IF NOT EXISTS PARTITION statement in the analytics workgroup — the local sandbox uses it, as it has no Glue partitions), the event source mapping's `batch_size` (10), the queue's `visibility_timeout_seconds` (180; at least 6 × the function's `timeout`, 30) and `max_receive_count` (5: tries before a message goes to the dead-letter queue), `report_batch_item_failures` (default true: only the failed messages of a batch are retried; false only for the local sandbox, whose event source mappings drop FunctionResponseTypes) and the function's `reserved_concurrent_executions` (default null: unreserved; 0 stops the function; a cap throttles batches, which then count as receives towards `max_receive_count`)."
  type = object({
    registration                   = optional(string, "glue")
    batch_size                     = optional(number, 10)
    timeout                        = optional(number, 30)
    visibility_timeout_seconds     = optional(number, 180)
    max_receive_count              = optional(number, 5)
    report_batch_item_failures     = optional(bool, true)
    reserved_concurrent_executions = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["glue", "athena"], var.partitions.registration)
    error_message = "partitions.registration must be \"glue\" or \"athena\"."
  }
  validation {
    condition     = var.partitions.batch_size >= 1 && var.partitions.batch_size <= 10000 && var.partitions.max_receive_count >= 1 && var.partitions.max_receive_count <= 1000
    error_message = "partitions.batch_size must be from 1 to 10000 and max_receive_count from 1 to 1000."
  }
  validation {
    condition     = var.partitions.timeout >= 1 && var.partitions.timeout <= 900 && var.partitions.visibility_timeout_seconds >= var.partitions.timeout && var.partitions.visibility_timeout_seconds <= 43200
    error_message = "partitions.timeout must be from 1 to 900 seconds and visibility_timeout_seconds from the timeout to 43200 (Lambda refuses a queue whose visibility timeout is below the function's timeout)."
  }
  validation {
    condition     = var.partitions.reserved_concurrent_executions == null || try(var.partitions.reserved_concurrent_executions >= 0 && floor(var.partitions.reserved_concurrent_executions) == var.partitions.reserved_concurrent_executions, false)
    error_message = "partitions.reserved_concurrent_executions must be null (unreserved) or a whole number of 0 or more."
  }
}

variable "glue_catalog_id" {
  description = "Account id of the Glue Data Catalog holding the database and table. Null (default): the caller's account."
  type        = string
  default     = null

  validation {
    condition     = var.glue_catalog_id == null || can(regex("^[0-9]{12}$", coalesce(var.glue_catalog_id, "0")))
    error_message = "glue_catalog_id must be a 12-digit account id."
  }
}

variable "glue_table" {
  description = "Create the Glue table `readings` (default true). false leaves it out — only for the local sandbox, whose Glue lacks GetPartitionIndexes (the provider's read of a table); the functions and reports still name it."
  type        = bool
  default     = true
}

variable "queue_sse" {
  description = "Encrypt the queues at rest (default true): with `kms_key_arn`, or else SSE-SQS set explicitly (`SqsManagedSseEnabled`). false (without `kms_key_arn`) sends no encryption attribute — AWS still encrypts new queues with SSE-SQS by default — and exists only for the local sandbox, whose GetQueueAttributes never reports the attribute, so the provider would wait for it forever."
  type        = bool
  default     = true
}

variable "athena" {
  description = "Athena: `workgroups` (default true: an analytics workgroup and one per report, each enforcing its result location in the reporting bucket, encryption and `bytes_scanned_cutoff_per_query`; false only for the local sandbox, which cannot manage workgroups — queries then run in `primary`), `bytes_scanned_cutoff_per_query` (default 10 GiB; Athena's minimum is 10 MB) and `engine_version` (`AUTO`)."
  type = object({
    workgroups                     = optional(bool, true)
    bytes_scanned_cutoff_per_query = optional(number, 10737418240)
    engine_version                 = optional(string, "AUTO")
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.athena.bytes_scanned_cutoff_per_query >= 10485760
    error_message = "athena.bytes_scanned_cutoff_per_query must be at least 10485760 (10 MB, Athena's minimum)."
  }
}

variable "reports" {
  description = "Scheduled Athena reports (`refarch_athena_report_schedule`), by key (1-24 lowercase letters, digits or '-'): `query` (SQL; `{{table}}` stands for the readings table, `{{database}}` for its database), `schedule_expression` (`cron(...)`, `rate(...)` or `at(...)`), `schedule_timezone` (IANA, default UTC), `run_on_create` (false), `enabled` (true). Results go to `s3://<reporting bucket>/reports/<key>/`. Default: `daily-devices`, yesterday's per-device summary every day at 06:00 UTC."
  type = map(object({
    query               = string
    schedule_expression = string
    schedule_timezone   = optional(string)
    run_on_create       = optional(bool, false)
    enabled             = optional(bool, true)
  }))
  default = {
    daily-devices = {
      query               = <<-SQL
        SELECT device_id, site, count(*) AS readings, avg(temperature) AS avg_temperature,
               min(temperature) AS min_temperature, max(temperature) AS max_temperature, min(battery) AS min_battery
        FROM {{table}}
        WHERE dt = cast(current_date - interval '1' day AS varchar)
        GROUP BY device_id, site
        ORDER BY device_id
      SQL
      schedule_expression = "cron(0 6 * * ? *)"
    }
  }
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.reports) : can(regex("^[a-z][a-z0-9-]{0,23}$", k))])
    error_message = "reports keys must be 1-24 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "bucket" {
  description = "Both buckets: `force_destroy` (default false: destroy fails while data remains), `versioning` (true), lifecycle of the ingestion bucket — data to STANDARD_IA after `data_ia_days` (30) and GLACIER_IR after `data_glacier_ir_days` (180), `data_expiration_days` (null: kept), bad records expire after `error_expiration_days` (90), raw backups after `raw_expiration_days` (30), noncurrent versions after `noncurrent_expiration_days` (30) — and reports after `report_expiration_days` (365); `ownership_controls` / `lifecycle_rules` (default true; false only for the local sandbox, which lacks the APIs)."
  type = object({
    force_destroy              = optional(bool, false)
    versioning                 = optional(bool, true)
    ownership_controls         = optional(bool, true)
    lifecycle_rules            = optional(bool, true)
    data_ia_days               = optional(number, 30)
    data_glacier_ir_days       = optional(number, 180)
    data_expiration_days       = optional(number)
    error_expiration_days      = optional(number, 90)
    raw_expiration_days        = optional(number, 30)
    noncurrent_expiration_days = optional(number, 30)
    report_expiration_days     = optional(number, 365)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.bucket.data_ia_days >= 30 && var.bucket.data_glacier_ir_days >= var.bucket.data_ia_days + 30
    error_message = "bucket.data_ia_days must be at least 30 (S3's minimum for STANDARD_IA) and data_glacier_ir_days at least 30 days later."
  }
  validation {
    condition     = var.bucket.data_expiration_days == null || coalesce(var.bucket.data_expiration_days, 0) > var.bucket.data_glacier_ir_days
    error_message = "bucket.data_expiration_days must come after data_glacier_ir_days (or be null to keep the data)."
  }
}

variable "quicksight" {
  description = "QuickSight hook (off by default): `enabled` creates an Athena data source on the analytics workgroup shared with `principal_arns` (QuickSight users or groups, owner permissions) and, with `service_role_name` (default `aws-quicksight-service-role-v0`, the role QuickSight's console creates), an inline policy on that role to read the data and write Athena results. Needs a QuickSight subscription in the account."
  type = object({
    enabled           = optional(bool, false)
    principal_arns    = optional(list(string), [])
    service_role_name = optional(string, "aws-quicksight-service-role-v0")
  })
  default  = {}
  nullable = false

  validation {
    condition     = !var.quicksight.enabled || length(var.quicksight.principal_arns) > 0
    error_message = "quicksight.enabled needs quicksight.principal_arns (arn:aws:quicksight:<region>:<account>:user/default/<name> or group/...)."
  }
}

variable "redshift" {
  description = "Redshift hook (off by default): `enabled` creates a role Redshift can assume (from this account) to `COPY` the data from the ingestion bucket and to read the Glue table for Spectrum; attach its ARN (output `redshift_copy_role_arn`) to your cluster or workgroup."
  type = object({
    enabled = optional(bool, false)
  })
  default  = {}
  nullable = false
}

variable "log_retention_days" {
  description = "Retention of the log groups (functions, Firehose, IoT rule errors) in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …, 3653)."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic that every alarm of the deployment notifies (alarm and OK): the partitions and reports dead-letter queues' alarms. Null (default): the module creates `<name>-alarms`, encrypted with its own KMS key (modules/alarm-topic); subscribe to the `alarm_topic_arn` output. A topic of your own must let CloudWatch publish (and use its KMS key)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "alarm_treat_missing_data" {
  description = "How the alarms treat periods without data (default `notBreaching`: an idle queue or function is OK). `missing` only for the local sandbox, whose alarms do not keep the setting."
  type        = string
  default     = "notBreaching"
  nullable    = false

  validation {
    condition     = contains(["notBreaching", "missing", "ignore", "breaching"], var.alarm_treat_missing_data)
    error_message = "alarm_treat_missing_data must be \"notBreaching\", \"missing\", \"ignore\" or \"breaching\"."
  }
}

variable "kms_key_rotation" {
  description = "Yearly rotation of the alarm topic's KMS key, when the module creates the topic (default true). False only for the local sandbox, whose KMS lacks EnableKeyRotation."
  type        = bool
  default     = true
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
