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
  description = "CIDR block of the VPC: the load balancer may reach targets and the instances the database only inside it."
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
  description = "Private subnets, in at least two Availability Zones, for the instances and the database (`private_subnet_ids` of modules/vpc). They need a route to Systems Manager, Secrets Manager and S3 (NAT gateway or VPC endpoints)."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "The Auto Scaling group and the RDS subnet group need private subnets in at least two Availability Zones: pass two or more private_subnet_ids (modules/vpc with az_count >= 2)."
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
  description = "Protect the load balancer and the database from deletion (default true: `destroy` fails until it is set false and applied; false only for disposable deployments such as the examples and the sandbox)."
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

variable "app" {
  description = "The service's program: `artifact_s3_uri` (s3://bucket/key of a Linux binary, e.g. apps/orders built with GOOS=linux and the instances' GOARCH; instances download it at boot), `port` it listens on (8080), `health_check_path` (`/healthz`, must answer 200) and extra `environment` variables (the database settings are added)."
  type = object({
    artifact_s3_uri   = string
    port              = optional(number, 8080)
    health_check_path = optional(string, "/healthz")
    environment       = optional(map(string), {})
  })

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$", var.app.artifact_s3_uri))
    error_message = "app.artifact_s3_uri must be an S3 object URI such as \"s3://my-artifacts/orders/orders-arm64\"."
  }
  validation {
    condition     = var.app.port >= 1024 && var.app.port <= 65535 && floor(var.app.port) == var.app.port
    error_message = "app.port must be a whole number from 1024 to 65535 (the service runs as an unprivileged user)."
  }
  validation {
    condition     = startswith(var.app.health_check_path, "/")
    error_message = "app.health_check_path must start with '/'."
  }
}

variable "instances" {
  description = "EC2 Auto Scaling group: `instance_type` (default `t4g.small`, Graviton; current-generation T, M, C, R families), `ami_id` (null: the latest Amazon Linux 2023 for the type's architecture, from the public SSM parameter), `min_size` (2), `max_size` (6), `root_volume_gb` (20, gp3, encrypted), `cpu_target_percent` (target tracking on average CPU, 50) and `request_count_target` (optional second target: ALB requests per target per minute)."
  type = object({
    instance_type        = optional(string, "t4g.small")
    ami_id               = optional(string)
    min_size             = optional(number, 2)
    max_size             = optional(number, 6)
    root_volume_gb       = optional(number, 20)
    cpu_target_percent   = optional(number, 50)
    request_count_target = optional(number)
  })
  default = {}

  validation {
    condition     = can(regex("^(t3|t3a|t4g|m6i|m6g|m7i|m7g|m7a|m8g|c6i|c6g|c7i|c7g|c7a|c8g|r6i|r6g|r7i|r7g|r8g)\\.(nano|micro|small|medium|large|xlarge|2xlarge|4xlarge|8xlarge|12xlarge|16xlarge)$", var.instances.instance_type))
    error_message = "instances.instance_type must be a current-generation T, M, C or R type such as \"t4g.small\", \"m7g.large\" or \"c7i.xlarge\" (families t3, t3a, t4g, m6i/g, m7i/g/a, m8g, c6i/g, c7i/g/a, c8g, r6i/g, r7i/g, r8g)."
  }
  validation {
    condition     = !(can(regex("^t", var.instances.instance_type)) && can(regex("(8|12|16)xlarge$", var.instances.instance_type))) && !(can(regex("^[mcr]", var.instances.instance_type)) && can(regex("\\.(nano|micro|small)$", var.instances.instance_type)))
    error_message = "That size does not exist in that family: T types go from nano to 2xlarge, M, C and R types start at medium (c7g.medium, m7g.medium, r7g.medium) or large."
  }
  validation {
    condition     = var.instances.min_size >= 1 && var.instances.max_size >= var.instances.min_size && var.instances.max_size <= 100
    error_message = "instances need 1 <= min_size <= max_size <= 100 (use min_size >= 2 to survive the loss of an Availability Zone)."
  }
  validation {
    condition     = var.instances.root_volume_gb >= 8 && var.instances.root_volume_gb <= 1024
    error_message = "instances.root_volume_gb must be 8-1024 (Amazon Linux 2023 needs at least 8 GiB)."
  }
  validation {
    condition     = var.instances.cpu_target_percent >= 10 && var.instances.cpu_target_percent <= 90
    error_message = "instances.cpu_target_percent must be 10-90."
  }
  validation {
    condition     = var.instances.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.instances.ami_id))
    error_message = "instances.ami_id must be an AMI id such as \"ami-0123456789abcdef0\"."
  }
}

