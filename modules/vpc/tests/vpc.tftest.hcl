# The shared VPC against a mocked provider: one public and one private subnet per AZ in non-overlapping blocks,
# the three NAT modes, gateway endpoints on every private route table, interface endpoints behind their own
# security group, flow logs, and the input validation (CIDR, AZ count, endpoint names).
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
  }
  mock_resource "aws_vpc" {
    defaults = { id = "vpc-0123456789abcdef0" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc/app/flow-logs" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/app-flowlogs-mock" }
  }
}

variables {
  name = "app"
}

run "defaults" {
  command = apply

  assert {
    condition     = aws_vpc.this.cidr_block == "10.0.0.0/16" && aws_vpc.this.enable_dns_support && aws_vpc.this.enable_dns_hostnames
    error_message = "default 10.0.0.0/16 VPC with DNS support and hostnames (needed for private DNS of endpoints)"
  }
  assert {
    condition     = output.availability_zones == tolist(["eu-west-1a", "eu-west-1b"])
    error_message = "az_count 2 takes the region's first two zones"
  }
  assert {
    condition     = tolist(aws_subnet.public[*].cidr_block) == tolist(["10.0.0.0/20", "10.0.16.0/20"]) && tolist(aws_subnet.private[*].cidr_block) == tolist(["10.0.128.0/20", "10.0.144.0/20"])
    error_message = "public subnets in blocks 0.., private in blocks 8.. of 16"
  }
  assert {
    condition     = tolist(aws_subnet.public[*].availability_zone) == tolist(["eu-west-1a", "eu-west-1b"]) && tolist(aws_subnet.private[*].availability_zone) == tolist(["eu-west-1a", "eu-west-1b"])
    error_message = "one public and one private subnet per AZ"
  }
  assert {
    condition     = alltrue([for s in aws_subnet.public : !s.map_public_ip_on_launch])
    error_message = "public subnets must not hand out public IPs implicitly"
  }
  assert {
    condition     = aws_route.public_internet.destination_cidr_block == "0.0.0.0/0" && aws_route.public_internet.gateway_id == aws_internet_gateway.this.id
    error_message = "public subnets route to the internet gateway"
  }
  assert {
    condition     = length(aws_route_table.private) == 2 && length(aws_route_table_association.private) == 2
    error_message = "one private route table per AZ"
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1 && aws_nat_gateway.this[0].subnet_id == aws_subnet.public[0].id
    error_message = "nat_gateway single: one NAT gateway in the first public subnet"
  }
  assert {
    condition     = length(aws_route.private_nat) == 2 && alltrue([for r in aws_route.private_nat : r.nat_gateway_id == aws_nat_gateway.this[0].id && r.destination_cidr_block == "0.0.0.0/0"])
    error_message = "every private route table egresses through the single NAT gateway"
  }
  assert {
    condition     = toset(keys(aws_vpc_endpoint.gateway)) == toset(["s3", "dynamodb"]) && aws_vpc_endpoint.gateway["s3"].service_name == "com.amazonaws.eu-west-1.s3" && aws_vpc_endpoint.gateway["dynamodb"].vpc_endpoint_type == "Gateway"
    error_message = "free gateway endpoints for S3 and DynamoDB by default"
  }
  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.gateway : toset(e.route_table_ids) == toset(aws_route_table.private[*].id)])
    error_message = "gateway endpoints are attached to every private route table"
  }
  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && length(aws_security_group.endpoints) == 0 && output.endpoint_security_group_id == null
    error_message = "no interface endpoints (and no endpoint security group) by default"
  }
  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "the default security group allows nothing"
  }
  assert {
    condition     = aws_flow_log.this[0].traffic_type == "ALL" && aws_flow_log.this[0].log_destination_type == "cloud-watch-logs" && aws_flow_log.this[0].log_destination == aws_cloudwatch_log_group.flow_logs[0].arn && aws_flow_log.this[0].vpc_id == aws_vpc.this.id
    error_message = "flow logs of all traffic go to the module's log group"
  }
  assert {
    condition     = aws_cloudwatch_log_group.flow_logs[0].retention_in_days == 365 && aws_cloudwatch_log_group.flow_logs[0].name == "/aws/vpc/app/flow-logs"
    error_message = "flow logs are kept 365 days by default"
  }
  assert {
    condition = jsondecode(aws_iam_role.flow_logs[0].assume_role_policy).Statement[0] == {
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }
    error_message = "only this account's VPC flow logs service may assume the delivery role"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.flow_logs[0].policy).Statement == [{
      Sid      = "WriteFlowLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc/app/flow-logs:*"
    }]
    error_message = "the delivery role may write to the flow-log group only"
  }
  assert {
    condition     = length(output.public_subnet_ids) == 2 && length(output.private_subnet_ids) == 2 && length(output.private_route_table_ids) == 2 && output.vpc_cidr_block == "10.0.0.0/16"
    error_message = "outputs per AZ"
  }
}

