# Microservices (architecture 173), service B: REST API → Lambda in the VPC's private subnets → ElastiCache
# (Valkey/Redis) read-through cache → DynamoDB items table (the source of truth).
#   - GET /items/{id} answers from the cache (X-Cache: hit) or reads the table and caches the item for
#     cache.ttl_seconds (X-Cache: miss); PUT /items/{id} writes the table, then drops the cached copy;
#   - the cache: a replication group with encryption at rest and in transit (TLS required), RBAC (a user that may only
#     GET/SET/DEL keys under catalog:*, the default user disabled), Multi-AZ with automatic failover, in a subnet group
#     of the private subnets, behind a security group that admits only the function's security group;
#   - the cache user's password is random, never in the OpenTofu state (write-only attributes), and only in Secrets
#     Manager, where the function reads it.

data "refarch_lambda_package" "catalog" {
  count        = var.lambda_package == null ? 1 : 0
  name         = "catalog"
  architecture = var.architecture
}

data "aws_vpc" "this" {
  id = var.vpc.vpc_id
}

locals {
  lambda_package = var.lambda_package != null ? var.lambda_package : {
    filename         = data.refarch_lambda_package.catalog[0].filename
    source_code_hash = data.refarch_lambda_package.catalog[0].source_code_hash
  }

  create_cache    = var.cache_endpoint_override == null
  cache_user_name = "${var.name}-app"
  cache_port      = local.create_cache ? var.cache.port : var.cache_endpoint_override.port
  cache_endpoint  = local.create_cache ? "${aws_elasticache_replication_group.this[0].primary_endpoint_address}:${var.cache.port}" : "${var.cache_endpoint_override.address}:${var.cache_endpoint_override.port}"
  cache_tls       = local.create_cache ? true : var.cache_endpoint_override.tls

  # What the function's cache user may do: GET, SET (with EX) and DEL keys under catalog:*, plus the connection
  # handshake (HELLO, PING). No other command and no other key: lambda-src/internal/catalog.ACLRules is the same
  # string, and its integration test runs the handler against a real server as such a user.
  cache_access_string = "on ~catalog:* -@all +get +set +del +ping +hello"
}

# ---------------------------------------------------------------------------------------------------------------------
# Network: the function's security group; the cache's admits only it
# ---------------------------------------------------------------------------------------------------------------------

