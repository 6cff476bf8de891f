variable "name" {
  description = "Name prefix of every resource of this service (API, function, table, cache, secret). 1-32 lowercase letters, digits or single hyphens, starting with a letter and not ending with a hyphen (ElastiCache's id rules; `<name>-cache` must fit its 40 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9]|-[a-z0-9]){0,31}$", var.name))
    error_message = "name must be 1-32 lowercase letters, digits or single hyphens, start with a letter and not end with a hyphen (ElastiCache replication group and user ids allow nothing else)."
  }
}

variable "lambda_package" {
  description = "The catalog function's deployment zip (`filename`, `source_code_hash`). Null (default) takes the `catalog` package built into the refarch provider (data source `refarch_lambda_package`)."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
}

variable "architecture" {
  description = "Instruction set of the function: `arm64` (default, cheaper per GB-second) or `x86_64`. Must match the package."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
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
  description = "Timeout of the function in seconds, 1-29 (default 10; API Gateway stops waiting after 29 s)."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 29
    error_message = "timeout must be between 1 and 29 seconds: API Gateway's integration limit is 29 s."
  }
}

variable "vpc" {
  description = "Where the function and the cache live: `vpc_id` and `subnet_ids` (private subnets in two or more Availability Zones, e.g. `private_subnet_ids` of the vpc module). The function reaches DynamoDB, Secrets Manager and CloudWatch Logs only through those subnets' routes: a NAT gateway, or VPC endpoints (DynamoDB gateway endpoint, `secretsmanager` interface endpoint) — `endpoint_security_group_ids` are extra security groups for the function, e.g. one your interface endpoints admit."
  type = object({
    vpc_id                      = string
    subnet_ids                  = list(string)
    endpoint_security_group_ids = optional(list(string), [])
  })

  validation {
    condition     = can(regex("^vpc-[0-9a-f][0-9a-f-]{7,}$", var.vpc.vpc_id))
    error_message = "vpc.vpc_id must be a VPC ID, vpc-<hex>."
  }
  validation {
    condition     = length(var.vpc.subnet_ids) >= 1 && alltrue([for s in var.vpc.subnet_ids : can(regex("^subnet-[0-9a-f][0-9a-f-]{7,}$", s))])
    error_message = "vpc.subnet_ids must hold at least one subnet ID, subnet-<hex> (private subnets; two or more for a Multi-AZ cache)."
  }
  validation {
    condition     = alltrue([for s in var.vpc.endpoint_security_group_ids : can(regex("^sg-[0-9a-f][0-9a-f-]{7,}$", s))])
    error_message = "vpc.endpoint_security_group_ids must be security group IDs, sg-<hex>."
  }
}

variable "lambda_in_vpc" {
  description = "Put the function into `vpc.subnet_ids` (default true), where it reaches the cache. false exists only for the local sandbox, whose EC2 ids (e.g. `subnet-06364d75-ea49-4e3`) fail the AWS id checks of a function's VPC configuration; never turn it off on AWS."
  type        = bool
  default     = true
  nullable    = false
}

