variable "name" {
  description = "Name of the queue (its alarm is `<name>-not-empty`). 1-80 letters, digits, hyphens or underscores."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.name))
    error_message = "name must be 1-80 letters, digits, '-' or '_'."
  }
}

variable "message_retention_seconds" {
  description = "How long a failed message is kept, 60-1209600 seconds (default 1209600, 14 days, SQS's maximum: longer than any source queue keeps it)."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209600."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the queue (whatever sends to it then needs kms:GenerateDataKey and kms:Decrypt on the key); null (default) uses SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]*:(key|alias)/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key or alias ARN, arn:<partition>:kms:<region>:<account>:key/<id>."
  }
}

variable "queue_sse" {
  description = "Encrypt the queue at rest (default true). False exists only for the local sandbox: kumo's GetQueueAttributes reports neither KmsMasterKeyId nor SqsManagedSseEnabled, so the provider would wait for them forever. Never turn it off on AWS."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarm notifies when a message arrives (alarm) and when the queue is empty again (OK), e.g. an architecture's alarm topic (modules/alarm-topic). Null (default): the alarm has no actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "alarm_description" {
  description = "Description of the alarm: what failed and what to do (default: a generic one naming the queue)."
  type        = string
  default     = null
}

variable "alarm_treat_missing_data" {
  description = "How the alarm treats periods without data: `notBreaching` (default: an idle queue whose metric stops is OK, not INSUFFICIENT_DATA), `missing`, `ignore` or `breaching`. `missing` only for the local sandbox, whose alarms do not keep the setting."
  type        = string
  default     = "notBreaching"
  nullable    = false

  validation {
    condition     = contains(["notBreaching", "missing", "ignore", "breaching"], var.alarm_treat_missing_data)
    error_message = "alarm_treat_missing_data must be \"notBreaching\", \"missing\", \"ignore\" or \"breaching\"."
  }
}

variable "tags" {
  description = "Tags for the queue and its alarm."
  type        = map(string)
  default     = {}
}
