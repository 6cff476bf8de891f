variable "name" {
  description = "Name of the authorizer function, its role and log group (`/aws/lambda/<name>`), and the prefix of its secret. 1-60 letters, digits, hyphens or underscores."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,60}$", var.name))
    error_message = "name must be 1-60 letters, digits, '-' or '_'."
  }
}

variable "header_name" {
  description = "Name of the secret header the distribution adds to every request to the origin (default `X-Origin-Verify`)."
  type        = string
  default     = "X-Origin-Verify"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,64}$", var.header_name)) && !contains(["host", "authorization", "x-forwarded-for", "via", "cache-control", "x-amz-cf-id", "x-api-key"], lower(var.header_name))
    error_message = "header_name must be 1-64 letters, digits or '-', and not a header CloudFront or API Gateway reserves (Host, Authorization, X-Forwarded-For, Via, Cache-Control, X-Amz-Cf-Id, X-Api-Key)."
  }
}

variable "secret_version" {
  description = "Rotation counter of the secret (a whole number, default 1). Changing it writes a new random value as the secret's current version; the distribution sends it from the same apply on, and the authorizer accepts the value before it (Secrets Manager's AWSPREVIOUS) too while `accept_previous` is true (CloudFront takes minutes to deploy a change). See the README's \"Rotation\"."
  type        = number
  default     = 1

  validation {
    condition     = var.secret_version >= 1 && floor(var.secret_version) == var.secret_version
    error_message = "secret_version must be a whole number of at least 1."
  }
}

variable "accept_previous" {
  description = "Whether the authorizer also accepts the value before the last rotation (AWSPREVIOUS; default true, so that a rotation refuses no request while CloudFront deploys the new value). Set false once the distribution is deployed after a rotation that answers a leak."
  type        = bool
  default     = true
}

variable "result_ttl_seconds" {
  description = "How long API Gateway caches the authorizer's answer per header value (0-3600, default 300): the function runs about once per TTL for the distribution's traffic, and a wrong value's deny is cached too."
  type        = number
  default     = 300

  validation {
    condition     = var.result_ttl_seconds >= 0 && var.result_ttl_seconds <= 3600 && floor(var.result_ttl_seconds) == var.result_ttl_seconds
    error_message = "result_ttl_seconds must be a whole number of seconds from 0 to 3600."
  }
}

variable "lambda_package" {
  description = "The authorizer function's zip (`filename`, `source_code_hash`; a Go `bootstrap` for `provided.al2023`). Null (default) takes the `originverify` package built into the refarch provider."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
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

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the secret; the function gets `kms:Decrypt` on it through Secrets Manager only. Null (default): `aws/secretsmanager`."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<id>."
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

variable "tracing" {
  description = "AWS X-Ray active tracing on the function, with the role's X-Ray write permission (default true: a refused or failing request can be followed from API Gateway into the authorizer). False only for the local sandbox, whose Lambda does not keep the setting."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_topic_arn" {
  description = "SNS topic the function's error alarm notifies when the authorizer fails (alarm) and recovers (OK), e.g. the architecture's alarm topic (modules/alarm-topic). A failing authorizer turns every API call into a 500. Null (default): the alarm has no actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "alarm_treat_missing_data" {
  description = "How the error alarm treats periods without data (default `notBreaching`: no invocations, no errors). `missing` only for the local sandbox, whose alarms do not keep the setting."
  type        = string
  default     = "notBreaching"
  nullable    = false

  validation {
    condition     = contains(["notBreaching", "missing", "ignore", "breaching"], var.alarm_treat_missing_data)
    error_message = "alarm_treat_missing_data must be \"notBreaching\", \"missing\", \"ignore\" or \"breaching\"."
  }
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
