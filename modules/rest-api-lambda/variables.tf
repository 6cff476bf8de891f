variable "name" {
  description = "Name shared by the REST API, the Lambda function, its roles and log groups. 1-52 letters, digits, hyphens or underscores."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,52}$", var.name))
    error_message = "name must be 1-52 characters of letters, digits, '-' or '_' (it prefixes IAM role names such as <name>-apigw-logs, which AWS limits to 64)."
  }
}

variable "description" {
  description = "Description of the REST API and the function."
  type        = string
  default     = ""
}

variable "lambda_package" {
  description = "The function's deployment zip: `filename` (a local path) and `source_code_hash` (base64 SHA-256 of the zip), e.g. from the `refarch_lambda_package` data source. The zip holds a Go `bootstrap` for the `provided.al2023` runtime."
  type = object({
    filename         = string
    source_code_hash = string
  })
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

variable "environment" {
  description = "Environment variables of the function. Never put secrets here: they are visible to anyone who can read the function's configuration."
  type        = map(string)
  default     = {}
}

variable "memory_size" {
  description = "Memory of the function in MB, 128-10240."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout of the function in seconds, 1-29 (API Gateway stops waiting for an integration after 29 s)."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 29
    error_message = "timeout must be between 1 and 29 seconds: API Gateway's integration limit is 29 s."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; -1 (default) leaves it unreserved, 0 disables it."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or more."
  }
}

variable "policy_json" {
  description = "IAM policy document (JSON) with the extra permissions the function needs, e.g. access to its table. Attached inline to the function's own role; null adds nothing."
  type        = string
  default     = null
}

variable "routes" {
  description = "The API's routes: `method` (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY), `path` (e.g. `/todos/{id}`, up to 3 segments), `authorization` (`NONE`, `COGNITO_USER_POOLS` or `CUSTOM`; default `CUSTOM` when `request_authorizer` is set, else `COGNITO_USER_POOLS` when `cognito_user_pool_arns` is set, else `NONE`) and `cache_query_parameters` (query-string parameters that change a GET route's response, so they must be part of its stage cache key; default none). Every route is a Lambda proxy integration."
  type = list(object({
    method                 = string
    path                   = string
    authorization          = optional(string)
    cache_query_parameters = optional(list(string), [])
  }))

  validation {
    condition     = length(var.routes) > 0
    error_message = "routes must contain at least one route."
  }
  validation {
    condition     = alltrue([for r in var.routes : contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], r.method)])
    error_message = "Each route's method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY."
  }
  validation {
    condition     = alltrue([for r in var.routes : can(regex("^(/([A-Za-z0-9._-]+|\\{[A-Za-z0-9_]+\\+?\\})){1,3}$", r.path))])
    error_message = "Each route's path must start with '/', have 1-3 segments of letters, digits, '.', '_', '-' or a {parameter}, and no trailing slash."
  }
  validation {
    condition     = alltrue([for r in var.routes : r.authorization == null || contains(["NONE", "COGNITO_USER_POOLS", "CUSTOM"], coalesce(r.authorization, "NONE"))])
    error_message = "Each route's authorization must be \"NONE\", \"COGNITO_USER_POOLS\" or \"CUSTOM\"."
  }
  validation {
    condition     = alltrue(flatten([for r in var.routes : [for q in r.cache_query_parameters : can(regex("^[A-Za-z0-9._~-]+$", q))]]))
    error_message = "Each cache_query_parameters entry must be a query-string parameter name (letters, digits, '.', '_', '~' or '-')."
  }
}

variable "cognito_user_pool_arns" {
  description = "ARNs of Cognito user pools whose ID tokens the API accepts (a COGNITO_USER_POOLS authorizer reading the Authorization header). Empty (default) creates no authorizer."
  type        = list(string)
  default     = []
}

