variable "region" {
  description = "AWS region of the application (CloudFront itself is global)."
  type        = string
  default     = "eu-west-1"
}

variable "default_tags" {
  description = "Tags the AWS and refarch providers add to every resource they create (their default_tags), e.g. the real-AWS tests' refarch:test-run tag."
  type        = map(string)
  default     = {}
}

variable "name" {
  description = "Name prefix of every resource. 1-24 lowercase letters, digits or hyphens, starting with a letter (the ALB and target group names derive from it)."
  type        = string
  default     = "sw-updates"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,23}$", var.name))
    error_message = "name must be 1-24 lowercase letters, digits or '-', starting with a letter (ALB names are limited to 32 characters)."
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------------------------------

variable "vpc_cidr_block" {
  description = "IPv4 range of the application's VPC (modules/vpc)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "az_count" {
  description = "Availability Zones for the ALB, the instances and the EFS mount targets (2-6)."
  type        = number
  default     = 2
}

variable "nat_gateway" {
  description = "NAT for the instances' package installs: `single` (default), `per_az` or `none` (then the AL2023 repositories are still reachable through the S3 gateway endpoint, but nothing else on the internet)."
  type        = string
  default     = "single"
}

# ---------------------------------------------------------------------------------------------------------------------
# The "existing" application: ALB → Auto Scaling group (nginx) → EFS
# ---------------------------------------------------------------------------------------------------------------------

variable "alb_certificate_arn" {
  description = "ACM certificate (in `region`) for the ALB's HTTPS listener, valid for `origin_domain_name`: CloudFront then reaches the ALB over TLS 1.2. Required unless `allow_plain_http` is true."
  type        = string
  default     = null

  validation {
    condition     = var.alb_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/.+$", var.alb_certificate_arn))
    error_message = "alb_certificate_arn must be an ACM certificate ARN such as \"arn:aws:acm:eu-west-1:123456789012:certificate/…\"."
  }
}

variable "allow_plain_http" {
  description = "Without `alb_certificate_arn`, let the ALB listen on plain HTTP and CloudFront reach it over HTTP (traffic still only from CloudFront's origin-facing addresses, with the secret header — which then travels unencrypted). Default false. True only for a throwaway deployment."
  type        = bool
  default     = false

  validation {
    condition     = var.alb_certificate_arn != null || var.allow_plain_http
    error_message = "Give alb_certificate_arn (with origin_domain_name) so that CloudFront reaches the ALB over HTTPS; to use plain HTTP between CloudFront and the ALB instead (the secret header unencrypted; throwaway deployments only), set allow_plain_http = true."
  }
}

variable "origin_domain_name" {
  description = "DNS name CloudFront uses for the ALB when `alb_certificate_arn` is set (a name in your domain, CNAME/alias to the ALB, covered by the certificate). Null: the ALB's own DNS name."
  type        = string
  default     = null

  validation {
    condition     = var.alb_certificate_arn == null || var.origin_domain_name != null
    error_message = "With alb_certificate_arn, set origin_domain_name to the name the certificate covers (the ALB's *.elb.amazonaws.com name cannot have your certificate)."
  }
}

variable "architecture" {
  description = "CPU architecture of the instances and their Amazon Linux 2023 AMI: `arm64` (default, Graviton) or `x86_64`."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the web servers (default `t4g.small`); must match `architecture` (Graviton types such as t4g, m7g, c7g for arm64)."
  type        = string
  default     = "t4g.small"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.(nano|micro|small|medium|large|metal|[0-9]*xlarge|metal-[0-9]+xl)$", var.instance_type))
    error_message = "instance_type must be an EC2 instance type such as \"t4g.small\" or \"m7g.large\"."
  }
  validation {
    # Graviton families carry a "g" after the generation digit (t4g, m7g, c7gn, r8g) or are a1; x86 families do not (m7i, c6a, t3).
    condition     = !can(regex("^[a-z][a-z0-9-]*\\.", var.instance_type)) || ((can(regex("^[a-z]+[0-9]+[a-z]*g[a-z]*\\.", var.instance_type)) || startswith(var.instance_type, "a1.")) == (var.architecture == "arm64"))
    error_message = "instance_type does not match architecture: use a Graviton type (t4g, m7g, c7g, …) for arm64 or an x86 type (t3, m7i, c6a, …) for x86_64 — EC2 refuses to boot an AMI on the other architecture."
  }
}

