variable "name" {
  description = "Name prefix of the deployment; the services are `<name>-a`, `<name>-b`, `<name>-c` and `<name>-events`. 1-20 lowercase letters, digits or hyphens, starting with a letter."
  type        = string
  default     = "microservices"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name)) && !endswith(var.name, "-")
    error_message = "name must be 1-20 lowercase letters, digits or '-', starting with a letter and not ending with '-' (the services' load balancer names add up to 12 characters)."
  }
}

variable "vpc" {
  description = "The shared VPC (modules/vpc): `cidr_block` (10.0.0.0/16), `az_count` (2-6, default 2), `availability_zones` (null: the region's first), `nat_gateway` (`single` default, `per_az` for production, `none` with endpoints only), `gateway_endpoints` (s3, dynamodb), `interface_endpoints` (e.g. secretsmanager, ssm, logs) and `flow_logs` (true). Ignored when `network` is set."
  type = object({
    cidr_block          = optional(string, "10.0.0.0/16")
    az_count            = optional(number, 2)
    availability_zones  = optional(list(string))
    nat_gateway         = optional(string, "single")
    gateway_endpoints   = optional(list(string), ["s3", "dynamodb"])
    interface_endpoints = optional(list(string), [])
    flow_logs           = optional(bool, true)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.vpc.az_count >= 2 && var.vpc.az_count <= 6 && floor(var.vpc.az_count) == var.vpc.az_count
    error_message = "vpc.az_count must be 2-6: the load balancers, the database subnet group and the Multi-AZ cache need at least two Availability Zones."
  }
  validation {
    condition     = can(cidrnetmask(var.vpc.cidr_block)) && tonumber(split("/", var.vpc.cidr_block)[1]) >= 16 && tonumber(split("/", var.vpc.cidr_block)[1]) <= 24
    error_message = "vpc.cidr_block must be an IPv4 CIDR block from /16 to /24, such as \"10.0.0.0/16\"; pick one that does not overlap networks you peer or connect with."
  }
}

variable "network" {
  description = "Deploy into an existing network instead of creating the VPC: `vpc_id`, `vpc_cidr_block` and `public_subnet_ids` / `private_subnet_ids` in two or more Availability Zones (private ones with a route to AWS APIs). Null (default) creates it with modules/vpc."
  type = object({
    vpc_id             = string
    vpc_cidr_block     = string
    public_subnet_ids  = list(string)
    private_subnet_ids = list(string)
  })
  default = null

  validation {
    condition     = var.network == null || try(length(var.network.public_subnet_ids) >= 2 && length(var.network.private_subnet_ids) >= 2, false)
    error_message = "network needs at least two public and two private subnets, in different Availability Zones (the load balancers and the database subnet group require two AZs)."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listeners (443) of services A and C (one covering both host names); port 80 then only redirects. Required unless `allow_plain_http` is true."
  type        = string
  default     = null
}

variable "allow_plain_http" {
  description = "Without `certificate_arn`, let services A and C serve plain HTTP on port 80 (modules/alb). Default false: a certificate is required. True only where no certificate can exist (a demo, the local sandbox); requests and responses then travel unencrypted."
  type        = bool
  default     = false

  validation {
    condition     = var.certificate_arn != null || var.allow_plain_http
    error_message = "The load balancers need certificate_arn (an ACM certificate for their HTTPS listeners on 443); to serve plain HTTP on port 80 instead (demos and the local sandbox only), set allow_plain_http = true."
  }
}

variable "service_a" {
  description = "Service A (modules/ecs-service, ALB → ECS Fargate → DynamoDB): `image` (the orders image, apps/orders/Dockerfile, in ECR), `cpu` / `memory` (256 / 512), `architecture` (ARM64), `min_tasks` (2), `max_tasks` (10), `cpu_target_percent` (50) and `request_count_target` (null)."
  type = object({
    image                = string
    cpu                  = optional(number, 256)
    memory               = optional(number, 512)
    architecture         = optional(string, "ARM64")
    min_tasks            = optional(number, 2)
    max_tasks            = optional(number, 10)
    cpu_target_percent   = optional(number, 50)
    request_count_target = optional(number)
  })
}

variable "service_b" {
  description = "Service B (modules/lambda-cache-service, API Gateway → Lambda → ElastiCache): `lambda_package` (null: the provider's `catalog` package), `cache_node_type` (cache.t4g.micro), `cache_nodes` (2: primary and replica, Multi-AZ) and `ttl_seconds` (300)."
  type = object({
    lambda_package = optional(object({
      filename         = string
      source_code_hash = string
    }))
    cache_node_type = optional(string, "cache.t4g.micro")
    cache_nodes     = optional(number, 2)
    ttl_seconds     = optional(number, 300)
  })
  default  = {}
  nullable = false
}

variable "service_c" {
  description = "Service C (modules/asg-rds-service, ALB → EC2 Auto Scaling → RDS for PostgreSQL): `artifact_s3_uri` (s3://… of the orders binary for the instances' architecture), `instance_type` (t4g.small), `min_size` (2), `max_size` (6), `engine_version` (\"17\"), `instance_class` (db.t4g.micro), `multi_az` (false; true for production), `performance_insights` (false) and `final_snapshot` (true)."
  type = object({
    artifact_s3_uri      = string
    instance_type        = optional(string, "t4g.small")
    min_size             = optional(number, 2)
    max_size             = optional(number, 6)
    engine_version       = optional(string, "17")
    instance_class       = optional(string, "db.t4g.micro")
    multi_az             = optional(bool, false)
    performance_insights = optional(bool, false)
    final_snapshot       = optional(bool, true)
  })
}

variable "messaging" {
  description = "Asynchronous patterns between the services (modules/async-messaging): an SNS topic `<name>-events` fanned out to the SQS queues `fulfilment` (consumed by a Lambda function) and `analytics` (events of type order.created only), each with a DLQ after `max_receive_count` (5) receives; `kinesis` (false) adds a Kinesis stream consumed by the same function; `reserved_concurrent_executions` caps that function (default -1: unreserved)."
  type = object({
    max_receive_count              = optional(number, 5)
    kinesis                        = optional(bool, false)
    reserved_concurrent_executions = optional(number, -1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.messaging.reserved_concurrent_executions >= -1 && floor(var.messaging.reserved_concurrent_executions) == var.messaging.reserved_concurrent_executions
    error_message = "messaging.reserved_concurrent_executions must be -1 (unreserved) or a whole number of 0 or more."
  }
}

variable "access_logs" {
  description = "Write both load balancers' access logs to an S3 bucket the module creates (SSE-S3, TLS only, public access blocked, expiring after `access_logs_retention_days`). Default true."
  type        = bool
  default     = true
}

variable "access_logs_retention_days" {
  description = "Days the load balancers' access logs are kept (default 90)."
  type        = number
  default     = 90

  validation {
    condition     = var.access_logs_retention_days >= 1
    error_message = "access_logs_retention_days must be 1 or more."
  }
}

variable "access_logs_force_destroy" {
  description = "Let `destroy` delete the access-log bucket with its logs (default false: destroy fails while logs remain; true only for disposable deployments such as the example)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the load balancers, tables and the database from deletion (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of every log group in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365
}

variable "alarm_topic_arn" {
  description = "SNS topic that every alarm of the deployment notifies (alarm and OK): the events' dead-letter queues and stream failure queue, service B's function errors, services A's and C's load balancers (5xx answers, unhealthy targets). Null (default): the module creates `<name>-alarms`, encrypted with its own KMS key (modules/alarm-topic); subscribe to the `alarm_topic_arn` output. A topic of your own must let CloudWatch publish (and use its KMS key)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------------------------------
# Switches for the local sandbox only, passed to the services (internal/sandbox/profile_microservices.go names the
# missing kumo API for each). Keep the defaults on AWS.
# ---------------------------------------------------------------------------------------------------------------------

variable "sandbox" {
  description = "Local-sandbox switches (never set them on AWS): `point_in_time_recovery`, `table_encryption` (`AWS_MANAGED`), `container_insights`, `ecs_tasks`, `ec2_compute`, `rds_instance`, `manage_master_user_password`, `security_group_references`, `ssm_managed_policy`, `bucket_ownership_controls`, `bucket_lifecycle_rules`, `lambda_in_vpc`, `api_stage_settings`, `cache_endpoint_override` (address/port/tls of a Redis the harness runs), `queue_sse`, `kms_key_rotation`, `events_table_encryption` (`KMS`), `dlq_alarms`, `alarm_treat_missing_data` (`notBreaching`, every alarm), `tracing` (service B's X-Ray tracing) and `batch_item_failures` — see each service module's variable of the same meaning."
  type = object({
    point_in_time_recovery      = optional(bool, true)
    table_encryption            = optional(string, "AWS_MANAGED")
    container_insights          = optional(bool, true)
    ecs_tasks                   = optional(bool, true)
    ec2_compute                 = optional(bool, true)
    rds_instance                = optional(bool, true)
    manage_master_user_password = optional(bool, true)
    security_group_references   = optional(bool, true)
    ssm_managed_policy          = optional(bool, true)
    bucket_ownership_controls   = optional(bool, true)
    bucket_lifecycle_rules      = optional(bool, true)
    lambda_in_vpc               = optional(bool, true)
    api_stage_settings          = optional(bool, true)
    cache_endpoint_override = optional(object({
      address = string
      port    = optional(number, 6379)
      tls     = optional(bool, true)
    }))
    queue_sse                = optional(bool, true)
    kms_key_rotation         = optional(bool, true)
    events_table_encryption  = optional(string, "KMS")
    dlq_alarms               = optional(bool, true)
    alarm_treat_missing_data = optional(string, "notBreaching")
    tracing                  = optional(bool, true)
    batch_item_failures      = optional(bool, true)
  })
  default  = {}
  nullable = false
}
