variable "bucket_name" {
  description = "Exact name of the bucket (globally unique, 3-63 lowercase letters, digits, '-' or '.'). Null (default) generates a unique name from `bucket_prefix`."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit."
  }
}

variable "bucket_prefix" {
  description = "Prefix of the generated bucket name when `bucket_name` is null, 1-37 lowercase letters, digits or '-' (default `user-files-`)."
  type        = string
  default     = "user-files-"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,36}$", var.bucket_prefix))
    error_message = "bucket_prefix must be 1-37 lowercase letters, digits or '-', starting with a letter or digit (S3 appends 26 characters)."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for default encryption (SSE-KMS with an S3 bucket key). Null (default) uses SSE-S3 (AES-256 with keys S3 manages, no KMS charges). Whoever reads or writes objects then also needs kms:Decrypt / kms:GenerateDataKey on the key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key or alias ARN, arn:<partition>:kms:<region>:<account>:key/<id>."
  }
}

variable "allowed_origins" {
  description = "Origins allowed by CORS, e.g. `[\"https://app.example.com\"]`, for web or hybrid clients that call S3 from a browser engine (native iOS/Android HTTP clients need no CORS). Methods GET, PUT, POST, DELETE and HEAD; the `ETag` header is exposed (multipart uploads need it). Empty (default): no CORS configuration."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.allowed_origins : o == "*" || can(regex("^https?://[^/]+$", o))])
    error_message = "Each allowed origin must be scheme://host[:port] without a path (e.g. https://app.example.com), or \"*\"."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten or deleted object versions are removed for good, 1 or more (default 30): the window in which a user's accidental overwrite can be undone."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, 1 or more."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which unfinished multipart uploads are aborted and their parts deleted, 1 or more (default 7)."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number of days, 1 or more."
  }
}

variable "ownership_controls" {
  description = "Set object ownership to `BucketOwnerEnforced` (ACLs disabled) explicitly (default true). AWS applies that setting to every bucket created since April 2023, so false changes nothing on AWS; it exists for emulators without PutBucketOwnershipControls (the local sandbox)."
  type        = bool
  default     = true
}

variable "lifecycle_rules" {
  description = "Apply the lifecycle rules (default true): expire noncurrent versions after `noncurrent_version_expiration_days` and abort incomplete multipart uploads. False keeps old versions and upload parts forever (and bills them); only for emulators whose lifecycle read-back never matches (the local sandbox)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let `destroy` delete the bucket with every object and version in it (default false: destroying a bucket that holds user files fails)."
  type        = bool
  default     = false
}

variable "access_logs_bucket" {
  description = "S3 server access logging into an existing bucket: `bucket` (in the same account and region, accepting S3 log delivery) and `prefix` (default `s3/<bucket>/`). Null (default): no access logs; CloudTrail data events are the alternative."
  type = object({
    bucket = string
    prefix = optional(string)
  })
  default = null
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
