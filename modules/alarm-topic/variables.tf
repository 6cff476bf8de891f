variable "name" {
  description = "Name of the topic and of its KMS key's alias (`alias/<name>`), e.g. `<deployment>-alarms`. 1-200 letters, digits, hyphens or underscores."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "name must be 1-200 letters, digits, '-' or '_'."
  }
}

variable "kms_key_rotation" {
  description = "Yearly automatic rotation of the topic's KMS key (default true). False exists only for the local sandbox, whose KMS lacks EnableKeyRotation."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the topic's KMS key is deleted after `destroy`, 7-30 days (default 30)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30 && floor(var.kms_key_deletion_window_days) == var.kms_key_deletion_window_days
    error_message = "kms_key_deletion_window_days must be a whole number from 7 to 30."
  }
}

variable "tags" {
  description = "Tags for the topic and its key."
  type        = map(string)
  default     = {}
}