variable "database" {
  description = "RDS for PostgreSQL: `engine_version` (\"17\" picks the newest 17.x; or e.g. \"16.8\"), `instance_class` (`db.t4g.micro`), `allocated_storage_gb` (20, gp3, encrypted) growing up to `max_allocated_storage_gb` (100), `multi_az` (false; true for production: a standby in a second AZ), `backup_retention_days` (7, 1-35), `performance_insights` (false), `db_name` (`orders`), `username` of the master user (`orders_admin`; its password is created and rotated by RDS in Secrets Manager), `kms_key_arn` (customer-managed key for storage, the secret and Performance Insights; null: AWS-managed keys) and `final_snapshot` (true: destroy keeps a snapshot `<name>-db-final`)."
  type = object({
    engine_version           = optional(string, "17")
    instance_class           = optional(string, "db.t4g.micro")
    allocated_storage_gb     = optional(number, 20)
    max_allocated_storage_gb = optional(number, 100)
    multi_az                 = optional(bool, false)
    backup_retention_days    = optional(number, 7)
    performance_insights     = optional(bool, false)
    db_name                  = optional(string, "orders")
    username                 = optional(string, "orders_admin")
    kms_key_arn              = optional(string)
    final_snapshot           = optional(bool, true)
  })
  default = {}

  validation {
    condition     = can(regex("^(13|14|15|16|17|18)(\\.[0-9]{1,2})?$", var.database.engine_version))
    error_message = "database.engine_version must be a PostgreSQL version RDS offers: a major version 13-18 (\"17\" picks the newest minor) or major.minor such as \"16.8\". List them with `aws rds describe-db-engine-versions --engine postgres --query 'DBEngineVersions[].EngineVersion'`."
  }
  validation {
    condition     = can(regex("^db\\.(t3|t4g)\\.(micro|small|medium|large|xlarge|2xlarge)$", var.database.instance_class)) || can(regex("^db\\.(m5|m6i|m6g|m7g|m7i|m8g|r5|r6i|r6g|r7g|r7i|r8g)\\.(large|xlarge|2xlarge|4xlarge|8xlarge|12xlarge|16xlarge)$", var.database.instance_class))
    error_message = "database.instance_class must be an RDS for PostgreSQL class such as \"db.t4g.micro\", \"db.m7g.large\" or \"db.r7g.xlarge\" (note the \"db.\" prefix; burstable db.t3/db.t4g micro-2xlarge, db.m*/db.r* from large)."
  }
  validation {
    condition     = !(var.database.performance_insights && can(regex("^db\\.t[34]g?\\.(micro|small)$", var.database.instance_class)))
    error_message = "Performance Insights is not available on db.t3/db.t4g micro and small: use db.t4g.medium or larger, or set database.performance_insights = false."
  }
  validation {
    condition     = var.database.allocated_storage_gb >= 20 && var.database.allocated_storage_gb <= 65536 && var.database.max_allocated_storage_gb >= var.database.allocated_storage_gb
    error_message = "database.allocated_storage_gb must be 20-65536 GiB (gp3), and max_allocated_storage_gb at least that."
  }
  validation {
    condition     = var.database.backup_retention_days >= 1 && var.database.backup_retention_days <= 35
    error_message = "database.backup_retention_days must be 1-35: automated backups stay on."
  }
  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database.db_name)) && can(regex("^[a-z][a-z0-9_]{0,62}$", var.database.username)) && !contains(["postgres", "rdsadmin", "admin"], var.database.username)
    error_message = "database.db_name and database.username must start with a letter and use 1-63 lowercase letters, digits or '_'; the username cannot be a reserved name (postgres, rdsadmin, admin)."
  }
}

variable "log_retention_days" {
  description = "Retention of the database's CloudWatch log groups in days (default 365); one of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "secret_recovery_window_days" {
  description = "Days the database secret stays recoverable after destroy when the module (not RDS) owns it (`manage_master_user_password = false`): 0 or 7-30."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 (delete at once) or 7-30."
  }
}

variable "additional_policies" {
  description = "Extra inline IAM policies (name → JSON document) for the instances' role, e.g. `{ publish-events = <modules/async-messaging's publish_policy_json> }` so the service may publish its events. Default none: the service gets only what it needs for its own data."
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

variable "compute" {
  description = "Create the launch template and the Auto Scaling group with its scaling policies (default true; false only for the local sandbox, which has no EC2 launch templates and no Auto Scaling — the harness runs the app itself)."
  type        = bool
  default     = true
}

variable "db_instance" {
  description = "Create the RDS instance, its subnet group and log groups (default true; false only for the local sandbox, whose RDS returns no DbiResourceId, which the AWS provider keys the instance by — the harness creates the instance through the RDS API instead)."
  type        = bool
  default     = true
}

variable "manage_master_user_password" {
  description = "Let RDS create and rotate the master password in Secrets Manager (default true: the password never appears in the OpenTofu state). False only for the local sandbox, whose RDS has no managed master secret: the module then creates an empty secret of the same shape for the harness to fill, standing in for RDS."
  type        = bool
  default     = true
}

variable "security_group_references" {
  description = "Allow traffic to the instances only from the load balancer's security group, and to the database only from the instances' (default true). False only for the local sandbox, whose EC2 keeps no security-group references in rules: the VPC CIDR block is used instead."
  type        = bool
  default     = true
}

variable "ssm_managed_policy" {
  description = "Attach the AWS managed policy AmazonSSMManagedInstanceCore to the instance role, for Session Manager access without SSH (default true; false only for the local sandbox, whose IAM has no AWS managed policies)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
