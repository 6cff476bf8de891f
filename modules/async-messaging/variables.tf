variable "name" {
  description = "Name prefix of the topic, queues, consumer, table and stream. 1-40 lowercase letters, digits or hyphens, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.name))
    error_message = "name must be 1-40 lowercase letters, digits or '-', starting with a letter (queue names <name>-<queue>-dlq must fit SQS's 80 characters)."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the topic, every queue and DLQ, the events table and the stream. Its key policy must let `sns.amazonaws.com` use it (kms:GenerateDataKey*, kms:Decrypt), or SNS cannot deliver to the encrypted queues. Null (default): the module creates a key with rotation on and exactly that policy (AWS-managed keys cannot be used: SNS may not use `aws/sqs`)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<id>."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the module's own KMS key is deleted after `destroy`, 7-30 days (default 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be between 7 and 30."
  }
}

variable "kms_key_rotation" {
  description = "Yearly automatic rotation of the module's own KMS key (default true). False exists only for the local sandbox, whose KMS lacks EnableKeyRotation."
  type        = bool
  default     = true
}

variable "publisher_arns" {
  description = "IAM principals (roles, accounts) besides this account's identity policies that may publish to the topic, e.g. another service's function role; the topic policy also denies publishing without TLS. Default none (same-account principals with an identity policy, such as `publish_policy_json`, can publish)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.publisher_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", a))])
    error_message = "publisher_arns must be IAM ARNs: arn:aws:iam::<account>:root, :role/<name> or :user/<name>."
  }
}

