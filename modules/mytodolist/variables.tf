variable "name" {
  description = "Name prefix of every resource of this MyTodoList deployment. 1-40 lowercase letters, digits or hyphens, starting with a letter."
  type        = string
  default     = "mytodolist"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.name))
    error_message = "name must be 1-40 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "lambda_package" {
  description = "The todos function's deployment zip (`filename`, `source_code_hash`). Null (default) takes the package built into the refarch provider (data source `refarch_lambda_package`)."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
}

variable "architecture" {
  description = "Instruction set of the function: `arm64` (default) or `x86_64`."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "point_in_time_recovery" {
  description = "Continuous backups (point-in-time recovery) of the todos table. Default true; turn off only where the API is unavailable (the local sandbox)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the todos table from deletion (default false so that `destroy` works; set true in production)."
  type        = bool
  default     = false
}

variable "table_encryption" {
  description = "Key for the table's encryption at rest when `kms_key_arn` is null: `AWS_MANAGED` (default: the account's `aws/dynamodb` KMS key, auditable in CloudTrail) or `AWS_OWNED` (a key DynamoDB owns, no KMS charges). DynamoDB encrypts every table either way."
  type        = string
  default     = "AWS_MANAGED"

  validation {
    condition     = contains(["AWS_MANAGED", "AWS_OWNED"], var.table_encryption)
    error_message = "table_encryption must be \"AWS_MANAGED\" or \"AWS_OWNED\" (set kms_key_arn for a customer-managed key)."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the table's encryption at rest; overrides `table_encryption`. Null (default) leaves the choice to `table_encryption`."
  type        = string
  default     = null
}

variable "api" {
  description = "API settings: `stage_name` (default `v1`), `throttling` (`burst_limit` default 100, `rate_limit` default 50 per second), `method_settings` (default true: apply the throttling and metrics; false only where the API is unavailable, the local sandbox), `access_logs` (default true) and `manage_account_logging_role` (default false; see the rest-api-lambda module)."
  type = object({
    stage_name                  = optional(string, "v1")
    throttling                  = optional(object({ burst_limit = optional(number, 100), rate_limit = optional(number, 50) }), {})
    method_settings             = optional(bool, true)
    access_logs                 = optional(bool, true)
    manage_account_logging_role = optional(bool, false)
  })
  default = {}
}

variable "log_retention_days" {
  description = "Retention of the function's and the API's log groups in days (default 365)."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
