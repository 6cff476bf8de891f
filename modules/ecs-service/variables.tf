variable "name" {
  description = "Name prefix of every resource of this service. 1-24 lowercase letters, digits or hyphens, starting with a letter (load balancer and target group names are limited to 32 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,23}$", var.name)) && !endswith(var.name, "-")
    error_message = "name must be 1-24 lowercase letters, digits or '-', starting with a letter and not ending with '-'."
  }
}

variable "vpc_id" {
  description = "VPC to run in (e.g. the `vpc_id` output of modules/vpc)."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC: the load balancer may reach targets only inside it."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr_block))
    error_message = "vpc_cidr_block must be an IPv4 CIDR block such as \"10.0.0.0/16\"."
  }
}

variable "public_subnet_ids" {
  description = "Subnets of the internet-facing load balancer, in at least two Availability Zones (`public_subnet_ids` of modules/vpc). With `internal = true`, pass private subnets."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An Application Load Balancer needs subnets in at least two Availability Zones: pass two or more public_subnet_ids (modules/vpc with az_count >= 2)."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets, in at least two Availability Zones, for the Fargate tasks (`private_subnet_ids` of modules/vpc). They need a route to ECR, CloudWatch Logs and DynamoDB (NAT gateway or VPC endpoints)."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "The service spreads its tasks over private subnets in at least two Availability Zones: pass two or more private_subnet_ids (modules/vpc with az_count >= 2)."
  }
}

variable "internal" {
  description = "Make the load balancer internal (reachable only inside the VPC, e.g. for service-to-service calls). Default false: internet-facing."
  type        = bool
  default     = false
}

variable "ingress_cidr_blocks" {
  description = "Client address ranges the load balancer accepts (default the internet; narrow it for an internal service)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.ingress_cidr_blocks : can(cidrnetmask(c))])
    error_message = "ingress_cidr_blocks must be IPv4 CIDR blocks such as \"203.0.113.0/24\"."
  }
}

variable "certificate_arn" {
  description = "ACM certificate (in the load balancer's region) for the HTTPS listener on 443 with `ssl_policy`; port 80 then only redirects to HTTPS (301). Required unless `allow_plain_http` is true."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>) in the load balancer's region."
  }
}

