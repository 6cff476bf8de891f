variable "name_prefix" {
  description = "Prefix of the bucket's name (S3 adds a unique suffix); 1-37 lowercase letters, digits or '-'."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,36}$", var.name_prefix))
    error_message = "name_prefix must be 1-37 lowercase letters, digits or '-', starting with a letter or digit."
  }
}

variable "retention_days" {
  description = "Days after which access logs expire (default 365); 1 to 3650."
  type        = number
  default     = 365

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 3650 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number from 1 to 3650."
  }
}

variable "force_destroy" {
  description = "Let `destroy` delete the bucket with its logs (default false)."
  type        = bool
  default     = false
}

variable "ownership_controls" {
  description = "Set object ownership BucketOwnerPreferred, which CloudFront's log delivery needs (it writes with an ACL). Default true; off only where the API is missing (the local sandbox)."
  type        = bool
  default     = true
}

variable "lifecycle_rules" {
  description = "Expire logs after `retention_days` (default true; off only where the API is missing, the local sandbox)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
