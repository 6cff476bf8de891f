variable "name" {
  description = "Name prefix of every resource of this VPC (Name tags, flow-log group and role). 1-40 lowercase letters, digits or hyphens, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.name))
    error_message = "name must be 1-40 lowercase letters, digits or '-', starting with a letter (such as \"shop-prod\")."
  }
}

variable "cidr_block" {
  description = "IPv4 range of the VPC, a network address with a prefix from /16 to /24 (default `10.0.0.0/16`). It is split into 16 equal blocks: public subnets take blocks 0-5, private subnets blocks 8-13, one each per AZ (a /16 gives /20 subnets, a /24 gives /28, the smallest AWS allows)."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && can(regex("^\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+$", var.cidr_block))
    error_message = "cidr_block must be an IPv4 CIDR such as \"10.0.0.0/16\"."
  }
  validation {
    condition     = !can(regex("/\\d+$", var.cidr_block)) || (tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 24)
    error_message = "cidr_block must have a prefix length from /16 to /24: AWS allows no VPC larger than /16, and below /24 the per-AZ subnets would be smaller than the /28 minimum. Use for example \"10.0.0.0/16\" or \"10.20.0.0/22\"."
  }
  validation {
    condition     = !can(cidrhost(var.cidr_block, 0)) || cidrhost(var.cidr_block, 0) == split("/", var.cidr_block)[0]
    error_message = "cidr_block must start at its network address (AWS rejects host bits): write \"10.0.0.0/16\", not \"10.0.1.5/16\"."
  }
}

# Only its validation reads it: the check happens at plan time and nothing is built from it.
# tflint-ignore: terraform_unused_declarations
variable "avoid_cidr_blocks" {
  description = "IPv4 ranges the VPC must not overlap (on-premises networks, peered or Transit-Gateway-attached VPCs): routing between overlapping ranges is impossible. Checked at plan time. Default none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.avoid_cidr_blocks : can(cidrhost(c, 0))])
    error_message = "avoid_cidr_blocks must hold IPv4 CIDRs such as \"192.168.0.0/16\"."
  }
  # Two ranges overlap when their network addresses agree on the shorter of the two prefixes (the larger range holds
  # the other); cidrsubnet(x, 0, 0) is x's network. Written without OpenTofu's cidrcontains, which Terraform lacks.
  validation {
    condition = !can(cidrhost(var.cidr_block, 0)) || alltrue([
      for c in var.avoid_cidr_blocks : !can(cidrhost(c, 0)) || (
        cidrsubnet("${cidrhost(var.cidr_block, 0)}/${min(split("/", var.cidr_block)[1], split("/", c)[1])}", 0, 0) !=
        cidrsubnet("${cidrhost(c, 0)}/${min(split("/", var.cidr_block)[1], split("/", c)[1])}", 0, 0)
      )
    ])
    error_message = "cidr_block overlaps one of avoid_cidr_blocks; pick a range that does not intersect them (for example another 10.x.0.0/16)."
  }
}

variable "az_count" {
  description = "Number of Availability Zones to spread the subnets over, 2-6 (default 2). Ignored as a source of zone names when `availability_zones` is set, but must then equal its length."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 2 to 6: fewer than 2 AZs leaves no redundancy (and an ALB or RDS subnet group needs subnets in at least two AZs); more than 6 does not fit the subnet plan."
  }
}

variable "availability_zones" {
  description = "Zone names to use, such as [\"eu-west-1a\", \"eu-west-1b\"]; null (default) takes the first `az_count` zones the region offers. When set, it must list `az_count` distinct zones."
  type        = list(string)
  default     = null

  validation {
    condition     = var.availability_zones == null || try(length(var.availability_zones) == var.az_count, false)
    error_message = "availability_zones must list exactly az_count zones: set az_count to the list's length (2-6), or leave availability_zones null."
  }
  validation {
    condition     = var.availability_zones == null || try(length(distinct(var.availability_zones)) == length(var.availability_zones), false)
    error_message = "availability_zones must not repeat a zone: each subnet pair needs its own AZ for redundancy."
  }
  validation {
    condition     = var.availability_zones == null || alltrue([for z in coalesce(var.availability_zones, []) : can(regex("^[a-z]{2}(-[a-z]+)+-\\d[a-z]$", z))])
    error_message = "availability_zones must be zone names such as \"eu-west-1a\" (not zone IDs such as \"euw1-az1\")."
  }
}

variable "nat_gateway" {
  description = "Outbound internet for the private subnets: `none` (no NAT; reach AWS only through endpoints), `single` (default: one NAT gateway in the first public subnet, cheapest, one AZ's failure cuts egress) or `per_az` (one per AZ, highly available)."
  type        = string
  default     = "single"

  validation {
    condition     = contains(["none", "single", "per_az"], var.nat_gateway)
    error_message = "nat_gateway must be \"none\", \"single\" or \"per_az\"."
  }
}

variable "gateway_endpoints" {
  description = "Gateway VPC endpoints attached to every private route table (free of charge, so cheaper than sending the traffic through NAT): any of `s3`, `dynamodb`. Default both."
  type        = list(string)
  default     = ["s3", "dynamodb"]

  validation {
    condition     = alltrue([for s in var.gateway_endpoints : contains(["s3", "dynamodb"], s)])
    error_message = "gateway_endpoints may only contain \"s3\" and \"dynamodb\" (the only gateway endpoints AWS offers); put other services in interface_endpoints."
  }
  validation {
    condition     = length(distinct(var.gateway_endpoints)) == length(var.gateway_endpoints)
    error_message = "gateway_endpoints must not list a service twice."
  }
}

variable "interface_endpoints" {
  description = "Interface VPC endpoints (PrivateLink, private DNS on) in every private subnet, by service short name such as `secretsmanager`, `logs`, `ecr.api`, `ecr.dkr`, `sqs`, `sts`. Each costs about $7.30 per AZ-month plus $0.01/GB, so they pay off against NAT ($0.045/GB processed) at high volume or when `nat_gateway = \"none\"`. Default none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.interface_endpoints : can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", s))])
    error_message = "interface_endpoints entries must be service short names such as \"secretsmanager\" or \"ecr.dkr\" (without the \"com.amazonaws.<region>.\" prefix)."
  }
  validation {
    condition     = alltrue([for s in var.interface_endpoints : !contains(["s3", "dynamodb"], s)])
    error_message = "s3 and dynamodb belong in gateway_endpoints (free) rather than interface_endpoints (billed per hour and GB)."
  }
  validation {
    condition     = length(distinct(var.interface_endpoints)) == length(var.interface_endpoints)
    error_message = "interface_endpoints must not list a service twice."
  }
}

variable "flow_logs" {
  description = "Record the VPC's accepted and rejected traffic (VPC Flow Logs) into a CloudWatch Logs group (default true)."
  type        = bool
  default     = true
}

variable "flow_logs_retention_days" {
  description = "Days the flow-log group keeps records (default 365). One of the values CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_logs_retention_days)
    error_message = "flow_logs_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the flow-log group. Null (default): CloudWatch Logs' own encryption. The key policy must let `logs.<region>.amazonaws.com` use it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN such as \"arn:aws:kms:eu-west-1:123456789012:key/…\"."
  }
}

variable "tags" {
  description = "Tags added to every resource (default none)."
  type        = map(string)
  default     = {}
}
