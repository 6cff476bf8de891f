# dax-cache against a mocked AWS provider (no emulator offers DAX): encryption at rest and in transit, the port opened
# only to the client security groups, the service role limited to the tables, the SDK URL, and input validation.
mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock-dax" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0dax0000000000001" }
  }
  mock_resource "aws_dax_cluster" {
    defaults = {
      arn             = "arn:aws:dax:us-east-1:123456789012:cache/todos"
      cluster_address = "todos.abc123.dax-clusters.us-east-1.amazonaws.com"
      port            = 9111
    }
  }
}

variables {
  name                      = "todos"
  table_arns                = ["arn:aws:dynamodb:us-east-1:123456789012:table/todos"]
  vpc_id                    = "vpc-0123456789abcdef0"
  subnet_ids                = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]
  client_security_group_ids = ["sg-0c1e0000000000001"]
}

run "encrypted_at_rest_and_in_transit" {
  command = apply

  assert {
    condition     = aws_dax_cluster.this.server_side_encryption[0].enabled
    error_message = "encryption at rest is on"
  }
  assert {
    condition     = aws_dax_cluster.this.cluster_endpoint_encryption_type == "TLS"
    error_message = "clients talk to the cluster over TLS"
  }
  assert {
    condition     = output.endpoint_url == "daxs://todos.abc123.dax-clusters.us-east-1.amazonaws.com:9111"
    error_message = "the SDK URL of a TLS cluster is daxs://<discovery endpoint>:9111, got ${output.endpoint_url}"
  }
}

run "defaults" {
  command = apply

  assert {
    condition     = aws_dax_cluster.this.node_type == "dax.t3.small" && aws_dax_cluster.this.replication_factor == 3
    error_message = "three dax.t3.small nodes by default"
  }
  assert {
    condition     = aws_dax_cluster.this.subnet_group_name == aws_dax_subnet_group.this.name && aws_dax_subnet_group.this.subnet_ids == toset(var.subnet_ids)
    error_message = "nodes in the given subnets"
  }
  assert {
    condition     = { for p in aws_dax_parameter_group.this.parameters : p.name => p.value } == { "record-ttl-millis" = "300000", "query-ttl-millis" = "300000" }
    error_message = "item and query TTLs of 5 minutes"
  }
}

run "port_open_only_to_the_clients" {
  command = apply

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.clients) == 1
    error_message = "one ingress rule per client security group"
  }
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.clients[0].security_group_id == aws_security_group.this.id &&
      aws_vpc_security_group_ingress_rule.clients[0].referenced_security_group_id == "sg-0c1e0000000000001" &&
      aws_vpc_security_group_ingress_rule.clients[0].ip_protocol == "tcp" &&
      aws_vpc_security_group_ingress_rule.clients[0].from_port == 9111 &&
      aws_vpc_security_group_ingress_rule.clients[0].to_port == 9111 &&
      aws_vpc_security_group_ingress_rule.clients[0].cidr_ipv4 == null
    )
    error_message = "only TCP 9111 (TLS), only from the client security group, no CIDR"
  }
  assert {
    condition     = aws_dax_cluster.this.security_group_ids == toset([aws_security_group.this.id]) && output.security_group_id == aws_security_group.this.id
    error_message = "the cluster uses its own security group"
  }
}

run "role_reaches_only_the_tables" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role.dax.assume_role_policy).Statement[0].Principal == { Service = "dax.amazonaws.com" }
    error_message = "only DAX assumes the role"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.dax.policy).Statement == [{
      Effect   = "Allow"
      Action   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
      Resource = ["arn:aws:dynamodb:us-east-1:123456789012:table/todos", "arn:aws:dynamodb:us-east-1:123456789012:table/todos/index/*"]
    }]
    error_message = "DAX may only describe, read, write and query the given tables: ${aws_iam_role_policy.dax.policy}"
  }
  assert {
    condition     = aws_dax_cluster.this.iam_role_arn == aws_iam_role.dax.arn
    error_message = "the cluster uses this role"
  }
}

run "customer_managed_key_is_granted" {
  command = apply

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.dax.policy).Statement[1] == { Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = var.kms_key_arn }
    error_message = "the table's customer-managed key is granted to the role"
  }
}

run "plaintext_endpoint_when_asked" {
  command = apply

  variables {
    endpoint_encryption = "NONE"
  }

  override_resource {
    target = aws_dax_cluster.this
    values = {
      arn             = "arn:aws:dax:us-east-1:123456789012:cache/todos"
      cluster_address = "todos.abc123.dax-clusters.us-east-1.amazonaws.com"
      port            = 8111
    }
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.clients[0].from_port == 8111 && output.endpoint_url == "dax://todos.abc123.dax-clusters.us-east-1.amazonaws.com:8111"
    error_message = "without TLS: port 8111 and dax://"
  }
  assert {
    condition     = aws_dax_cluster.this.server_side_encryption[0].enabled
    error_message = "encryption at rest stays on"
  }
}

run "rejects_replication_factor_zero" {
  command = plan
  variables {
    replication_factor = 0
  }
  expect_failures = [var.replication_factor]
}

run "rejects_replication_factor_eleven" {
  command = plan
  variables {
    replication_factor = 11
  }
  expect_failures = [var.replication_factor]
}

run "rejects_long_cluster_name" {
  command = plan
  variables {
    name = "a-much-too-long-cluster-name"
  }
  expect_failures = [var.name]
}

run "rejects_double_hyphen_name" {
  command = plan
  variables {
    name = "todo--cache"
  }
  expect_failures = [var.name]
}

run "rejects_table_name_instead_of_arn" {
  command = plan
  variables {
    table_arns = ["todos"]
  }
  expect_failures = [var.table_arns]
}

run "rejects_no_client_security_group" {
  command = plan
  variables {
    client_security_group_ids = []
  }
  expect_failures = [var.client_security_group_ids]
}

run "rejects_wildcard_actions" {
  command = plan
  variables {
    dynamodb_actions = ["dynamodb:*"]
  }
  expect_failures = [var.dynamodb_actions]
}
