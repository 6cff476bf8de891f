variable "name" {
  description = "Name prefix of every resource of this deployment. 1-40 lowercase letters, digits or hyphens, starting with a letter."
  type        = string
  default     = "myblog"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.name))
    error_message = "name must be 1-40 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "sender_address" {
  description = "E-mail address the welcome e-mails come from. The module creates its SES identity; AWS sends a verification link to it, and nothing is sent until it is clicked (while the account is in the SES sandbox, recipients must be verified too)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", var.sender_address))
    error_message = "sender_address must be a bare e-mail address such as blog@example.com."
  }
}

variable "site_name" {
  description = "Site name used in the welcome e-mail (SITE_NAME); null (default) uses `name`."
  type        = string
  default     = null
}

variable "architecture" {
  description = "Instruction set of the functions: `arm64` (default) or `x86_64`. Must match the packages."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "posts_api" {
  description = "Whether to build the public posts API (API Gateway → Lambda → DAX/DynamoDB, read-only) and serve it under the distribution at `/api/*`. Default `true`."
  type        = bool
  default     = true
}

variable "posts_lambda_package" {
  description = "The posts API function's deployment zip (`filename`, `source_code_hash`; a Go `bootstrap` for `provided.al2023`). Null (default) takes the `posts` package built into the refarch provider. The function gets TABLE_NAME (and DAX_ENDPOINT with DAX) and read-only access to the posts table."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
}

variable "posts_routes" {
  description = "Routes of the public posts API (no user authorization; reachable only through the distribution, see `origin_verify`), every one under `/api/` so that the distribution's `/api/*` behaviour reaches it unchanged. Default: `GET /api/posts` and `GET /api/posts/{id}`. The function's policy is read-only whatever the routes."
  type = list(object({
    method = string
    path   = string
  }))
  default = [
    { method = "GET", path = "/api/posts" },
    { method = "GET", path = "/api/posts/{id}" },
  ]

  validation {
    condition     = length(var.posts_routes) > 0 && alltrue([for r in var.posts_routes : startswith(r.path, "/api/")])
    error_message = "posts_routes must hold at least one route, and every path must start with \"/api/\"."
  }
}

variable "origin_verify" {
  description = "How the posts API refuses requests that did not come through the distribution (modules/origin-verify): the distribution adds the header `header_name` (default `X-Origin-Verify`) with a generated secret to every request to the API, and an API Gateway REQUEST authorizer lets through only requests carrying it — a direct call to the API gets 401 (no header) or 403 (wrong value) and never reaches the posts function. `secret_version` (default 1) rotates the secret when raised by one (a new random value in Secrets Manager, the old one kept as AWSPREVIOUS); `accept_previous` (default true) keeps the value before accepted while CloudFront deploys the new one (set false afterwards when rotating after a leak); `result_ttl_seconds` (0-3600, default 300) is how long API Gateway caches the authorizer's answer per header value."
  type = object({
    header_name        = optional(string, "X-Origin-Verify")
    secret_version     = optional(number, 1)
    accept_previous    = optional(bool, true)
    result_ttl_seconds = optional(number, 300)
  })
  default  = {}
  nullable = false
}

variable "origin_verify_lambda_package" {
  description = "The origin-verify authorizer's zip (`filename`, `source_code_hash`). Null (default) takes the `originverify` package built into the refarch provider."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
}

variable "welcome_lambda_package" {
  description = "The welcome function's zip (`filename`, `source_code_hash`). Null (default) takes the `welcome` package built into the refarch provider."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
}

variable "thumbnail_lambda_package" {
  description = "The thumbnail function's zip (`filename`, `source_code_hash`). Null (default) takes the `thumbnail` package built into the refarch provider."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
}

variable "default_root_object" {
  description = "Object the distribution returns for `/` (default `index.html`)."
  type        = string
  default     = "index.html"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-][A-Za-z0-9._/-]*$", var.default_root_object)) && !startswith(var.default_root_object, "/")
    error_message = "default_root_object must be an object key without a leading '/', such as index.html."
  }
}

variable "posts_replica_regions" {
  description = "Regions with a replica of the posts table (a DynamoDB global table, version 2019.11.21), for low-latency reads near readers. Default none. Must not contain the provider's region, which holds the table itself."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.posts_replica_regions : can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", r))])
    error_message = "posts_replica_regions must hold AWS region names such as eu-west-1 or us-east-2."
  }
  validation {
    condition     = length(distinct(var.posts_replica_regions)) == length(var.posts_replica_regions)
    error_message = "posts_replica_regions must not repeat a region."
  }
}

variable "point_in_time_recovery" {
  description = "Continuous backups (point-in-time recovery) of the users and posts tables (and replicas). Default true; turn off only where the API is unavailable (the local sandbox)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the users and posts tables (and their replicas) from deletion (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
  type        = bool
  default     = true
}

variable "table_encryption" {
  description = "Key for the tables' encryption at rest: `AWS_MANAGED` (default: the account's `aws/dynamodb` KMS key, auditable in CloudTrail) or `AWS_OWNED` (a key DynamoDB owns, no KMS charges). DynamoDB encrypts every table either way."
  type        = string
  default     = "AWS_MANAGED"

  validation {
    condition     = contains(["AWS_MANAGED", "AWS_OWNED"], var.table_encryption)
    error_message = "table_encryption must be \"AWS_MANAGED\" or \"AWS_OWNED\"."
  }
}

