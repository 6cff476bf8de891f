variable "name" {
  description = "Name prefix of every resource of this deployment. 1-40 lowercase letters, digits or hyphens, starting with a letter."
  type        = string
  default     = "paid-content"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.name))
    error_message = "name must be 1-40 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "lambda_package" {
  description = "The premium function's deployment zip (`filename`, `source_code_hash`). Null (default) takes the package built into the refarch provider (data source `refarch_lambda_package`)."
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

variable "video_prefix" {
  description = "Key prefix of the videos in the bucket (default `videos/`): `GET /videos/{id}/url` signs `<content URL>/<prefix><id>`, and the distribution may read only objects under it."
  type        = string
  default     = "videos/"

  validation {
    condition     = can(regex("^([A-Za-z0-9._-]+/)+$", var.video_prefix)) && !strcontains(var.video_prefix, "..")
    error_message = "video_prefix must be path segments of letters, digits, '.', '_' or '-', each ending in '/' (such as \"videos/\"), without \"..\"."
  }
}

variable "url_ttl_minutes" {
  description = "Lifetime of a signed URL in minutes, 1-720 (default 5: links are short-lived; a player must start the download within it)."
  type        = number
  default     = 5

  validation {
    condition     = var.url_ttl_minutes >= 1 && var.url_ttl_minutes <= 720 && floor(var.url_ttl_minutes) == var.url_ttl_minutes
    error_message = "url_ttl_minutes must be a whole number from 1 to 720."
  }
}

variable "point_in_time_recovery" {
  description = "Continuous backups (point-in-time recovery) of the premium users table. Default true; turn off only where the API is unavailable (the local sandbox)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the premium users table and the user pool from deletion (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
  type        = bool
  default     = true
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
  description = "Customer-managed KMS key for the premium users table and the signing key's secret; the function gets `kms:Decrypt` on it. Null (default): `table_encryption` for the table, `aws/secretsmanager` for the secret. The video bucket always uses SSE-S3 (see the README)."
  type        = string
  default     = null
}

variable "signing_key" {
  description = "The CloudFront signing key pair (`refarch_signed_url_keypair`): `rotation` (any string; changing it rotates the key, default null), `rotation_grace_period` (how long the previous public key stays trusted, default `24h`; keep it above `url_ttl_minutes` plus the function's one-minute key cache) and `secret_recovery_window_days` (0 or 7-30, default 7)."
  type = object({
    rotation                    = optional(string)
    rotation_grace_period       = optional(string, "24h")
    secret_recovery_window_days = optional(number, 7)
  })
  default  = {}
  nullable = false
}

variable "cdn" {
  description = "CloudFront settings: `price_class` (default `PriceClass_All`: the audience is global; `PriceClass_100` or `PriceClass_200` cost less), `aliases` (alternate domain names; the first is the host of the signed URLs) with `acm_certificate_arn` (a certificate in us-east-1 covering them; viewers then need TLS 1.2, policy TLSv1.2_2021), `access_logs` (default true: standard access logs under `cloudfront/` in a log bucket this module creates, see cdn-log-bucket), `access_logs_bucket` (`bucket_domain_name` of your own log bucket with ACLs enabled, `prefix`; replaces that bucket) and `web_acl_arn` (an AWS WAF web ACL, scope CLOUDFRONT, created in us-east-1, in front of the distribution; default none)."
  type = object({
    price_class         = optional(string, "PriceClass_All")
    aliases             = optional(list(string), [])
    acm_certificate_arn = optional(string)
    access_logs_bucket = optional(object({
      bucket_domain_name = string
      prefix             = optional(string, "cloudfront/")
    }))
    web_acl_arn = optional(string)
    access_logs = optional(bool, true)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["PriceClass_All", "PriceClass_200", "PriceClass_100"], var.cdn.price_class)
    error_message = "cdn.price_class must be \"PriceClass_All\", \"PriceClass_200\" or \"PriceClass_100\"."
  }
  validation {
    condition     = length(var.cdn.aliases) == 0 || var.cdn.acm_certificate_arn != null
    error_message = "cdn.aliases need cdn.acm_certificate_arn (an ACM certificate in us-east-1 covering them)."
  }
  validation {
    condition     = var.cdn.access_logs_bucket == null || can(regex("\\.s3\\.amazonaws\\.com$", var.cdn.access_logs_bucket.bucket_domain_name))
    error_message = "cdn.access_logs_bucket.bucket_domain_name must be a bucket's domain name, <bucket>.s3.amazonaws.com."
  }
  validation {
    condition     = var.cdn.web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/[^/]+/[^/]+$", var.cdn.web_acl_arn))
    error_message = "cdn.web_acl_arn must be the ARN of a WAFv2 web ACL with scope CLOUDFRONT (created in us-east-1), arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>."
  }
}

