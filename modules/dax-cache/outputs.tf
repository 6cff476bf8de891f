output "cluster_arn" {
  description = "ARN of the DAX cluster (the resource of `dax:*` permissions)."
  value       = aws_dax_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the DAX cluster."
  value       = aws_dax_cluster.this.cluster_name
}

output "cluster_address" {
  description = "DNS name of the cluster's discovery endpoint, without scheme or port."
  value       = aws_dax_cluster.this.cluster_address
}

output "port" {
  description = "Port clients connect to: 9111 with TLS, 8111 without (known before the cluster exists, e.g. for the clients' egress rules)."
  value       = local.port
}

output "endpoint_url" {
  description = "The URL to give the DAX SDK (e.g. aws-dax-go-v2's `Config.HostPorts`): `daxs://<cluster address>:9111` with TLS, `dax://<cluster address>:8111` without."
  value       = "${local.url_scheme}://${aws_dax_cluster.this.cluster_address}:${local.port}"
}

output "security_group_id" {
  description = "ID of the cluster's security group."
  value       = aws_security_group.this.id
}

output "role_arn" {
  description = "ARN of the cluster's service role."
  value       = aws_iam_role.dax.arn
}
