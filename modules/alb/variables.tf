variable "name" {
  description = "Name prefix: the load balancer is `<name>-alb`, the target group `<name>-tg` (unless `target.name`), the security group `<name>-alb-…`. 1-28 lowercase letters, digits or hyphens, starting with a letter (load balancer names are limited to 32 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,27}$", var.name))
    error_message = "name must be 1-28 lowercase letters, digits or '-', starting with a letter (\"<name>-alb\" must fit the load balancer's 32 characters)."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC: the load balancer may reach its targets (on `target.port`) only inside it."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr_block))
    error_message = "vpc_cidr_block must be an IPv4 CIDR block such as \"10.0.0.0/16\"."
  }
}

variable "subnet_ids" {
  description = "Subnets of the load balancer, in at least two Availability Zones: public subnets for an internet-facing one, private ones with `internal = true`."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "An Application Load Balancer needs subnets in at least two Availability Zones: pass two or more subnet_ids."
  }
}

variable "internal" {
  description = "Make the load balancer internal (reachable only inside the VPC). Default false: internet-facing."
  type        = bool
  default     = false
}

variable "ingress_cidr_blocks" {
  description = "Client address ranges the load balancer accepts on its listener ports (default the internet). Empty with `ingress_prefix_list_ids` to admit only those."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.ingress_cidr_blocks : can(cidrnetmask(c))])
    error_message = "ingress_cidr_blocks must be IPv4 CIDR blocks such as \"203.0.113.0/24\"."
  }
}

variable "ingress_prefix_list_ids" {
  description = "Managed prefix lists the load balancer accepts on its serving port only (443 with a certificate, else 80), such as CloudFront's origin-facing list `com.amazonaws.global.cloudfront.origin-facing` for a CloudFront-only origin. A prefix list counts as its maximum number of entries against the security group's rule quota, hence one port. Default none."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.ingress_cidr_blocks) + length(var.ingress_prefix_list_ids) > 0
    error_message = "The load balancer would admit no one: give ingress_cidr_blocks or ingress_prefix_list_ids."
  }
}

variable "certificate_arn" {
  description = "ACM certificate (in the load balancer's region) for the HTTPS listener on 443; port 80 then only redirects to HTTPS (301). Required unless `allow_plain_http` is true."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>) in the load balancer's region."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener (default `ELBSecurityPolicy-TLS13-1-2-2021-06`: TLS 1.3 with TLS 1.2 fallback). Only policies without TLS 1.0/1.1 are accepted."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-(TLS13-1-[23]-|FS-1-2-|TLS-1-2-)", var.ssl_policy))
    error_message = "ssl_policy must be a TLS 1.2+ policy such as \"ELBSecurityPolicy-TLS13-1-2-2021-06\" (ELBSecurityPolicy-TLS13-1-2-*, -TLS13-1-3-*, -FS-1-2-* or -TLS-1-2-*)."
  }
}

variable "allow_plain_http" {
  description = "Without `certificate_arn`, serve plain HTTP on port 80 (forward to the targets). Default false: a certificate is required. True only where no certificate can exist (a demo, the local sandbox); requests, responses and any secret header then travel unencrypted. With a certificate port 80 always redirects, whatever this says."
  type        = bool
  default     = false

  validation {
    condition     = var.certificate_arn != null || var.allow_plain_http
    error_message = "The load balancer needs certificate_arn (an ACM certificate for its HTTPS listener on 443); to serve plain HTTP on port 80 instead (demos and the local sandbox only), set allow_plain_http = true."
  }
}

variable "target" {
  description = "The target group: `type` (`ip` for Fargate tasks, `instance` for EC2), `port` the targets listen on (HTTP), `health_check_path` (`/healthz`, must answer 200) and `name` (default `<name>-tg`, at most 32 characters)."
  type = object({
    type              = string
    port              = number
    health_check_path = optional(string, "/healthz")
    name              = optional(string)
  })

  validation {
    condition     = contains(["ip", "instance"], var.target.type)
    error_message = "target.type must be \"ip\" or \"instance\"."
  }
  validation {
    condition     = var.target.port >= 1 && var.target.port <= 65535 && floor(var.target.port) == var.target.port
    error_message = "target.port must be a whole number from 1 to 65535."
  }
  validation {
    condition     = startswith(var.target.health_check_path, "/")
    error_message = "target.health_check_path must start with '/'."
  }
  validation {
    condition     = var.target.name == null || can(regex("^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$", var.target.name))
    error_message = "target.name must be 1-32 letters, digits or '-', not starting or ending with '-'."
  }
}

variable "origin_verify_header_name" {
  description = "Forward only requests that carry this header with the value `origin_verify_secret` (such as CloudFront's secret origin header, `origin_verify_header_name` of modules/software-updates); everything else gets 403. Null (default): forward every request."
  type        = string
  default     = null
}

variable "origin_verify_secret" {
  description = "Value the `origin_verify_header_name` header must have (at least 32 characters). Stored in the state like every listener rule."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = (var.origin_verify_header_name == null) == (var.origin_verify_secret == null) && (var.origin_verify_secret == null || try(length(var.origin_verify_secret) >= 32, false))
    error_message = "origin_verify_header_name and origin_verify_secret go together, and the secret needs at least 32 characters."
  }
}

variable "access_logs_bucket" {
  description = "S3 bucket (`bucket`, SSE-S3, with a policy that lets Elastic Load Balancing write) and `prefix` (default `name`) for the access logs. Null (default) turns them off."
  type = object({
    bucket = string
    prefix = optional(string)
  })
  default = null
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion (default true: `destroy` fails until it is set false and applied). False only for disposable deployments such as the examples and the sandbox."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic the load balancer's alarms notify when they fire (alarm) and recover (OK), e.g. the architecture's alarm topic (modules/alarm-topic): 5xx answers from the targets, 5xx answers from the load balancer itself (no healthy target, a target that timed out or reset), unhealthy targets. Null (default): the alarms have no actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "alarm_treat_missing_data" {
  description = "How the alarms treat periods without data (default `notBreaching`: no requests, no errors; no registered targets, none unhealthy). `missing` only for the local sandbox, whose alarms do not keep the setting."
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