variable "dlq_kms_key_arn" {
  description = "Customer-managed KMS key for the welcome and thumbnail dead-letter queues (the functions get kms:GenerateDataKey and kms:Decrypt on it); null (default) uses SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.dlq_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]*:(key|alias)/.+$", var.dlq_kms_key_arn))
    error_message = "dlq_kms_key_arn must be a KMS key or alias ARN, arn:<partition>:kms:<region>:<account>:key/<id>."
  }
}

variable "queue_sse" {
  description = "Whether the welcome and thumbnail dead-letter queues are encrypted at rest (default `true`). Only for emulators without SQS encryption (the local sandbox returns no SqsManagedSseEnabled); never turn it off on AWS."
  type        = bool
  default     = true
  nullable    = false
}

variable "event_source_mappings" {
  description = "Whether Lambda polls the users table's stream for the welcome function (default `true`). Only for emulators that do not run event source mappings (the local sandbox's harness drives the stream itself, see the README); never turn it off on AWS."
  type        = bool
  default     = true
  nullable    = false
}

variable "welcome" {
  description = "Welcome e-mail stream processing: `batch_size` (records per invocation, 1-1000, default 10), `maximum_retry_attempts` (retries of a failing batch, 0-10000, default 3; after them the failed records' metadata goes to the dead-letter queue) and `reserved_concurrent_executions` (default null: unreserved; 0 stops the function)."
  type = object({
    batch_size                     = optional(number, 10)
    maximum_retry_attempts         = optional(number, 3)
    reserved_concurrent_executions = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.welcome.batch_size >= 1 && var.welcome.batch_size <= 1000 && floor(var.welcome.batch_size) == var.welcome.batch_size
    error_message = "welcome.batch_size must be a whole number from 1 to 1000."
  }
  validation {
    condition     = var.welcome.maximum_retry_attempts >= 0 && var.welcome.maximum_retry_attempts <= 10000 && floor(var.welcome.maximum_retry_attempts) == var.welcome.maximum_retry_attempts
    error_message = "welcome.maximum_retry_attempts must be a whole number from 0 to 10000."
  }
  validation {
    condition     = var.welcome.reserved_concurrent_executions == null || try(var.welcome.reserved_concurrent_executions >= 0 && floor(var.welcome.reserved_concurrent_executions) == var.welcome.reserved_concurrent_executions, false)
    error_message = "welcome.reserved_concurrent_executions must be null (unreserved) or a whole number of 0 or more."
  }
}

variable "thumbnails" {
  description = "Thumbnail generation: `uploads_prefix` (default `uploads/`; only objects under it trigger the function), `thumbnails_prefix` (default `thumbnails/`; must lie outside the uploads prefix so that thumbnails never trigger the function), `width` in pixels (default 200), `max_source_bytes` (default 20 MiB) and `max_source_pixels` (default 40 million; larger photos are skipped), `memory_size` (default 1024 MB; a photo whose decoding and resizing would take more than a third of it is skipped too, whatever its pixel count: at the 128 MB minimum an 8-bit PNG of more than about 10 megapixels, a 16-bit one of more than 4) and `timeout` (default 60 s); failure handling of the asynchronous S3 invocations: `maximum_retry_attempts` (0-2, default 2) and `maximum_event_age_seconds` (60-21600, default 21600, 6 hours) before an event goes to the thumbnail dead-letter queue, and `reserved_concurrent_executions` (default null: unreserved; a cap protects the account's concurrency from an upload burst, 0 stops the function)."
  type = object({
    uploads_prefix                 = optional(string, "uploads/")
    thumbnails_prefix              = optional(string, "thumbnails/")
    width                          = optional(number, 200)
    max_source_bytes               = optional(number, 20971520)
    max_source_pixels              = optional(number, 40000000)
    memory_size                    = optional(number, 1024)
    timeout                        = optional(number, 60)
    maximum_retry_attempts         = optional(number, 2)
    maximum_event_age_seconds      = optional(number, 21600)
    reserved_concurrent_executions = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for p in [var.thumbnails.uploads_prefix, var.thumbnails.thumbnails_prefix] : can(regex("^([A-Za-z0-9._-]+/)+$", p)) && !strcontains(p, "..")])
    error_message = "thumbnails.uploads_prefix and thumbnails.thumbnails_prefix must be path segments of letters, digits, '.', '_' or '-', each ending in '/' (such as \"uploads/\"), without \"..\"."
  }
  validation {
    condition     = !startswith(var.thumbnails.thumbnails_prefix, var.thumbnails.uploads_prefix) && !startswith(var.thumbnails.uploads_prefix, var.thumbnails.thumbnails_prefix)
    error_message = "thumbnails.thumbnails_prefix must lie outside thumbnails.uploads_prefix (and the other way round), or thumbnails would trigger the function again."
  }
  validation {
    condition     = var.thumbnails.memory_size >= 128 && var.thumbnails.memory_size <= 10240 && var.thumbnails.timeout >= 1 && var.thumbnails.timeout <= 900
    error_message = "thumbnails.memory_size must be 128-10240 MB and thumbnails.timeout 1-900 s."
  }
  validation {
    condition     = var.thumbnails.width >= 1 && var.thumbnails.max_source_bytes >= 1 && var.thumbnails.max_source_pixels >= 1
    error_message = "thumbnails.width, max_source_bytes and max_source_pixels must be positive."
  }
  validation {
    condition     = contains([0, 1, 2], var.thumbnails.maximum_retry_attempts) && var.thumbnails.maximum_event_age_seconds >= 60 && var.thumbnails.maximum_event_age_seconds <= 21600 && floor(var.thumbnails.maximum_event_age_seconds) == var.thumbnails.maximum_event_age_seconds
    error_message = "thumbnails.maximum_retry_attempts must be 0, 1 or 2 and thumbnails.maximum_event_age_seconds a whole number from 60 to 21600."
  }
  validation {
    condition     = var.thumbnails.reserved_concurrent_executions == null || try(var.thumbnails.reserved_concurrent_executions >= 0 && floor(var.thumbnails.reserved_concurrent_executions) == var.thumbnails.reserved_concurrent_executions, false)
    error_message = "thumbnails.reserved_concurrent_executions must be null (unreserved) or a whole number of 0 or more."
  }
}