variable "queues" {
  description = <<-EOT
    The SQS queues subscribed to the topic, keyed by a short name (1-20 lowercase letters, digits or hyphens), each
    with its own dead-letter queue: `filter_policy` (JSON; null delivers everything) and `filter_policy_scope`
    (`MessageAttributes` default, or `MessageBody`), `raw_message_delivery` (default false: the SNS envelope),
    `max_receive_count` (receives before a message moves to the DLQ, 1-1000, default 5), `visibility_timeout_seconds`
    (null: 6 x the consumer's timeout for the consumed queue, else 30), `message_retention_seconds` (default 4 days) and
    `dlq_retention_seconds` (default 14 days, the maximum: keep poison messages longer than the source queue does).
  EOT
  type = map(object({
    filter_policy              = optional(string)
    filter_policy_scope        = optional(string, "MessageAttributes")
    raw_message_delivery       = optional(bool, false)
    max_receive_count          = optional(number, 5)
    visibility_timeout_seconds = optional(number)
    message_retention_seconds  = optional(number, 345600)
    dlq_retention_seconds      = optional(number, 1209600)
  }))

  validation {
    condition     = length(var.queues) >= 1 && alltrue([for k in keys(var.queues) : can(regex("^[a-z][a-z0-9-]{0,19}$", k))])
    error_message = "queues needs at least one entry; keys must be 1-20 lowercase letters, digits or '-', starting with a letter."
  }
  validation {
    condition     = alltrue([for q in values(var.queues) : q.filter_policy == null || can(jsondecode(q.filter_policy))])
    error_message = "Each filter_policy must be a JSON object, e.g. jsonencode({ type = [\"order.created\"] })."
  }
  validation {
    condition     = alltrue([for q in values(var.queues) : contains(["MessageAttributes", "MessageBody"], q.filter_policy_scope)])
    error_message = "Each filter_policy_scope must be \"MessageAttributes\" or \"MessageBody\"."
  }
  validation {
    condition     = alltrue([for q in values(var.queues) : q.max_receive_count >= 1 && q.max_receive_count <= 1000])
    error_message = "Each max_receive_count must be between 1 and 1000."
  }
  validation {
    condition     = alltrue([for q in values(var.queues) : q.visibility_timeout_seconds == null || (try(q.visibility_timeout_seconds >= 0 && q.visibility_timeout_seconds <= 43200, false))])
    error_message = "Each visibility_timeout_seconds must be between 0 and 43200 (12 hours)."
  }
  validation {
    condition     = alltrue([for q in values(var.queues) : q.message_retention_seconds >= 60 && q.message_retention_seconds <= 1209600 && q.dlq_retention_seconds >= 60 && q.dlq_retention_seconds <= 1209600])
    error_message = "message_retention_seconds and dlq_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "queue_encryption" {
  description = "Encryption of the queues and DLQs: `KMS` (default: the module's or your `kms_key_arn`) or `SQS_MANAGED` (SSE-SQS, keys SQS owns; no KMS charges, no key policy to manage). Both encrypt at rest; only `KMS` shows key use in CloudTrail."
  type        = string
  default     = "KMS"

  validation {
    condition     = contains(["KMS", "SQS_MANAGED"], var.queue_encryption)
    error_message = "queue_encryption must be \"KMS\" or \"SQS_MANAGED\"."
  }
}

variable "queue_sse" {
  description = "Encrypt the queues at rest as `queue_encryption` says (default true). False exists only for the local sandbox: kumo's GetQueueAttributes reports neither KmsMasterKeyId nor SqsManagedSseEnabled, so the provider would wait for them forever."
  type        = bool
  default     = true
}

variable "dlq_alarm" {
  description = "CloudWatch alarm per dead-letter queue that fires when a message arrives there: `enabled` (default true), `alarm_actions` (further actions besides `alarm_topic_arn`; default none), `threshold` (messages visible, default 1) and `treat_missing_data` (default `notBreaching`: an idle DLQ whose metric stops is OK, not INSUFFICIENT_DATA; `missing` only for the local sandbox, whose alarms do not keep the setting)."
  type = object({
    enabled            = optional(bool, true)
    alarm_actions      = optional(list(string), [])
    threshold          = optional(number, 1)
    treat_missing_data = optional(string, "notBreaching")
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["notBreaching", "breaching", "ignore", "missing"], var.dlq_alarm.treat_missing_data)
    error_message = "dlq_alarm.treat_missing_data must be notBreaching, breaching, ignore or missing."
  }
  validation {
    condition     = var.dlq_alarm.threshold >= 1
    error_message = "dlq_alarm.threshold must be 1 or more."
  }
}

variable "consumer" {
  description = <<-EOT
    The Lambda function that consumes one queue (`queue`, a key of `queues`) and, with `kinesis`, the stream:
    `lambda_package` (null: the provider's `consumer` package), `architecture` (arm64), `memory_size` (256), `timeout`
    (1-900 s, default 30), `batch_size` (1-10000, default 10), `maximum_batching_window_seconds` (0-300, default 0;
    batches over 10 messages need 1 or more), `maximum_concurrency` (2-1000 concurrent invocations from the queue,
    default null = no limit), `reserved_concurrent_executions` (-1 default), `events_table` (default true: the function
    stores each order event once in a DynamoDB table keyed by event id; false only logs them) and `environment` (extra
    variables). The mapping reports partial batch failures, so only poison messages are retried and end in the DLQ.
    Null (default): no consumer.
  EOT
  type = object({
    queue = string
    lambda_package = optional(object({
      filename         = string
      source_code_hash = string
    }))
    architecture                    = optional(string, "arm64")
    memory_size                     = optional(number, 256)
    timeout                         = optional(number, 30)
    batch_size                      = optional(number, 10)
    maximum_batching_window_seconds = optional(number, 0)
    maximum_concurrency             = optional(number)
    reserved_concurrent_executions  = optional(number, -1)
    events_table                    = optional(bool, true)
    environment                     = optional(map(string), {})
    report_batch_item_failures      = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.consumer == null || contains(keys(var.queues), try(var.consumer.queue, ""))
    error_message = "consumer.queue must be one of the keys of queues."
  }
  validation {
    condition     = var.consumer == null || contains(["arm64", "x86_64"], try(var.consumer.architecture, ""))
    error_message = "consumer.architecture must be \"arm64\" or \"x86_64\"."
  }
  validation {
    condition     = var.consumer == null || try(var.consumer.memory_size >= 128 && var.consumer.memory_size <= 10240, false)
    error_message = "consumer.memory_size must be between 128 and 10240 MB."
  }
  validation {
    condition     = var.consumer == null || try(var.consumer.timeout >= 1 && var.consumer.timeout <= 900, false)
    error_message = "consumer.timeout must be between 1 and 900 seconds."
  }
  validation {
    condition     = var.consumer == null || try(var.consumer.batch_size >= 1 && var.consumer.batch_size <= 10000, false)
    error_message = "consumer.batch_size must be between 1 and 10000."
  }
  validation {
    condition     = var.consumer == null || try(var.consumer.maximum_batching_window_seconds >= 0 && var.consumer.maximum_batching_window_seconds <= 300, false)
    error_message = "consumer.maximum_batching_window_seconds must be between 0 and 300."
  }
  validation {
    condition     = var.consumer == null || try(var.consumer.batch_size <= 10 || var.consumer.maximum_batching_window_seconds >= 1, false)
    error_message = "consumer.batch_size above 10 needs maximum_batching_window_seconds of 1 or more (an SQS rule)."
  }
  validation {
    condition     = var.consumer == null || try(var.consumer.maximum_concurrency == null || (var.consumer.maximum_concurrency >= 2 && var.consumer.maximum_concurrency <= 1000), false)
    error_message = "consumer.maximum_concurrency must be null or between 2 and 1000."
  }
  validation {
    condition     = var.consumer == null || try(var.consumer.reserved_concurrent_executions >= -1, false)
    error_message = "consumer.reserved_concurrent_executions must be -1 (unreserved) or more."
  }
}

variable "kinesis" {
  description = <<-EOT
    Optional Kinesis data stream `<name>-events` for ordered, replayable event streams: `enabled` (default false),
    `mode` (`ON_DEMAND` default, or `PROVISIONED` with `shard_count`), `retention_hours` (24-8760, default 24), and the
    consumer's mapping (when `consumer` is set): `batch_size` (1-10000, default 100), `starting_position` (`LATEST`
    default or `TRIM_HORIZON`), `maximum_retry_attempts` (0-10000, default 3), `maximum_record_age_seconds` (60-604800,
    default 3600), `parallelization_factor` (1-10, default 1). Failed batches are split in two and retried
    (bisect on error); what still fails is described on an on-failure SQS queue `<name>-stream-failures`. Always
    KMS-encrypted.
  EOT
  type = object({
    enabled                    = optional(bool, false)
    mode                       = optional(string, "ON_DEMAND")
    shard_count                = optional(number, 1)
    retention_hours            = optional(number, 24)
    batch_size                 = optional(number, 100)
    starting_position          = optional(string, "LATEST")
    maximum_retry_attempts     = optional(number, 3)
    maximum_record_age_seconds = optional(number, 3600)
    parallelization_factor     = optional(number, 1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.kinesis.mode)
    error_message = "kinesis.mode must be \"ON_DEMAND\" or \"PROVISIONED\"."
  }
  validation {
    condition     = var.kinesis.shard_count >= 1 && floor(var.kinesis.shard_count) == var.kinesis.shard_count
    error_message = "kinesis.shard_count must be a whole number, 1 or more."
  }
  validation {
    condition     = var.kinesis.retention_hours >= 24 && var.kinesis.retention_hours <= 8760
    error_message = "kinesis.retention_hours must be between 24 and 8760 (365 days)."
  }
  validation {
    condition     = var.kinesis.batch_size >= 1 && var.kinesis.batch_size <= 10000
    error_message = "kinesis.batch_size must be between 1 and 10000."
  }
  validation {
    condition     = contains(["LATEST", "TRIM_HORIZON"], var.kinesis.starting_position)
    error_message = "kinesis.starting_position must be \"LATEST\" or \"TRIM_HORIZON\"."
  }
  validation {
    condition     = var.kinesis.maximum_retry_attempts >= 0 && var.kinesis.maximum_retry_attempts <= 10000
    error_message = "kinesis.maximum_retry_attempts must be between 0 and 10000."
  }
  validation {
    condition     = var.kinesis.maximum_record_age_seconds >= 60 && var.kinesis.maximum_record_age_seconds <= 604800
    error_message = "kinesis.maximum_record_age_seconds must be between 60 and 604800 (7 days)."
  }
  validation {
    condition     = var.kinesis.parallelization_factor >= 1 && var.kinesis.parallelization_factor <= 10
    error_message = "kinesis.parallelization_factor must be between 1 and 10."
  }
}

variable "table_encryption" {
  description = "Key for the events table's encryption at rest: `KMS` (default: the module's or your `kms_key_arn`), `AWS_MANAGED` (the account's `aws/dynamodb` key) or `AWS_OWNED` (a key DynamoDB owns; only for the local sandbox, which does not report a table's KMS key). DynamoDB encrypts every table either way."
  type        = string
  default     = "KMS"

  validation {
    condition     = contains(["KMS", "AWS_MANAGED", "AWS_OWNED"], var.table_encryption)
    error_message = "table_encryption must be \"KMS\", \"AWS_MANAGED\" or \"AWS_OWNED\"."
  }
}

variable "point_in_time_recovery" {
  description = "Continuous backups of the events table (default true); turn off only where the API is missing (the local sandbox)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the events table from deletion (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the consumer's log group in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic every alarm of the module notifies (alarm and OK): the dead-letter queues' and the stream failure queue's, e.g. the architecture's alarm topic (modules/alarm-topic). Null (default): only `dlq_alarm.alarm_actions`."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