run "per_az_nat_three_zones_small_cidr" {
  command = apply

  variables {
    cidr_block  = "10.20.0.0/24"
    az_count    = 3
    nat_gateway = "per_az"
  }

  assert {
    condition     = output.availability_zones == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1c"]) && length(aws_subnet.private) == 3
    error_message = "three AZs, three subnet pairs"
  }
  assert {
    condition     = tolist(aws_subnet.public[*].cidr_block) == tolist(["10.20.0.0/28", "10.20.0.16/28", "10.20.0.32/28"]) && tolist(aws_subnet.private[*].cidr_block) == tolist(["10.20.0.128/28", "10.20.0.144/28", "10.20.0.160/28"])
    error_message = "a /24 is split into /28 subnets (the AWS minimum)"
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 3 && aws_nat_gateway.this[*].subnet_id == aws_subnet.public[*].id
    error_message = "per_az: one NAT gateway in each AZ's public subnet"
  }
  assert {
    condition     = [for r in aws_route.private_nat : r.nat_gateway_id] == aws_nat_gateway.this[*].id && [for r in aws_route.private_nat : r.route_table_id] == aws_route_table.private[*].id
    error_message = "per_az: each AZ's private route table uses its own AZ's NAT gateway"
  }
}

run "no_nat_interface_endpoints_explicit_zones" {
  command = apply

  variables {
    nat_gateway         = "none"
    availability_zones  = ["eu-west-1c", "eu-west-1a"]
    gateway_endpoints   = ["s3"]
    interface_endpoints = ["secretsmanager", "ecr.api", "ecr.dkr", "logs"]
    flow_logs           = false
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 && length(aws_route.private_nat) == 0
    error_message = "nat_gateway none: no NAT, no EIP, no default route in private route tables"
  }
  assert {
    condition     = tolist(aws_subnet.private[*].availability_zone) == tolist(["eu-west-1c", "eu-west-1a"]) && output.availability_zones == tolist(["eu-west-1c", "eu-west-1a"])
    error_message = "explicit zones are used in the given order"
  }
  assert {
    condition     = keys(aws_vpc_endpoint.gateway) == ["s3"]
    error_message = "only the requested gateway endpoint"
  }
  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["secretsmanager", "ecr.api", "ecr.dkr", "logs"]) && aws_vpc_endpoint.interface["ecr.dkr"].service_name == "com.amazonaws.eu-west-1.ecr.dkr"
    error_message = "one interface endpoint per requested service"
  }
  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled && e.vpc_endpoint_type == "Interface" && toset(e.subnet_ids) == toset(aws_subnet.private[*].id) && toset(e.security_group_ids) == toset([aws_security_group.endpoints[0].id])])
    error_message = "interface endpoints in every private subnet, private DNS on, behind the endpoint security group"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints_https[0].from_port == 443 && aws_vpc_security_group_ingress_rule.endpoints_https[0].to_port == 443 && aws_vpc_security_group_ingress_rule.endpoints_https[0].cidr_ipv4 == "10.0.0.0/16" && aws_vpc_security_group_ingress_rule.endpoints_https[0].ip_protocol == "tcp"
    error_message = "the endpoint security group admits HTTPS from the VPC only"
  }
  assert {
    condition     = output.endpoint_security_group_id == aws_security_group.endpoints[0].id
    error_message = "endpoint security group output"
  }
  assert {
    condition     = length(aws_flow_log.this) == 0 && length(aws_cloudwatch_log_group.flow_logs) == 0 && length(aws_iam_role.flow_logs) == 0 && output.flow_log_group_name == null
    error_message = "flow_logs false creates no flow-log resources"
  }
}