variable "bucket" {
  description = "Video bucket: `force_destroy` (default false: destroy fails while videos remain), `noncurrent_version_expiration_days` (30), and `ownership_controls` / `lifecycle_rules` (default true; false only for the local sandbox, which lacks the APIs)."
  type = object({
    force_destroy                      = optional(bool, false)
    ownership_controls                 = optional(bool, true)
    lifecycle_rules                    = optional(bool, true)
    noncurrent_version_expiration_days = optional(number, 30)
  })
  default  = {}
  nullable = false
}

variable "api" {
  description = "API settings: `stage_name` (default `v1`), `throttling` (`burst_limit` default 100, `rate_limit` default 50 per second), `method_settings` (default true: apply the throttling and metrics; false only for the local sandbox), `authorizer` (default true: the route needs a valid ID token of the user pool at API Gateway; false exists only for the local sandbox, the function still verifies the token), `access_logs` (default true), `tracing` (X-Ray on the function and the stage, default true; false only for the local sandbox) and `manage_account_logging_role` (default false; see the rest-api-lambda module)."
  type = object({
    stage_name                  = optional(string, "v1")
    throttling                  = optional(object({ burst_limit = optional(number, 100), rate_limit = optional(number, 50) }), {})
    method_settings             = optional(bool, true)
    authorizer                  = optional(bool, true)
    access_logs                 = optional(bool, true)
    tracing                     = optional(bool, true)
    manage_account_logging_role = optional(bool, false)
  })
  default  = {}
  nullable = false
}

variable "auth" {
  description = "Cognito settings: `allow_user_password_auth` (default false; add the USER_PASSWORD_AUTH flow for test harnesses), `security_settings` (default true: the hardening that is not Cognito's API default; false only for the local sandbox, see the cognito-auth module), `mfa_configuration` (`OPTIONAL` default, `ON` or `OFF`; TOTP apps), `user_pool_tier` (`ESSENTIALS` default, `LITE` or `PLUS`), `threat_protection` (`OFF` default, `AUDIT` or `ENFORCED`, needs `PLUS`), `email` (SES sender; null uses Cognito's, 50 e-mails a day), and token lifetimes `id_token_validity_minutes`, `access_token_validity_minutes` (60) and `refresh_token_validity_days` (30). See the cognito-auth module."
  type = object({
    allow_user_password_auth = optional(bool, false)
    security_settings        = optional(bool, true)
    mfa_configuration        = optional(string, "OPTIONAL")
    user_pool_tier           = optional(string, "ESSENTIALS")
    threat_protection        = optional(string, "OFF")
    email = optional(object({
      source_arn   = string
      from_address = optional(string)
    }))
    id_token_validity_minutes     = optional(number, 60)
    access_token_validity_minutes = optional(number, 60)
    refresh_token_validity_days   = optional(number, 30)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.auth.mfa_configuration)
    error_message = "auth.mfa_configuration must be \"OFF\", \"OPTIONAL\" or \"ON\"."
  }
  validation {
    condition     = var.auth.threat_protection == "OFF" || var.auth.user_pool_tier == "PLUS"
    error_message = "auth.threat_protection (AUDIT or ENFORCED) needs auth.user_pool_tier = \"PLUS\"."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's and the API's log groups in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365
}

variable "alarm_topic_arn" {
  description = "SNS topic that every alarm of the deployment notifies (alarm and OK): the signed-URL function's errors. Null (default): the module creates `<name>-alarms`, encrypted with its own KMS key (modules/alarm-topic); subscribe to the `alarm_topic_arn` output. A topic of your own must let CloudWatch publish (and use its KMS key)."
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