variable "cache" {
  description = <<-EOT
    The ElastiCache replication group the function reads through: `engine` (`valkey` default, or `redis`),
    `engine_version` (valkey `7.2`, `8.0` (default), `8.1`; redis `7.0`, `7.1` — the versions with RBAC and `transit_encryption_mode`), `node_type` (default
    `cache.t4g.micro`), `num_cache_clusters` (primary + replicas, 1-6, default 2), `automatic_failover` and `multi_az`
    (default true, need 2+ clusters in 2+ subnets), `port` (6379), `snapshot_retention_days` (0-35, default 1),
    `maintenance_window` / `snapshot_window` (null: ElastiCache picks), `apply_immediately` (false), `ttl_seconds`
    (how long the function keeps an item, 1-86400, default 300) and `password_version` (bump it to give the function's
    cache user a new random password; the secret and the user change together). Always: encryption at rest (with
    `kms_key_arn` when given) and in transit (TLS required), RBAC with a user that may only read and write `catalog:*`
    keys, and a disabled `default` user.
  EOT
  type = object({
    engine                  = optional(string, "valkey")
    engine_version          = optional(string, "8.0")
    node_type               = optional(string, "cache.t4g.micro")
    num_cache_clusters      = optional(number, 2)
    automatic_failover      = optional(bool, true)
    multi_az                = optional(bool, true)
    port                    = optional(number, 6379)
    snapshot_retention_days = optional(number, 1)
    maintenance_window      = optional(string)
    snapshot_window         = optional(string)
    apply_immediately       = optional(bool, false)
    ttl_seconds             = optional(number, 300)
    password_version        = optional(number, 1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["valkey", "redis"], var.cache.engine)
    error_message = "cache.engine must be \"valkey\" or \"redis\"."
  }
  validation {
    condition     = contains(var.cache.engine == "valkey" ? ["7.2", "8.0", "8.1"] : ["7.0", "7.1"], var.cache.engine_version)
    error_message = "cache.engine_version must be one ElastiCache offers with RBAC and TLS: valkey 7.2, 8.0 or 8.1; redis 7.0 or 7.1 (major.minor; older versions lack transit_encryption_mode)."
  }
  validation {
    condition     = can(regex("^cache\\.[a-z0-9]+\\.[a-z0-9]+$", var.cache.node_type))
    error_message = "cache.node_type must be an ElastiCache node type such as cache.t4g.micro or cache.r7g.large."
  }
  validation {
    condition     = var.cache.num_cache_clusters >= 1 && var.cache.num_cache_clusters <= 6 && floor(var.cache.num_cache_clusters) == var.cache.num_cache_clusters
    error_message = "cache.num_cache_clusters must be a whole number from 1 to 6 (one primary, up to five replicas)."
  }
  validation {
    condition     = !(var.cache.automatic_failover || var.cache.multi_az) || var.cache.num_cache_clusters >= 2
    error_message = "cache.automatic_failover and cache.multi_az need num_cache_clusters >= 2 (a replica to fail over to); set both false for a single node."
  }
  validation {
    condition     = !var.cache.multi_az || var.cache.automatic_failover
    error_message = "cache.multi_az needs cache.automatic_failover = true (ElastiCache refuses Multi-AZ without it)."
  }
  validation {
    condition     = var.cache.port >= 1024 && var.cache.port <= 65535
    error_message = "cache.port must be between 1024 and 65535."
  }
  validation {
    condition     = var.cache.snapshot_retention_days >= 0 && var.cache.snapshot_retention_days <= 35
    error_message = "cache.snapshot_retention_days must be between 0 and 35."
  }
  validation {
    condition     = var.cache.ttl_seconds >= 1 && var.cache.ttl_seconds <= 86400 && floor(var.cache.ttl_seconds) == var.cache.ttl_seconds
    error_message = "cache.ttl_seconds must be a whole number from 1 to 86400."
  }
  validation {
    condition     = var.cache.password_version >= 1 && floor(var.cache.password_version) == var.cache.password_version
    error_message = "cache.password_version must be a whole number, 1 or more; increase it to rotate the password."
  }
}

variable "cache_endpoint_override" {
  description = "Use an existing Redis-compatible endpoint instead of creating the ElastiCache replication group (and its subnet group, security group and users): `address`, `port` (6379) and `tls` (default true). The function then connects with the credentials you put into the module's secret (`cache_secret_arn`) as JSON `{\"username\", \"password\"}`; without a value there it serves from the table only. Null (default) creates the replication group. The local sandbox sets it to a redis-server on loopback with `tls = false`: kumo has no ElastiCache subnet groups, users or data plane."
  type = object({
    address = string
    port    = optional(number, 6379)
    tls     = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.cache_endpoint_override == null || (try(length(var.cache_endpoint_override.address), 0) > 0 && try(var.cache_endpoint_override.port >= 1 && var.cache_endpoint_override.port <= 65535, false))
    error_message = "cache_endpoint_override needs a non-empty address and a port between 1 and 65535."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the cache's encryption at rest, the table and the cache user's secret; the function gets `kms:Decrypt` on it. Null (default): ElastiCache's default key, `table_encryption` for the table, `aws/secretsmanager` for the secret."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<id>."
  }
}

variable "table_encryption" {
  description = "Key for the items table's encryption at rest when `kms_key_arn` is null: `AWS_MANAGED` (default: the account's `aws/dynamodb` key, auditable in CloudTrail) or `AWS_OWNED`. DynamoDB encrypts every table either way."
  type        = string
  default     = "AWS_MANAGED"

  validation {
    condition     = contains(["AWS_MANAGED", "AWS_OWNED"], var.table_encryption)
    error_message = "table_encryption must be \"AWS_MANAGED\" or \"AWS_OWNED\"."
  }
}

variable "point_in_time_recovery" {
  description = "Continuous backups of the items table (default true); turn off only where the API is missing (the local sandbox)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the items table from deletion (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
  type        = bool
  default     = true
}

variable "api" {
  description = "API settings: `stage_name` (default `v1`), `throttling` (`burst_limit` 100, `rate_limit` 50/s), `method_settings` (default true: apply the throttling and metrics; false only for the local sandbox), `access_logs` (default true), `tracing` (X-Ray on the function and the stage, default true; false only for the local sandbox) and `manage_account_logging_role` (default false; see the rest-api-lambda module)."
  type = object({
    stage_name                  = optional(string, "v1")
    throttling                  = optional(object({ burst_limit = optional(number, 100), rate_limit = optional(number, 50) }), {})
    method_settings             = optional(bool, true)
    access_logs                 = optional(bool, true)
    tracing                     = optional(bool, true)
    manage_account_logging_role = optional(bool, false)
  })
  default  = {}
  nullable = false
}

variable "log_retention_days" {
  description = "Retention of the function's and the API's log groups in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "secret_recovery_window_days" {
  description = "Days Secrets Manager keeps the cache user's secret after `destroy` before deleting it: 0 (at once) or 7-30 (default 7)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic the function's error alarm notifies (alarm and OK), e.g. the architecture's alarm topic (modules/alarm-topic). Null (default): the alarm has no actions."
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