# HTTPS (443 only) to any address: the function calls AWS APIs whose addresses are not fixed (DynamoDB, Secrets
# Manager, CloudWatch Logs) through NAT or the VPC's endpoints; narrowing it is the network's job. AWS-0104 accepted.
#trivy:ignore:AWS-0104
resource "aws_security_group" "function" {
  name        = "${var.name}-fn"
  description = "${var.name} catalog function: HTTPS to AWS APIs, the cache port inside the VPC"
  vpc_id      = var.vpc.vpc_id

  egress {
    description = "AWS APIs (DynamoDB, Secrets Manager, CloudWatch Logs) through NAT or VPC endpoints"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  # The VPC's CIDR, not the cache's security group: the cache's group refers to this one, and two groups whose
  # inline rules name each other cannot be created. The cache's group admits only this group anyway.
  egress {
    description = "The cache (its security group admits only this group)"
    from_port   = local.cache_port
    to_port     = local.cache_port
    protocol    = "tcp"
    cidr_blocks = [data.aws_vpc.this.cidr_block]
  }

  tags = var.tags
}

resource "aws_security_group" "cache" {
  count       = local.create_cache ? 1 : 0
  name        = "${var.name}-cache"
  description = "${var.name} cache: only the catalog function may connect"
  vpc_id      = var.vpc.vpc_id

  ingress {
    description     = "The catalog function"
    from_port       = var.cache.port
    to_port         = var.cache.port
    protocol        = "tcp"
    security_groups = [aws_security_group.function.id]
  }

  # No egress: the cache starts no connections.
  egress = []

  tags = var.tags
}

resource "aws_elasticache_subnet_group" "this" {
  count       = local.create_cache ? 1 : 0
  name        = "${var.name}-cache"
  description = "Private subnets of the ${var.name} cache"
  subnet_ids  = var.vpc.subnet_ids
  tags        = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Cache users (RBAC): the function's user, and the default user switched off. Passwords are random and write-only.
# ---------------------------------------------------------------------------------------------------------------------

# Each password is two independent 32-character draws joined (64 letters and digits): `tofu test`'s mocked provider
# returns 10-character strings for ephemeral values, which ElastiCache's 16-character minimum would refuse.
ephemeral "aws_secretsmanager_random_password" "cache_user" {
  count               = local.create_cache ? 2 : 0
  password_length     = 32
  exclude_punctuation = true
}

ephemeral "aws_secretsmanager_random_password" "cache_default_user" {
  count               = local.create_cache ? 2 : 0
  password_length     = 32
  exclude_punctuation = true
}

locals {
  cache_user_password         = join("", ephemeral.aws_secretsmanager_random_password.cache_user[*].random_password)
  cache_default_user_password = join("", ephemeral.aws_secretsmanager_random_password.cache_default_user[*].random_password)
}

resource "aws_elasticache_user" "app" {
  count                = local.create_cache ? 1 : 0
  user_id              = local.cache_user_name
  user_name            = local.cache_user_name
  engine               = var.cache.engine
  access_string        = local.cache_access_string
  passwords_wo         = local.cache_user_password
  passwords_wo_version = var.cache.password_version
  tags                 = var.tags
}

# ElastiCache requires a user named "default" in every user group; this one is off and its password is unknown.
resource "aws_elasticache_user" "default" {
  count                = local.create_cache ? 1 : 0
  user_id              = "${var.name}-default"
  user_name            = "default"
  engine               = var.cache.engine
  access_string        = "off -@all"
  passwords_wo         = local.cache_default_user_password
  passwords_wo_version = 1
  tags                 = var.tags
}

resource "aws_elasticache_user_group" "this" {
  count         = local.create_cache ? 1 : 0
  user_group_id = "${var.name}-users"
  engine        = var.cache.engine
  user_ids      = [aws_elasticache_user.default[0].user_id, aws_elasticache_user.app[0].user_id]
  tags          = var.tags
}

# The function's credentials: JSON {"username", "password"}. The module writes a version only for the cache it
# creates; with cache_endpoint_override, whoever runs that cache puts its credentials here.
resource "aws_secretsmanager_secret" "cache_user" {
  name_prefix             = "${var.name}/cache-user-"
  description             = "Credentials of the ${var.name} catalog function's cache user"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "cache_user" {
  count                    = local.create_cache ? 1 : 0
  secret_id                = aws_secretsmanager_secret.cache_user.id
  secret_string_wo         = jsonencode({ username = local.cache_user_name, password = local.cache_user_password })
  secret_string_wo_version = var.cache.password_version
}

# ---------------------------------------------------------------------------------------------------------------------
# The cache: Valkey/Redis replication group, encrypted at rest and in transit, Multi-AZ with automatic failover
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_elasticache_replication_group" "this" {
  count                = local.create_cache ? 1 : 0
  replication_group_id = "${var.name}-cache"
  description          = "${var.name} catalog read-through cache"

  engine             = var.cache.engine
  engine_version     = var.cache.engine_version
  node_type          = var.cache.node_type
  port               = var.cache.port
  num_cache_clusters = var.cache.num_cache_clusters

  automatic_failover_enabled = var.cache.automatic_failover
  multi_az_enabled           = var.cache.multi_az

  subnet_group_name  = aws_elasticache_subnet_group.this[0].name
  security_group_ids = [aws_security_group.cache[0].id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  user_group_ids             = [aws_elasticache_user_group.this[0].user_group_id]

  auto_minor_version_upgrade = true
  snapshot_retention_limit   = var.cache.snapshot_retention_days
  snapshot_window            = var.cache.snapshot_window
  maintenance_window         = var.cache.maintenance_window
  apply_immediately          = var.cache.apply_immediately

  tags = var.tags

  # The users' passwords are in place before anyone can connect.
  depends_on = [aws_secretsmanager_secret_version.cache_user]
}

# ---------------------------------------------------------------------------------------------------------------------
# Items table (the source of truth): id (S) → name, price_cents, updated_at
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "items" {
  name                        = "${var.name}-items"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "id"
    type = "S"
  }

  dynamic "server_side_encryption" {
    for_each = var.kms_key_arn != null || var.table_encryption == "AWS_MANAGED" ? [1] : []
    content {
      enabled     = true
      kms_key_arn = var.kms_key_arn
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# API and function
# ---------------------------------------------------------------------------------------------------------------------

locals {
  # Read and write one item of the table, read the cache user's secret; nothing else.
  function_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "ReadWriteItems"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem"]
          Resource = aws_dynamodb_table.items.arn
        },
        {
          Sid      = "ReadCacheCredentials"
          Effect   = "Allow"
          Action   = ["secretsmanager:GetSecretValue"]
          Resource = aws_secretsmanager_secret.cache_user.arn
        },
      ],
      var.kms_key_arn == null ? [] : [{ Sid = "DecryptWithKey", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = var.kms_key_arn }],
    )
  })

  environment = {
    ITEMS_TABLE       = aws_dynamodb_table.items.name
    CACHE_ENDPOINT    = local.cache_endpoint
    CACHE_TLS         = tostring(local.cache_tls)
    CACHE_SECRET_ARN  = aws_secretsmanager_secret.cache_user.arn
    CACHE_TTL_SECONDS = tostring(var.cache.ttl_seconds)
  }
}

module "api" {
  source = "../rest-api-lambda"

  name           = var.name
  description    = "Catalog service (read-through cache)"
  lambda_package = local.lambda_package
  architecture   = var.architecture
  memory_size    = var.memory_size
  timeout        = var.timeout
  environment    = local.environment
  policy_json    = local.function_policy

  routes = [
    { method = "GET", path = "/items/{id}" },
    { method = "PUT", path = "/items/{id}" },
  ]

  vpc = var.lambda_in_vpc ? {
    subnet_ids         = var.vpc.subnet_ids
    security_group_ids = concat([aws_security_group.function.id], var.vpc.endpoint_security_group_ids)
  } : null

  stage_name                  = var.api.stage_name
  throttling                  = var.api.method_settings ? var.api.throttling : null
  access_logs                 = var.api.access_logs
  tracing                     = var.api.tracing
  manage_account_logging_role = var.api.manage_account_logging_role
  alarm_topic_arn             = var.alarm_topic_arn
  alarm_treat_missing_data    = var.alarm_treat_missing_data
  log_retention_days          = var.log_retention_days
  tags                        = var.tags
}