variable "dax" {
  description = "DynamoDB Accelerator in front of the posts table (only with a posts API). DAX runs only inside a VPC, so it is built when `subnet_ids` is not empty (default empty: no DAX): `vpc_id` and `subnet_ids` (private subnets, one per AZ; the posts function joins them and needs a route to DynamoDB, e.g. a gateway endpoint), `node_type` (`dax.t3.small`), `replication_factor` (3), `item_ttl_seconds` (300) and `query_ttl_seconds` (60). The function gets `DAX_ENDPOINT` (`daxs://…`)."
  type = object({
    vpc_id             = optional(string)
    subnet_ids         = optional(list(string), [])
    node_type          = optional(string, "dax.t3.small")
    replication_factor = optional(number, 3)
    item_ttl_seconds   = optional(number, 300)
    query_ttl_seconds  = optional(number, 60)
  })
  default  = {}
  nullable = false

  validation {
    condition     = length(var.dax.subnet_ids) == 0 || var.dax.vpc_id != null
    error_message = "dax.vpc_id is required with dax.subnet_ids."
  }
}

variable "api" {
  description = "Posts API settings: `stage_name` (default `v1`), `throttling` (`burst_limit` default 100, `rate_limit` default 50 per second), `method_settings` (default true: apply the throttling and metrics; false only for the local sandbox), `access_logs` (default true), `tracing` (X-Ray on the function, the stage and the origin-verify authorizer, default true; false only for the local sandbox) and `manage_account_logging_role` (default false; see the rest-api-lambda module)."
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

variable "cdn" {
  description = "CloudFront settings: `price_class` (default `PriceClass_All`: the audience is global), `aliases` (alternate domain names) with `acm_certificate_arn` (a certificate in us-east-1 covering them; viewers then need TLS 1.2, policy TLSv1.2_2021) `access_logs_bucket` (`bucket_domain_name` of a log bucket with ACLs enabled, `prefix`) and `web_acl_arn` (an AWS WAF web ACL, scope CLOUDFRONT, created in us-east-1, in front of the distribution; default none). Standard access logs go by default (`access_logs`, true) to a log bucket this module creates (`cdn-log-bucket`: private, SSE-S3, TLS-only, ACLs only for log delivery, 365-day expiry); `access_logs_bucket` sends them to your bucket instead, `access_logs = false` turns them off."
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

variable "buckets" {
  description = "Site and uploads buckets: `force_destroy` (default false: destroy fails while objects remain), `noncurrent_version_expiration_days` of the versioned site bucket (30), and `ownership_controls` / `lifecycle_rules` (default true; false only for the local sandbox, which lacks the APIs)."
  type = object({
    force_destroy                      = optional(bool, false)
    ownership_controls                 = optional(bool, true)
    lifecycle_rules                    = optional(bool, true)
    noncurrent_version_expiration_days = optional(number, 30)
  })
  default  = {}
  nullable = false
}

variable "log_retention_days" {
  description = "Retention of the functions' and the API's log groups in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …, 3653)."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic that every alarm of the deployment notifies (alarm and OK): the dead-letter queues' (welcome, thumbnail) and the posts function's errors. Null (default): the module creates `<name>-alarms`, encrypted with its own KMS key (modules/alarm-topic); subscribe to the `alarm_topic_arn` output. A topic of your own must let CloudWatch publish (and use its KMS key)."
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

variable "event_invoke_configs" {
  description = "Whether the thumbnail function's asynchronous invocations get their retry limits and the dead-letter queue as on-failure destination (default `true`). Only for emulators without PutFunctionEventInvokeConfig (the local sandbox); never turn it off on AWS, where failed uploads would then be dropped after two retries."
  type        = bool
  default     = true
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
