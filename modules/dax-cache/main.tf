# DynamoDB Accelerator (DAX): an in-memory, write-through cache in front of DynamoDB tables, reachable only inside a
# VPC from the security groups the caller names. Real AWS only: no local emulator offers DAX.

locals {
  tls         = var.endpoint_encryption == "TLS"
  port        = local.tls ? 9111 : 8111
  url_scheme  = local.tls ? "daxs" : "dax"
  table_items = flatten([for arn in var.table_arns : [arn, "${arn}/index/*"]])
}

# ---------------------------------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_dax_subnet_group" "this" {
  name        = var.name
  description = "Subnets of the ${var.name} DAX cluster."
  subnet_ids  = var.subnet_ids
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-dax-"
  description = "DAX cluster ${var.name}: DAX port from the client security groups only."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-dax" })

  # No egress rules: the provider removes AWS's default allow-all egress, and DAX needs none in the VPC.

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  # count, not for_each: the groups are usually created in the same apply, so their IDs are unknown at plan time.
  count                        = length(var.client_security_group_ids)
  security_group_id            = aws_security_group.this.id
  description                  = "DAX ${local.tls ? "TLS " : ""}port from a client security group"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = var.client_security_group_ids[count.index]
  tags                         = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Parameters: how long DAX keeps items (GetItem) and query results (Query/Scan)
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_dax_parameter_group" "this" {
  name        = var.name
  description = "TTLs of the ${var.name} DAX cluster."

  parameters {
    name  = "record-ttl-millis"
    value = tostring(var.item_ttl_seconds * 1000)
  }
  parameters {
    name  = "query-ttl-millis"
    value = tostring(var.query_ttl_seconds * 1000)
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Service role: what DAX may do to the tables on the callers' behalf
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_iam_role" "dax" {
  name        = "${var.name}-dax"
  description = "Lets the ${var.name} DAX cluster read and write its tables."
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "dax.amazonaws.com" } }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "dax" {
  name = "tables"
  role = aws_iam_role.dax.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{ Effect = "Allow", Action = var.dynamodb_actions, Resource = local.table_items }],
      var.kms_key_arn == null ? [] : [{ Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = var.kms_key_arn }],
    )
  })
}

# ---------------------------------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_dax_cluster" "this" {
  cluster_name       = var.name
  description        = "DAX cache ${var.name}"
  iam_role_arn       = aws_iam_role.dax.arn
  node_type          = var.node_type
  replication_factor = var.replication_factor
  availability_zones = var.availability_zones

  subnet_group_name    = aws_dax_subnet_group.this.name
  security_group_ids   = [aws_security_group.this.id]
  parameter_group_name = aws_dax_parameter_group.this.name

  # Encryption at rest (AWS-owned key; DAX offers no customer-managed key) and in transit between client and cluster.
  server_side_encryption {
    enabled = true
  }
  cluster_endpoint_encryption_type = var.endpoint_encryption

  maintenance_window     = var.maintenance_window
  notification_topic_arn = var.notification_topic_arn
  tags                   = var.tags

  # The role must be able to reach the tables before the cluster starts serving.
  depends_on = [aws_iam_role_policy.dax]
}