run "region_with_too_few_zones" {
  command = plan

  override_data {
    target = data.aws_availability_zones.available
    values = { names = ["eu-west-1a", "eu-west-1b"] }
  }

  variables {
    az_count = 3
  }

  expect_failures = [aws_vpc.this]
}

run "too_few_azs" {
  command = plan

  variables {
    az_count = 1
  }

  expect_failures = [var.az_count]
}

run "zones_do_not_match_az_count" {
  command = plan

  variables {
    az_count           = 3
    availability_zones = ["eu-west-1a", "eu-west-1b"]
  }

  expect_failures = [var.availability_zones]
}

run "repeated_zone_and_zone_id" {
  command = plan

  variables {
    availability_zones = ["euw1-az1", "euw1-az1"]
  }

  expect_failures = [var.availability_zones]
}

run "cidr_too_large" {
  command = plan

  variables {
    cidr_block = "10.0.0.0/8"
  }

  expect_failures = [var.cidr_block]
}

run "cidr_too_small" {
  command = plan

  variables {
    cidr_block = "10.0.0.0/26"
  }

  expect_failures = [var.cidr_block]
}

run "cidr_host_bits" {
  command = plan

  variables {
    cidr_block = "10.0.1.5/16"
  }

  expect_failures = [var.cidr_block]
}

run "cidr_not_a_cidr" {
  command = plan

  variables {
    cidr_block = "10.0.0.0"
  }

  expect_failures = [var.cidr_block]
}

run "cidr_overlaps_peer" {
  command = plan

  variables {
    cidr_block        = "10.1.0.0/16"
    avoid_cidr_blocks = ["192.168.0.0/16", "10.0.0.0/8"]
  }

  expect_failures = [var.avoid_cidr_blocks]
}

run "peer_inside_cidr" {
  command = plan

  variables {
    cidr_block        = "10.1.0.0/16"
    avoid_cidr_blocks = ["172.16.0.0/12", "10.1.200.0/24"]
  }

  expect_failures = [var.avoid_cidr_blocks]
}

run "cidr_next_to_peer_is_fine" {
  command = plan

  variables {
    cidr_block        = "10.1.0.0/16"
    avoid_cidr_blocks = ["10.0.0.0/16", "10.2.0.0/16"]
  }
}

run "bad_nat_mode" {
  command = plan

  variables {
    nat_gateway = "multi"
  }

  expect_failures = [var.nat_gateway]
}

run "bad_gateway_endpoint" {
  command = plan

  variables {
    gateway_endpoints = ["s3", "sqs"]
  }

  expect_failures = [var.gateway_endpoints]
}

run "s3_as_interface_endpoint" {
  command = plan

  variables {
    interface_endpoints = ["s3"]
  }

  expect_failures = [var.interface_endpoints]
}

run "full_service_name_as_interface_endpoint" {
  command = plan

  variables {
    interface_endpoints = ["com.amazonaws.eu-west-1.sqs "]
  }

  expect_failures = [var.interface_endpoints]
}

run "bad_retention" {
  command = plan

  variables {
    flow_logs_retention_days = 100
  }

  expect_failures = [var.flow_logs_retention_days]
}

run "bad_name" {
  command = plan

  variables {
    name = "My_VPC"
  }

  expect_failures = [var.name]
}