variable "request_authorizer" {
  description = "A Lambda REQUEST authorizer in front of every route (authorization `CUSTOM`, unless a route sets its own): `function_name` and `invoke_arn` of the authorizer function (the module lets only this authorizer of this API invoke it), `identity_sources` (request parameters such as `method.request.header.X-Origin-Verify`: API Gateway answers 401 without invoking the function when one is missing, and caches the function's answer by their values) and `result_ttl_seconds` (0-3600, default 300; the function's answer must then cover every method, as API Gateway reuses it for the whole API). The function returns an IAM policy that allows or denies `execute-api:Invoke`; the route's own function runs only when it allows. Null (default): no such authorizer. Not together with `cognito_user_pool_arns`."
  type = object({
    function_name      = string
    invoke_arn         = string
    identity_sources   = list(string)
    result_ttl_seconds = optional(number, 300)
  })
  default = null

  validation {
    condition     = var.request_authorizer == null || try(length(var.request_authorizer.identity_sources) > 0 && alltrue([for s in var.request_authorizer.identity_sources : can(regex("^(method\\.request\\.(header|querystring)\\.[A-Za-z0-9._-]+|stageVariables\\.[A-Za-z0-9_]+|context\\.[A-Za-z0-9_.]+)$", s))]), false)
    error_message = "request_authorizer.identity_sources must list at least one of method.request.header.<name>, method.request.querystring.<name>, stageVariables.<name> or context.<name>."
  }
  validation {
    condition     = var.request_authorizer == null || try(var.request_authorizer.result_ttl_seconds >= 0 && var.request_authorizer.result_ttl_seconds <= 3600 && floor(var.request_authorizer.result_ttl_seconds) == var.request_authorizer.result_ttl_seconds, false)
    error_message = "request_authorizer.result_ttl_seconds must be a whole number of seconds from 0 to 3600."
  }
}

variable "stage_name" {
  description = "Name of the API stage, which is also the first path segment of the invoke URL."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, '-' or '_'."
  }
}

variable "throttling" {
  description = "Stage-wide throttling (and CloudWatch metrics) for every method: `burst_limit` requests and `rate_limit` requests per second. Defaults (100, 50/s) protect the function and table from a runaway client; null applies no method settings (only for emulators without UpdateStage)."
  type = object({
    burst_limit = optional(number, 100)
    rate_limit  = optional(number, 50)
  })
  default = {}
}

variable "cache" {
  description = "Stage cache for GET routes: `enabled` (default false), `size` of the cache cluster in GB (`0.5` default, `1.6`, `6.1`, `13.5`, `28.4`, `58.2`, `118` or `237`; billed per hour while enabled, from about $0.02/h for 0.5 GB) and `ttl_seconds` (0-3600, default 300). Cached data is encrypted; each cached route's cache key holds its path parameters, its `cache_query_parameters` and, for authorized routes, the Authorization header, so users never see each other's responses. Responses are served from the cache until the TTL ends, even after a write."
  type = object({
    enabled     = optional(bool, false)
    size        = optional(string, "0.5")
    ttl_seconds = optional(number, 300)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"], var.cache.size)
    error_message = "cache.size must be one of \"0.5\", \"1.6\", \"6.1\", \"13.5\", \"28.4\", \"58.2\", \"118\" or \"237\" (GB)."
  }
  validation {
    condition     = var.cache.ttl_seconds >= 0 && var.cache.ttl_seconds <= 3600 && floor(var.cache.ttl_seconds) == var.cache.ttl_seconds
    error_message = "cache.ttl_seconds must be a whole number from 0 to 3600."
  }
}

variable "vpc" {
  description = "Run the function in a VPC (e.g. to reach a DAX cluster): `subnet_ids` (private subnets, ideally in two or more Availability Zones) and `security_group_ids`. The function then reaches AWS services only through those subnets' routes (NAT gateway or VPC endpoints, e.g. a DynamoDB gateway endpoint). Null (default): no VPC."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null

  validation {
    condition     = var.vpc == null || (length(try(var.vpc.subnet_ids, [])) > 0 && alltrue([for s in try(var.vpc.subnet_ids, []) : can(regex("^subnet-[0-9a-f]{8,17}$", s))]))
    error_message = "vpc.subnet_ids must hold at least one subnet ID, subnet-<hex>."
  }
  validation {
    condition     = var.vpc == null || (length(try(var.vpc.security_group_ids, [])) > 0 && alltrue([for s in try(var.vpc.security_group_ids, []) : can(regex("^sg-[0-9a-f]{8,17}$", s))]))
    error_message = "vpc.security_group_ids must hold at least one security group ID, sg-<hex>."
  }
}

variable "access_logs" {
  description = "Write API Gateway access logs to a CloudWatch log group (default true). Needs the account-level API Gateway CloudWatch role: see `manage_account_logging_role`."
  type        = bool
  default     = true
}

variable "manage_account_logging_role" {
  description = "Create the role API Gateway uses to write CloudWatch logs and set it in the region's API Gateway account settings (default false). That setting is one per account and region: let exactly one stack own it."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of the function's and the API's log groups in days; one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "tracing" {
  description = "AWS X-Ray active tracing on the function and the stage, with the role's X-Ray write permission (default true: a failing request can be followed from API Gateway into the function and what it calls; X-Ray bills per trace beyond its free tier). False only for the local sandbox, whose Lambda and API Gateway do not keep the setting."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_topic_arn" {
  description = "SNS topic the function's error alarm notifies when the function fails (alarm) and recovers (OK), e.g. the architecture's alarm topic (modules/alarm-topic). Null (default): the alarm has no actions."
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
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
