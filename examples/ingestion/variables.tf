variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "default_tags" {
  description = "Tags the AWS and refarch providers add to every resource they create (their default_tags), e.g. the real-AWS tests' refarch:test-run tag."
  type        = map(string)
  default     = {}
}

variable "name" {
  description = "Name prefix of every resource; make it unique per deployment in an account."
  type        = string
  default     = "ingestion"
}

variable "devices" {
  description = "Device registry: device id → site and model. Records of other devices land under errors/ (unknown_device)."
  type = map(object({
    site  = optional(string)
    model = optional(string)
  }))
  default = {
    dev-0001 = { site = "paris-1", model = "th-200" }
    dev-0002 = { site = "lyon-2", model = "th-100" }
  }
}

variable "report_timezone" {
  description = "Time zone of the daily report's schedule (IANA name)."
  type        = string
  default     = "UTC"
}

variable "report_run_on_create" {
  description = "Run the daily report once right after it is created (the tests do, to see where it writes)."
  type        = bool
  default     = false
}

variable "partitions_timeout" {
  description = "Timeout of the partitions function in seconds."
  type        = number
  default     = 30
}

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the new-objects queue (at least the partitions function's timeout; AWS recommends 6 times it)."
  type        = number
  default     = 180
}

variable "queue_max_receive_count" {
  description = "Receives of a notification before it goes to the dead-letter queue (the tests lower it to see a poison message arrive there quickly)."
  type        = number
  default     = 5
}

variable "iot_rule" {
  description = "IoT Core topic rule and device policy (the local sandbox has no IoT service and sets false)."
  type        = bool
  default     = true
}

variable "kinesis_stream" {
  description = "Kinesis Data Stream between IoT Core and Firehose (the local sandbox sets false: the AWS provider's IncreaseStreamRetentionPeriod/ListTagsForStream calls fail there)."
  type        = bool
  default     = true
}

variable "firehose_source_backup" {
  description = "Back up untransformed records under raw/ (the local sandbox's DescribeDeliveryStream drops the backup configuration and sets false)."
  type        = bool
  default     = true
}

variable "firehose_encryption" {
  description = "Firehose server-side encryption for Direct PUT (applies without the Kinesis stream; the local sandbox has no StartDeliveryStreamEncryption and sets false)."
  type        = bool
  default     = true
}

variable "partition_registration" {
  description = "How new partitions are registered: glue (BatchCreatePartition) or athena (ALTER TABLE ADD PARTITION; the local sandbox, which has no Glue partition API, sets athena)."
  type        = string
  default     = "glue"
}

variable "report_batch_item_failures" {
  description = "The partitions function's event source mapping reports batch item failures (the local sandbox drops FunctionResponseTypes, so the setting would drift, and sets false; its poller honours the function's batchItemFailures anyway)."
  type        = bool
  default     = true
}

variable "athena_workgroups" {
  description = "Own Athena workgroups with enforced result locations and a scan limit (the local sandbox has no GetWorkGroup and sets false: queries run in primary)."
  type        = bool
  default     = true
}

variable "glue_catalog_id" {
  description = "Account id of the Glue catalog; null: the caller's (the local sandbox sets its account id, as its provider skips the account lookup)."
  type        = string
  default     = null
}

variable "glue_table" {
  description = "Create the Glue table (the local sandbox has no GetPartitionIndexes, which the provider reads a table with, and sets false)."
  type        = bool
  default     = true
}

variable "queue_sse" {
  description = "Set SqsManagedSseEnabled on the queues (the local sandbox's GetQueueAttributes never reports it and sets false; AWS encrypts new queues with SSE-SQS by default anyway)."
  type        = bool
  default     = true
}

variable "bucket_force_destroy" {
  description = "Let `destroy` delete the data lake and reports buckets with their data. Default true: an example is disposable (the module's own default is false; set false to keep the data)."
  type        = bool
  default     = true
}

variable "bucket_ownership_controls" {
  description = "Set BucketOwnerEnforced object ownership explicitly (the local sandbox has no PutBucketOwnershipControls and sets false)."
  type        = bool
  default     = true
}

variable "bucket_lifecycle_rules" {
  description = "Lifecycle rules of the buckets (the local sandbox never settles them and sets false)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { project = "refarch", architecture = "ingestion" }
}

variable "alarm_topic_arn" {
  description = "SNS topic for every alarm of the deployment; null (default) creates <name>-alarms (output alarm_topic_arn)."
  type        = string
  default     = null
}

variable "alarm_treat_missing_data" {
  description = "Missing-data treatment of the alarms (default notBreaching; the local sandbox's alarms do not keep it and it sets missing)."
  type        = string
  default     = "notBreaching"
}

variable "kms_key_rotation" {
  description = "Rotation of the alarm topic's KMS key (default true; the local sandbox's KMS has no EnableKeyRotation and it sets false)."
  type        = bool
  default     = true
}