variable "root_volume_size" {
  description = "Root EBS volume (gp3, encrypted) in GiB, 8-100 (default 16; the AL2023 AMI needs 8)."
  type        = number
  default     = 16

  validation {
    condition     = var.root_volume_size >= 8 && var.root_volume_size <= 100 && floor(var.root_volume_size) == var.root_volume_size
    error_message = "root_volume_size must be a whole number of GiB from 8 (the AMI's size) to 100."
  }
}

variable "asg" {
  description = "Size of the Auto Scaling group: `min`, `max`, `desired` instances (default 2/4/2, one per AZ at rest)."
  type = object({
    min     = optional(number, 2)
    max     = optional(number, 4)
    desired = optional(number, 2)
  })
  default = {}

  validation {
    condition     = var.asg.min >= 1 && var.asg.min <= var.asg.desired && var.asg.desired <= var.asg.max && var.asg.max <= 20
    error_message = "asg needs 1 <= min <= desired <= max <= 20."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for EFS and the EBS volumes. Null (default): the AWS-managed keys (aws/elasticfilesystem, aws/ebs)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "alb_access_logs" {
  description = "Write the ALB's access logs to a private, encrypted, TLS-only bucket kept 365 days (default true)."
  type        = bool
  default     = true
}

# modules/alb protects the ALB by default; this example, applied and destroyed by the tests, opts out. Set true for
# anything you keep.
variable "deletion_protection" {
  description = "Protect the ALB from deletion (default false here: the example is meant to be destroyed; modules/alb defaults to true)."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------------------------------------------------
# CloudFront (modules/software-updates)
# ---------------------------------------------------------------------------------------------------------------------

variable "manifest_ttl_seconds" {
  description = "How long the edge keeps the manifest (default 60)."
  type        = number
  default     = 60
}

variable "price_class" {
  description = "CloudFront price class (default `PriceClass_All`)."
  type        = string
  default     = "PriceClass_All"
}

variable "web_acl_arn" {
  description = "Optional WAFv2 web ACL (scope CLOUDFRONT) for the distribution."
  type        = string
  default     = null
}

variable "access_logs_force_destroy" {
  description = "Let `destroy` delete the ALB's and CloudFront's log buckets with their logs. Default true: an example is disposable (the module's own default is false; set false to keep the logs)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------------------------
# Sandbox switches (internal/sandbox/profile_softwareupdates.go); real AWS keeps the defaults.
# ---------------------------------------------------------------------------------------------------------------------

variable "autoscaling" {
  description = "Build the launch template and the Auto Scaling group (default true). Off only where the APIs are missing (the local sandbox)."
  type        = bool
  default     = true
}

variable "efs" {
  description = "Build the EFS file system, its mount targets and access point (default true). Off only where the API is missing (the local sandbox); the instances then serve a local directory."
  type        = bool
  default     = true
}

variable "bucket_ownership_controls" {
  description = "Passed to modules/software-updates (default true)."
  type        = bool
  default     = true
}

variable "bucket_lifecycle_rules" {
  description = "Passed to modules/software-updates (default true)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource (through the AWS and refarch providers' default_tags)."
  type        = map(string)
  default     = { "refarch:example" = "software-updates" }
}

variable "alarm_topic_arn" {
  description = "SNS topic for every alarm of the deployment (in `region`); null (default) creates <name>-alarms (output alarm_topic_arn)."
  type        = string
  default     = null
}

variable "alarm_treat_missing_data" {
  description = "Missing-data treatment of the alarms (default notBreaching; the local sandbox's alarms do not keep it and it sets missing)."
  type        = string
  default     = "notBreaching"
}

variable "kms_key_rotation" {
  description = "Rotation of the alarm topic's KMS key (default true; the local sandbox's KMS has no EnableKeyRotation and it sets false)."
  type        = bool
  default     = true
}
