variable "name" {
  description = "Name of the DAX cluster, its subnet and parameter groups, and prefix of its security group and IAM role (`<name>-dax`). 1-20 lowercase letters, digits or single hyphens, starting with a letter (DAX's limit)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name)) && !strcontains(var.name, "--") && !endswith(var.name, "-")
    error_message = "name must be 1-20 lowercase letters, digits or '-', start with a letter, and have no '--' and no trailing '-' (DAX cluster name rules)."
  }
}

variable "table_arns" {
  description = "ARNs of the DynamoDB tables the cluster caches. The cluster's role gets `dynamodb_actions` on these tables and their indexes, nothing else."
  type        = list(string)

  validation {
    condition     = length(var.table_arns) > 0 && alltrue([for a in var.table_arns : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{0,12}:table/[A-Za-z0-9_.-]{3,255}$", a))])
    error_message = "table_arns must hold at least one DynamoDB table ARN, arn:<partition>:dynamodb:<region>:<account>:table/<name>."
  }
}

variable "dynamodb_actions" {
  description = "DynamoDB actions the cluster may perform on the tables on its callers' behalf. Default: `DescribeTable` (DAX reads the key schema) and the single-item and query operations; add e.g. `dynamodb:BatchGetItem` or `dynamodb:Scan` only if your clients send them through DAX."
  type        = list(string)
  default = [
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
  ]

  validation {
    condition     = length(var.dynamodb_actions) > 0 && alltrue([for a in var.dynamodb_actions : can(regex("^dynamodb:[A-Za-z]+$", a))])
    error_message = "dynamodb_actions must be one or more dynamodb:<Action> names, without wildcards."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key of the tables, if any: the cluster's role then also gets kms:Decrypt and kms:GenerateDataKey on it. Null (default) for AWS-owned or AWS-managed keys."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the cluster (and of `subnet_ids`)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID, vpc-<hex>."
  }
}

variable "subnet_ids" {
  description = "Subnets of the cluster's nodes, ideally one per Availability Zone so that nodes spread across AZs (private subnets; DAX has no public endpoint)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must hold at least one subnet ID, subnet-<hex>."
  }
}

variable "client_security_group_ids" {
  description = "Security groups whose members may connect to the cluster (e.g. the Lambda function's). Only the DAX port is opened, only to them."
  type        = list(string)

  validation {
    condition     = length(var.client_security_group_ids) > 0 && alltrue([for s in var.client_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", s))])
    error_message = "client_security_group_ids must hold at least one security group ID, sg-<hex>."
  }
}

variable "endpoint_encryption" {
  description = "Encryption between clients and the cluster: `TLS` (default; port 9111, SDK URL `daxs://…`) or `NONE` (port 8111, `dax://…`). Fixed at creation: changing it replaces the cluster."
  type        = string
  default     = "TLS"

  validation {
    condition     = contains(["TLS", "NONE"], var.endpoint_encryption)
    error_message = "endpoint_encryption must be \"TLS\" or \"NONE\"."
  }
}

variable "node_type" {
  description = "Node type, e.g. `dax.t3.small` (default: the smallest, burstable), `dax.r5.large` for steady production load."
  type        = string
  default     = "dax.t3.small"

  validation {
    condition     = can(regex("^dax\\.[a-z0-9]+\\.[a-z0-9]+$", var.node_type))
    error_message = "node_type must look like dax.<family>.<size>, e.g. dax.t3.small or dax.r5.large."
  }
}

variable "replication_factor" {
  description = "Number of nodes, 1-10 (default 3: one primary and two read replicas). Use 3 or more in production: with fewer than 3 the cluster is not spread over three Availability Zones and an AZ outage can take the cache down."
  type        = number
  default     = 3

  validation {
    condition     = var.replication_factor >= 1 && var.replication_factor <= 10 && floor(var.replication_factor) == var.replication_factor
    error_message = "replication_factor must be a whole number from 1 to 10."
  }
}

variable "availability_zones" {
  description = "Availability Zones for the nodes; null (default) lets DAX spread them over the subnets' zones."
  type        = list(string)
  default     = null
}

variable "item_ttl_seconds" {
  description = "How long the item cache (GetItem results) keeps an item, in seconds (default 300; DAX's default). Writes through DAX update the item cache at once."
  type        = number
  default     = 300

  validation {
    condition     = var.item_ttl_seconds >= 0 && floor(var.item_ttl_seconds) == var.item_ttl_seconds
    error_message = "item_ttl_seconds must be a whole number of seconds, 0 or more (0: items are never expired by time)."
  }
}

variable "query_ttl_seconds" {
  description = "How long the query cache (Query and Scan results) keeps a result, in seconds (default 300; DAX's default). Writes do NOT update the query cache: a query can return stale results for up to this long."
  type        = number
  default     = 300

  validation {
    condition     = var.query_ttl_seconds >= 0 && floor(var.query_ttl_seconds) == var.query_ttl_seconds
    error_message = "query_ttl_seconds must be a whole number of seconds, 0 or more."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window, `ddd:hh24:mi-ddd:hh24:mi` in UTC (e.g. `sun:05:00-sun:06:00`); null (default) lets AWS pick."
  type        = string
  default     = null

  validation {
    condition     = var.maintenance_window == null || can(regex("^(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like sun:05:00-sun:06:00."
  }
}

variable "notification_topic_arn" {
  description = "SNS topic for cluster events; null (default) sends none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
