# A VPC with one public and one private subnet per Availability Zone, NAT egress as configured, and VPC endpoints
# where they are cheaper than NAT (gateway endpoints for S3 and DynamoDB are free). The default security group is
# emptied so nothing lands in an open group by accident, and flow logs go to CloudWatch Logs.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {
  count = var.flow_logs ? 1 : 0
}

data "aws_availability_zones" "available" {
  count = var.availability_zones == null ? 1 : 0
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  region    = data.aws_region.current.region
  zones_all = var.availability_zones != null ? var.availability_zones : data.aws_availability_zones.available[0].names
  azs       = slice(local.zones_all, 0, min(var.az_count, length(local.zones_all)))

  # 16 equal blocks: public subnets take 0-5, private subnets 8-13 (room left for growth in 6-7 and 14-15).
  public_cidrs  = [for i in range(length(local.azs)) : cidrsubnet(var.cidr_block, 4, i)]
  private_cidrs = [for i in range(length(local.azs)) : cidrsubnet(var.cidr_block, 4, 8 + i)]

  nat_count = var.nat_gateway == "none" ? 0 : (var.nat_gateway == "single" ? 1 : length(local.azs))

  tags = merge(var.tags, { "refarch:module" = "vpc" })
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true # private DNS of interface endpoints needs both

  tags = merge(local.tags, { Name = var.name })

  lifecycle {
    precondition {
      condition     = length(local.azs) == var.az_count
      error_message = "The region offers only ${length(local.zones_all)} Availability Zones to this account, fewer than az_count = ${var.az_count}; lower az_count or pick another region."
    }
  }
}

# No rules: instances must be given a purpose-built group; the default one allows nothing in or out.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${var.name}-default-deny" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  count = length(local.azs)

  vpc_id                  = aws_vpc.this.id
  availability_zone       = local.azs[count.index]
  cidr_block              = local.public_cidrs[count.index]
  map_public_ip_on_launch = false # load balancers and NAT gateways get their addresses explicitly

  tags = merge(local.tags, { Name = "${var.name}-public-${local.azs[count.index]}", "refarch:tier" = "public" })
}

resource "aws_subnet" "private" {
  count = length(local.azs)

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = local.private_cidrs[count.index]

  tags = merge(local.tags, { Name = "${var.name}-private-${local.azs[count.index]}", "refarch:tier" = "private" })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = length(local.azs)

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# One private route table per AZ whatever the NAT mode, so switching nat_gateway only adds or removes routes.
resource "aws_route_table" "private" {
  count = length(local.azs)

  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${var.name}-private-${local.azs[count.index]}" })
}

resource "aws_route_table_association" "private" {
  count = length(local.azs)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

resource "aws_eip" "nat" {
  count = local.nat_count

  domain = "vpc"
  tags   = merge(local.tags, { Name = "${var.name}-nat-${local.azs[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
  tags          = merge(local.tags, { Name = "${var.name}-${local.azs[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route" "private_nat" {
  count = local.nat_count > 0 ? length(local.azs) : 0

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  # per_az: each AZ leaves through its own NAT gateway; single: everyone shares the first.
  nat_gateway_id = aws_nat_gateway.this[var.nat_gateway == "per_az" ? count.index : 0].id
}

# ---------------------------------------------------------------------------------------------------------------
# VPC endpoints
# ---------------------------------------------------------------------------------------------------------------

resource "aws_vpc_endpoint" "gateway" {
  for_each = toset(var.gateway_endpoints)

  vpc_id            = aws_vpc.this.id
  vpc_endpoint_type = "Gateway"
  service_name      = "com.amazonaws.${local.region}.${each.value}"
  route_table_ids   = aws_route_table.private[*].id

  tags = merge(local.tags, { Name = "${var.name}-${each.value}" })
}

resource "aws_security_group" "endpoints" {
  count = length(var.interface_endpoints) > 0 ? 1 : 0

  name_prefix = "${var.name}-endpoints-"
  description = "HTTPS from inside ${var.name} to its interface VPC endpoints"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.tags, { Name = "${var.name}-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  count = length(var.interface_endpoints) > 0 ? 1 : 0

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = aws_vpc.this.cidr_block
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_endpoints)

  vpc_id              = aws_vpc.this.id
  vpc_endpoint_type   = "Interface"
  service_name        = "com.amazonaws.${local.region}.${each.value}"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true

  tags = merge(local.tags, { Name = "${var.name}-${each.value}" })
}

# ---------------------------------------------------------------------------------------------------------------
# Flow logs
# ---------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow_logs" {
  count = var.flow_logs ? 1 : 0

  name              = "/aws/vpc/${var.name}/flow-logs"
  retention_in_days = var.flow_logs_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags
}

resource "aws_iam_role" "flow_logs" {
  count = var.flow_logs ? 1 : 0

  name_prefix = "${substr(var.name, 0, 28)}-flowlogs-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      # Confused-deputy guard: only this account's flow logs may assume the role.
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current[0].account_id } }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  count = var.flow_logs ? 1 : 0

  name = "write-flow-logs"
  role = aws_iam_role.flow_logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteFlowLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "${aws_cloudwatch_log_group.flow_logs[0].arn}:*"
    }]
  })
}

resource "aws_flow_log" "this" {
  count = var.flow_logs ? 1 : 0

  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_logs[0].arn
  iam_role_arn             = aws_iam_role.flow_logs[0].arn
  max_aggregation_interval = 60
  tags                     = merge(local.tags, { Name = var.name })
}
