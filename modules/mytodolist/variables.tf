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
  description = "Protect the todos table and the user pool from deletion (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
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
  description = "Customer-managed KMS key for the table's encryption at rest; overrides `table_encryption`. Null (default) leaves the choice to `table_encryption`."
  type        = string
  default     = null
}

variable "api" {
  description = "API settings: `stage_name` (default `v1`), `throttling` (`burst_limit` default 100, `rate_limit` default 50 per second), `method_settings` (default true: apply the throttling and metrics; false only where the API is unavailable, the local sandbox), `authorizer` (default true: every route needs a valid ID token of the user pool; **false leaves every route open** and exists only for the local sandbox, which neither returns nor enforces the authorizer's user pools), `cache` (the stage cache for GET routes: `enabled` default false, `size` in GB default `0.5`, `ttl_seconds` default 300; cached per user: the Authorization header is in the cache key), `access_logs` (default true), `tracing` (X-Ray on the function and the stage, default true; false only for the local sandbox) and `manage_account_logging_role` (default false; see the rest-api-lambda module)."
  type = object({
    stage_name      = optional(string, "v1")
    throttling      = optional(object({ burst_limit = optional(number, 100), rate_limit = optional(number, 50) }), {})
    method_settings = optional(bool, true)
    authorizer      = optional(bool, true)
    cache = optional(object({
      enabled     = optional(bool, false)
      size        = optional(string, "0.5")
      ttl_seconds = optional(number, 300)
    }), {})
    access_logs                 = optional(bool, true)
    tracing                     = optional(bool, true)
    manage_account_logging_role = optional(bool, false)
  })
  default  = {}
  nullable = false
}

variable "auth" {
  description = "Cognito settings: `identity_pool` (default true: signed-in users get temporary credentials for their S3 folder), `allow_user_password_auth` (default false; add the USER_PASSWORD_AUTH flow for test harnesses), `security_settings` (default true: the hardening that is not Cognito's API default; false only for the local sandbox, see the cognito-auth module), `mfa_configuration` (`OPTIONAL` default, `ON` or `OFF`; TOTP apps), `user_pool_tier` (`ESSENTIALS` default, `LITE` or `PLUS`), `threat_protection` (`OFF` default, `AUDIT` or `ENFORCED`, needs `PLUS`), `email` (SES sender; null uses Cognito's, 50 e-mails a day), and token lifetimes `id_token_validity_minutes`, `access_token_validity_minutes` (60) and `refresh_token_validity_days` (30). See the cognito-auth module."
  type = object({
    identity_pool            = optional(bool, true)
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

variable "storage" {
  description = "Users' file bucket: `prefix` under which each identity gets its folder `<prefix><identity id>/` (default `private/`), `allowed_origins` for CORS (default none; native apps need none), `noncurrent_version_expiration_days` (30), `kms_key_arn` (null: SSE-S3; a key is also granted to the authenticated role), `force_destroy` (default false), `ownership_controls` and `lifecycle_rules` (default true; false only for the local sandbox, see the user-storage module) and `access_logs_bucket` (`bucket`, `prefix`; default off). See the user-storage module."
  type = object({
    prefix                             = optional(string, "private/")
    allowed_origins                    = optional(list(string), [])
    noncurrent_version_expiration_days = optional(number, 30)
    kms_key_arn                        = optional(string)
    force_destroy                      = optional(bool, false)
    ownership_controls                 = optional(bool, true)
    lifecycle_rules                    = optional(bool, true)
    access_logs_bucket = optional(object({
      bucket = string
      prefix = optional(string)
    }))
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.storage.prefix == "" || (endswith(var.storage.prefix, "/") && !startswith(var.storage.prefix, "/") && !can(regex("[*?$]", var.storage.prefix)))
    error_message = "storage.prefix must be empty or end with '/', must not start with '/', and must not contain '*', '?' or '$'."
  }
}

variable "dax" {
  description = "DynamoDB Accelerator in front of the table. DAX runs only inside a VPC, so it is built when `subnet_ids` is not empty (default empty: no DAX): `vpc_id` and `subnet_ids` (private subnets, one per AZ; the function joins them and needs a route to DynamoDB there, e.g. a gateway endpoint), `node_type` (`dax.t3.small`), `replication_factor` (3 nodes, over 3 AZs), `item_ttl_seconds` (300; writes through DAX refresh cached items at once) and `query_ttl_seconds` (5, short on purpose: DAX never refreshes cached query results on writes, so `GET /todos` can lag the user's own write by up to this long). The function gets `DAX_ENDPOINT` (`daxs://…`)."
  type = object({
    vpc_id             = optional(string)
    subnet_ids         = optional(list(string), [])
    node_type          = optional(string, "dax.t3.small")
    replication_factor = optional(number, 3)
    item_ttl_seconds   = optional(number, 300)
    query_ttl_seconds  = optional(number, 5)
  })
  default  = {}
  nullable = false

  validation {
    condition     = length(var.dax.subnet_ids) == 0 || var.dax.vpc_id != null
    error_message = "dax.vpc_id is required with dax.subnet_ids."
  }
}

variable "read_cache_ttl_seconds" {
  description = "Passed to the function as READ_CACHE_TTL (seconds) when set; null (default) leaves it unset and the function uses its own default."
  type        = number
  default     = null

  validation {
    condition     = var.read_cache_ttl_seconds == null || try(var.read_cache_ttl_seconds >= 0 && floor(var.read_cache_ttl_seconds) == var.read_cache_ttl_seconds, false)
    error_message = "read_cache_ttl_seconds must be a whole number of seconds, 0 or more."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's and the API's log groups in days (default 365)."
  type        = number
  default     = 365
}

variable "alarm_topic_arn" {
  description = "SNS topic that every alarm of the deployment notifies (alarm and OK): the API function's errors. Null (default): the module creates `<name>-alarms`, encrypted with its own KMS key (modules/alarm-topic); subscribe to the `alarm_topic_arn` output. A topic of your own must let CloudWatch publish (and use its KMS key)."
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
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