variable "allow_plain_http" {
  description = "Without `certificate_arn`, serve plain HTTP on port 80 (modules/alb). Default false: a certificate is required. True only where no certificate can exist (a demo, the local sandbox); requests and responses then travel unencrypted."
  type        = bool
  default     = false

  validation {
    condition     = var.certificate_arn != null || var.allow_plain_http
    error_message = "The load balancer needs certificate_arn (an ACM certificate for its HTTPS listener on 443); to serve plain HTTP on port 80 instead (demos and the local sandbox only), set allow_plain_http = true."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener (default TLS 1.3 with TLS 1.2 fallback)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "access_logs_bucket" {
  description = "S3 bucket (`bucket`, SSE-S3, with a policy that lets Elastic Load Balancing write) and `prefix` for the load balancer's access logs. Null turns them off; modules/microservices passes its log bucket."
  type = object({
    bucket = string
    prefix = optional(string)
  })
  default = null
}

variable "deletion_protection" {
  description = "Protect the load balancer and the DynamoDB table from deletion (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic the service's alarms notify when they fire (alarm) and recover (OK): the load balancer's 5xx answers and unhealthy targets (modules/alb). Null (default): the alarms have no actions; modules/microservices passes its alarm topic."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "alarm_treat_missing_data" {
  description = "How the alarms treat periods without data (default `notBreaching`: no requests, no errors). `missing` only for the local sandbox, whose alarms do not keep the setting."
  type        = string
  default     = "notBreaching"
  nullable    = false

  validation {
    condition     = contains(["notBreaching", "missing", "ignore", "breaching"], var.alarm_treat_missing_data)
    error_message = "alarm_treat_missing_data must be \"notBreaching\", \"missing\", \"ignore\" or \"breaching\"."
  }
}

variable "container" {
  description = "The service's container: `image` (e.g. apps/orders built with its Dockerfile and pushed to ECR), `port` (8080), `cpu` / `memory` (Fargate units: 256 / 512 by default; the pair must be one Fargate offers), `architecture` (`ARM64` default, or `X86_64`; must match the image), `user` (non-root `65532:65532` default, distroless' nonroot), `health_check_path` (`/healthz`, must answer 200) and extra `environment` (TABLE_NAME and PORT are added)."
  type = object({
    image             = string
    port              = optional(number, 8080)
    cpu               = optional(number, 256)
    memory            = optional(number, 512)
    architecture      = optional(string, "ARM64")
    user              = optional(string, "65532:65532")
    health_check_path = optional(string, "/healthz")
    environment       = optional(map(string), {})
  })

  validation {
    condition     = length(var.container.image) > 0 && !can(regex("\\s", var.container.image))
    error_message = "container.image must be an image reference such as \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.0\"."
  }
  validation {
    condition = contains([
      "256/512", "256/1024", "256/2048",
      "512/1024", "512/2048", "512/3072", "512/4096",
      "1024/2048", "1024/3072", "1024/4096", "1024/5120", "1024/6144", "1024/7168", "1024/8192",
      "2048/4096", "2048/5120", "2048/6144", "2048/7168", "2048/8192", "2048/9216", "2048/10240", "2048/11264", "2048/12288", "2048/13312", "2048/14336", "2048/15360", "2048/16384",
      "4096/8192", "4096/9216", "4096/10240", "4096/11264", "4096/12288", "4096/13312", "4096/14336", "4096/15360", "4096/16384", "4096/20480", "4096/24576", "4096/28672", "4096/32768",
    ], "${var.container.cpu}/${var.container.memory}")
    error_message = "container.cpu/memory must be a Fargate combination: 256 with 512-2048 MiB, 512 with 1024-4096, 1024 with 2048-8192, 2048 with 4096-16384, 4096 with 8192-32768 (1024 MiB steps; 256 also 512)."
  }
  validation {
    condition     = contains(["ARM64", "X86_64"], var.container.architecture)
    error_message = "container.architecture must be \"ARM64\" or \"X86_64\"."
  }
  validation {
    condition     = !contains(["0", "root"], split(":", var.container.user)[0])
    error_message = "container.user must not be root: give a numeric uid[:gid] such as \"65532:65532\"."
  }
  validation {
    condition     = var.container.port >= 1024 && var.container.port <= 65535 && floor(var.container.port) == var.container.port
    error_message = "container.port must be a whole number from 1024 to 65535 (the container runs as an unprivileged user)."
  }
  validation {
    condition     = startswith(var.container.health_check_path, "/")
    error_message = "container.health_check_path must start with '/'."
  }
}

variable "scaling" {
  description = "Service Auto Scaling (Application Auto Scaling target tracking): `min_tasks` (2, one per AZ at least), `max_tasks` (10), `cpu_target_percent` (average CPU, 50) and the optional `request_count_target` (ALB requests per target per minute)."
  type = object({
    min_tasks            = optional(number, 2)
    max_tasks            = optional(number, 10)
    cpu_target_percent   = optional(number, 50)
    request_count_target = optional(number)
  })
  default = {}

  validation {
    condition     = var.scaling.min_tasks >= 1 && var.scaling.max_tasks >= var.scaling.min_tasks && var.scaling.max_tasks <= 1000
    error_message = "scaling needs 1 <= min_tasks <= max_tasks <= 1000 (min_tasks >= 2 survives the loss of an Availability Zone)."
  }
  validation {
    condition     = var.scaling.cpu_target_percent >= 10 && var.scaling.cpu_target_percent <= 90
    error_message = "scaling.cpu_target_percent must be 10-90."
  }
  validation {
    condition     = var.scaling.request_count_target == null || try(var.scaling.request_count_target >= 1, false)
    error_message = "scaling.request_count_target must be at least 1 request per target per minute (or null)."
  }
}

variable "point_in_time_recovery" {
  description = "Continuous backups (point-in-time recovery) of the table. Default true; false only for the local sandbox (no UpdateContinuousBackups)."
  type        = bool
  default     = true
}

variable "table_encryption" {
  description = "Key for the table's encryption at rest when `kms_key_arn` is null: `AWS_MANAGED` (default, the account's aws/dynamodb key, auditable in CloudTrail) or `AWS_OWNED` (the local sandbox, which does not report KMS encryption)."
  type        = string
  default     = "AWS_MANAGED"

  validation {
    condition     = contains(["AWS_MANAGED", "AWS_OWNED"], var.table_encryption)
    error_message = "table_encryption must be \"AWS_MANAGED\" or \"AWS_OWNED\"."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the table and the log group (the key policy must let CloudWatch Logs use it). Null (default): AWS-managed keys."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the containers' log group in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "additional_policies" {
  description = "Extra inline IAM policies (name → JSON document) for the tasks' role (the task role), e.g. `{ publish-events = <modules/async-messaging's publish_policy_json> }` so the service may publish its events. Default none: the service gets only what it needs for its own data."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.additional_policies) : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", k))])
    error_message = "additional_policies keys are policy names: 1-64 letters, digits or +=,.@_-."
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Switches for the local sandbox only (internal/sandbox/profile_microservices.go names the missing kumo API for each).
# Keep the defaults on AWS.
# ---------------------------------------------------------------------------------------------------------------------

variable "container_insights" {
  description = "CloudWatch Container Insights on the cluster (default true; false only for the local sandbox, whose ECS ignores cluster settings and has no UpdateCluster)."
  type        = bool
  default     = true
}

variable "tasks" {
  description = "Register the task definition and run the ECS service with its Application Auto Scaling target and policies (default true; false only for the local sandbox, whose ECS has no DescribeTaskDefinition or DescribeServices and which offers no Application Auto Scaling — the harness runs the container's program itself)."
  type        = bool
  default     = true
}

variable "security_group_references" {
  description = "Allow traffic to the tasks only from the load balancer's security group (default true). False only for the local sandbox, whose EC2 keeps no security-group references in rules: the VPC CIDR block is used instead."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
