variable "name" {
  description = "Name of the function, its role, log group (`/aws/lambda/<name>`) and DLQ (`<name>-dlq`). 1-60 letters, digits, hyphens or underscores."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,60}$", var.name))
    error_message = "name must be 1-60 letters, digits, '-' or '_'."
  }
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = ""
}

variable "stream_arn" {
  description = "ARN of the DynamoDB stream (`aws_dynamodb_table.<t>.stream_arn`). The function may read only this stream."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}/stream/.+$", var.stream_arn))
    error_message = "stream_arn must be a DynamoDB stream ARN, arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>."
  }
}

variable "lambda_package" {
  description = "The function's deployment zip: `filename` and `source_code_hash` (a Go `bootstrap` for `provided.al2023`), e.g. from the `refarch_lambda_package` data source."
  type = object({
    filename         = string
    source_code_hash = string
  })
}

variable "architecture" {
  description = "Instruction set of the function: `arm64` (default) or `x86_64`. Must match the package."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "environment" {
  description = "Environment variables of the function (never secrets)."
  type        = map(string)
  default     = {}
}

variable "policy_json" {
  description = "IAM policy document (JSON) with the extra permissions the function needs (e.g. SES). Null adds nothing."
  type        = string
  default     = null
}

variable "memory_size" {
  description = "Memory of the function in MB, 128-10240 (default 256)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout of the function in seconds, 1-900 (default 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "starting_position" {
  description = "Where a new mapping starts reading: `LATEST` (default: only changes after it exists) or `TRIM_HORIZON` (the last 24 hours too)."
  type        = string
  default     = "LATEST"

  validation {
    condition     = contains(["LATEST", "TRIM_HORIZON"], var.starting_position)
    error_message = "starting_position must be \"LATEST\" or \"TRIM_HORIZON\"."
  }
}

variable "batch_size" {
  description = "Records per invocation, 1-1000 (default 10)."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 1000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number from 1 to 1000."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch, 0-10000 (default 3); afterwards the failed records' metadata goes to the DLQ."
  type        = number
  default     = 3

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 10000 && floor(var.maximum_retry_attempts) == var.maximum_retry_attempts
    error_message = "maximum_retry_attempts must be a whole number from 0 to 10000."
  }
}

variable "bisect_batch_on_function_error" {
  description = "Split a failing batch in two and retry each half, to isolate a bad record (default true)."
  type        = bool
  default     = true
}

variable "event_names" {
  description = "Deliver only these stream event names (`INSERT`, `MODIFY`, `REMOVE`) through an event filter; empty (default) delivers all."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.event_names : contains(["INSERT", "MODIFY", "REMOVE"], e)])
    error_message = "event_names may hold only \"INSERT\", \"MODIFY\" and \"REMOVE\"."
  }
}

variable "dlq_kms_key_arn" {
  description = "Customer-managed KMS key for the DLQ (the function gets kms:GenerateDataKey and kms:Decrypt on it); null (default) uses SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null
}

variable "event_source_mappings" {
  description = "Whether to create the event source mapping that makes Lambda poll the stream (default `true`). Only for emulators that do not run mappings: the local sandbox stores a mapping without its starting position, filters, response types, retries or destination (so every plan would replace it) and never polls it; its test harness drives the stream itself. Never turn it off on AWS."
  type        = bool
  default     = true
  nullable    = false
}

variable "queue_sse" {
  description = "Whether the DLQ is encrypted at rest (default `true`: SSE-SQS, or the key in `dlq_kms_key_arn`). Only for emulators without SQS encryption (the local sandbox's GetQueueAttributes returns no SqsManagedSseEnabled, so the provider's wait never settles); never turn it off on AWS."
  type        = bool
  default     = true
  nullable    = false
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function (it then never takes more, and never gets less); 0 stops it. Null (default): unreserved, from the account's pool."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 0 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null (unreserved) or a whole number of 0 or more."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic the DLQ's alarm notifies when a failed batch lands there and when the DLQ is empty again, e.g. the architecture's alarm topic (modules/alarm-topic). Null (default): the alarm has no actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "alarm_treat_missing_data" {
  description = "How the DLQ's alarm treats periods without data (default `notBreaching`). `missing` only for the local sandbox, whose alarms do not keep the setting; see the dead-letter-queue block."
  type        = string
  default     = "notBreaching"
  nullable    = false

  validation {
    condition     = contains(["notBreaching", "missing", "ignore", "breaching"], var.alarm_treat_missing_data)
    error_message = "alarm_treat_missing_data must be \"notBreaching\", \"missing\", \"ignore\" or \"breaching\"."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …, 3653)."
  }
}

variable "tags" {
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
