output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (route to the internet gateway), one per AZ in `availability_zones` order: for load balancers and NAT gateways."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (no public route in; egress through NAT if `nat_gateway` is not `none`), one per AZ in `availability_zones` order: for instances, tasks, databases, Lambda functions."
  value       = aws_subnet.private[*].id
}

output "public_subnet_cidr_blocks" {
  description = "IPv4 ranges of the public subnets, in `availability_zones` order."
  value       = aws_subnet.public[*].cidr_block
}

output "private_subnet_cidr_blocks" {
  description = "IPv4 ranges of the private subnets, in `availability_zones` order."
  value       = aws_subnet.private[*].cidr_block
}

output "private_route_table_ids" {
  description = "Route tables of the private subnets, one per AZ (the gateway endpoints are attached to all of them)."
  value       = aws_route_table.private[*].id
}

output "public_route_table_id" {
  description = "Route table shared by the public subnets."
  value       = aws_route_table.public.id
}

output "nat_gateway_ids" {
  description = "NAT gateways: none, one, or one per AZ according to `nat_gateway`."
  value       = aws_nat_gateway.this[*].id
}

output "endpoint_security_group_id" {
  description = "Security group of the interface endpoints (allows HTTPS from the VPC CIDR); null when there are no interface endpoints."
  value       = length(aws_security_group.endpoints) > 0 ? aws_security_group.endpoints[0].id : null
}

output "gateway_endpoint_ids" {
  description = "Gateway endpoint IDs by service short name (`s3`, `dynamodb`)."
  value       = { for k, e in aws_vpc_endpoint.gateway : k => e.id }
}

output "interface_endpoint_ids" {
  description = "Interface endpoint IDs by service short name."
  value       = { for k, e in aws_vpc_endpoint.interface : k => e.id }
}

output "availability_zones" {
  description = "The AZs the subnets are in, in subnet order."
  value       = local.azs
}

output "flow_log_group_name" {
  description = "CloudWatch Logs group receiving the VPC flow logs; null when `flow_logs` is false."
  value       = var.flow_logs ? aws_cloudwatch_log_group.flow_logs[0].name : null
}
