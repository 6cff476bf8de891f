# Deploys MyTodoList. Real AWS: `tofu init && tofu apply`. Local sandbox: `make demo` (the harness adds an override
# file pointing both providers at kumo and turns off what the sandbox lacks through the variables below).
#
# On real AWS the defaults deploy the architecture: Cognito user pool + identity pool, the users' S3 bucket, the API,
# and DAX in a small VPC this example creates (private subnets, no NAT gateway, a DynamoDB gateway endpoint). The
# API Gateway stage cache is opt-in (stage_cache = true). DAX and the stage cache bill per hour: see
# modules/mytodolist/README.md for costs.

terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    refarch = {
      source  = "refarch/refarch"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}

provider "aws" {
  region = var.region

  # Tags on every resource the provider creates, on top of each resource's own (the real-AWS tests put their
  # refarch:test-run tag here; `make sweep-aws` finds leftovers by it).
  default_tags {
    tags = var.default_tags
  }
}

provider "refarch" {
  region = var.region

  # The same tags on what the refarch provider creates that AWS can tag (a signed-URL key pair's secret, a report
  # schedule's IAM role).
  default_tags {
    tags = var.default_tags
  }
}

locals {
  tags = var.tags
}

module "mytodolist" {
  source = "../../modules/mytodolist"

  name                   = var.name
  point_in_time_recovery = var.point_in_time_recovery
  table_encryption       = var.table_encryption
  # An example is disposable: var.deletion_protection (default false) and var.bucket_force_destroy (default true) opt
  # out of the module's data protection, so `destroy` takes the data with it. Set them the other way round to keep it.
  deletion_protection = var.deletion_protection
  api = {
    access_logs     = var.access_logs
    method_settings = var.method_settings
    tracing         = var.tracing
    authorizer      = var.cognito_authorizer
    cache           = { enabled = var.stage_cache }
  }
  auth = {
    id_token_validity_minutes     = var.token_validity_minutes
    access_token_validity_minutes = var.token_validity_minutes
    identity_pool                 = var.identity_pool
    allow_user_password_auth      = var.allow_user_password_auth
    security_settings             = var.cognito_security_settings
  }
  storage = {
    force_destroy      = var.bucket_force_destroy
    ownership_controls = var.bucket_ownership_controls
    lifecycle_rules    = var.bucket_lifecycle_rules
  }
  dax = {
    vpc_id     = one(aws_vpc.dax[*].id)
    subnet_ids = aws_subnet.dax[*].id
  }
  alarm_topic_arn          = var.alarm_topic_arn
  alarm_treat_missing_data = var.alarm_treat_missing_data
  kms_key_rotation         = var.kms_key_rotation
  log_retention_days       = 30
  tags                     = local.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# A VPC for DAX (only with var.dax): one private subnet per AZ, no internet route; the function reaches DynamoDB
# through a gateway endpoint and DAX inside the VPC.
# ---------------------------------------------------------------------------------------------------------------------

data "aws_availability_zones" "available" {
  count = var.dax ? 1 : 0
  state = "available"
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

resource "aws_vpc" "dax" {
  count                = var.dax ? 1 : 0
  cidr_block           = var.vpc_cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = "${var.name}-dax" })
}

# The VPC's default security group allows nothing, so nothing lands in it by accident.
resource "aws_default_security_group" "dax" {
  count  = var.dax ? 1 : 0
  vpc_id = aws_vpc.dax[0].id
  tags   = merge(local.tags, { Name = "${var.name}-default" })
}

resource "aws_subnet" "dax" {
  count             = var.dax ? min(3, length(data.aws_availability_zones.available[0].names)) : 0
  vpc_id            = aws_vpc.dax[0].id
  availability_zone = data.aws_availability_zones.available[0].names[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr_block, 4, count.index)
  tags              = merge(local.tags, { Name = "${var.name}-private-${count.index}" })
}

resource "aws_route_table" "dax" {
  count  = var.dax ? 1 : 0
  vpc_id = aws_vpc.dax[0].id
  tags   = merge(local.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "dax" {
  count          = length(aws_subnet.dax)
  subnet_id      = aws_subnet.dax[count.index].id
  route_table_id = aws_route_table.dax[0].id
}

data "aws_region" "current" {}

resource "aws_vpc_endpoint" "dynamodb" {
  count             = var.dax ? 1 : 0
  vpc_id            = aws_vpc.dax[0].id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.dax[0].id]
  tags              = merge(local.tags, { Name = "${var.name}-dynamodb" })
}
