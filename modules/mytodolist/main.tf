# MyTodoList (architecture 171): a mobile app's back end.
#   - REST API over HTTPS (API Gateway) → Lambda → DynamoDB, every route behind a Cognito user-pool authorizer;
#   - a Cognito identity pool whose authenticated role lets each signed-in user read and write only their own folder
#     of an S3 bucket, with temporary STS credentials;
#   - read caching: optionally DAX in front of the table (needs a VPC) and the API Gateway stage cache.

data "refarch_lambda_package" "todos" {
  count        = var.lambda_package == null ? 1 : 0
  name         = "todos"
  architecture = var.architecture
}

locals {
  lambda_package = var.lambda_package != null ? var.lambda_package : {
    filename         = data.refarch_lambda_package.todos[0].filename
    source_code_hash = data.refarch_lambda_package.todos[0].source_code_hash
  }

  # DAX lives in a VPC: it is built when the caller gives subnets for it.
  dax = length(var.dax.subnet_ids) > 0
  # DAX cluster names are at most 20 characters.
  dax_name = trimsuffix(substr(var.name, 0, 20), "-")
}

# ---------------------------------------------------------------------------------------------------------------------
# Users: Cognito user pool (sign-in, API authorizer) and identity pool (temporary AWS credentials for S3)
# ---------------------------------------------------------------------------------------------------------------------

module "auth" {
  source = "../cognito-auth"

  name                          = var.name
  deletion_protection           = var.deletion_protection
  user_pool_tier                = var.auth.user_pool_tier
  threat_protection             = var.auth.threat_protection
  mfa_configuration             = var.auth.mfa_configuration
  email                         = var.auth.email
  allow_user_password_auth      = var.auth.allow_user_password_auth
  security_settings             = var.auth.security_settings
  id_token_validity_minutes     = var.auth.id_token_validity_minutes
  access_token_validity_minutes = var.auth.access_token_validity_minutes
  refresh_token_validity_days   = var.auth.refresh_token_validity_days

  identity_pool               = var.auth.identity_pool
  authenticated_role_policies = local.authenticated_role_policies
  tags                        = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Users' files: one folder per identity, private/<identity id>/, reachable only with that identity's credentials
# ---------------------------------------------------------------------------------------------------------------------

module "storage" {
  source = "../user-storage"

  bucket_prefix                      = "${substr(var.name, 0, 30)}-files-"
  kms_key_arn                        = var.storage.kms_key_arn
  allowed_origins                    = var.storage.allowed_origins
  noncurrent_version_expiration_days = var.storage.noncurrent_version_expiration_days
  force_destroy                      = var.storage.force_destroy
  ownership_controls                 = var.storage.ownership_controls
  lifecycle_rules                    = var.storage.lifecycle_rules
  access_logs_bucket                 = var.storage.access_logs_bucket
  tags                               = var.tags
}

data "refarch_cognito_identity_s3_prefix_policy" "user_files" {
  count      = var.auth.identity_pool ? 1 : 0
  bucket_arn = module.storage.bucket_arn
  prefix     = var.storage.prefix
}

locals {
  authenticated_role_policies = var.auth.identity_pool ? merge(
    { "user-files" = data.refarch_cognito_identity_s3_prefix_policy.user_files[0].json },
    var.storage.kms_key_arn == null ? {} : {
      "user-files-kms" = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = var.storage.kms_key_arn }]
      })
    },
  ) : {}
}

# ---------------------------------------------------------------------------------------------------------------------
# Todos table
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "todos" {
  name                        = "${var.name}-todos"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "owner"
  range_key                   = "id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "owner"
    type = "S"
  }
  attribute {
    name = "id"
    type = "S"
  }

  # DynamoDB always encrypts at rest; this block picks a KMS key (AWS-managed aws/dynamodb or the caller's) instead
  # of the AWS-owned one, so key use shows up in CloudTrail.
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
# DAX (optional): a write-through cache in the caller's VPC; the function joins the VPC to reach it
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_security_group" "function" {
  count       = local.dax ? 1 : 0
  name_prefix = "${var.name}-fn-"
  description = "MyTodoList function ${var.name}: HTTPS out (DynamoDB and other AWS APIs) and the DAX port; nothing in."
  vpc_id      = var.dax.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-fn" })

  lifecycle {
    create_before_destroy = true
  }
}

# HTTPS (443 only) to any address: the function runs in the caller's private subnets and calls AWS endpoints whose
# addresses are not fixed (Cognito's JWKS, DynamoDB through NAT, CloudWatch); narrowing it is the network's job (VPC
# endpoints, NAT egress filtering). Nothing else leaves the group, and nothing comes in.
#trivy:ignore:AWS-0104
resource "aws_vpc_security_group_egress_rule" "function_https" {
  count             = local.dax ? 1 : 0
  security_group_id = aws_security_group.function[0].id
  description       = "HTTPS to AWS APIs (DynamoDB through a gateway endpoint or NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "function_dax" {
  count                        = local.dax ? 1 : 0
  security_group_id            = aws_security_group.function[0].id
  description                  = "DAX (TLS)"
  ip_protocol                  = "tcp"
  from_port                    = module.dax[0].port
  to_port                      = module.dax[0].port
  referenced_security_group_id = module.dax[0].security_group_id
  tags                         = var.tags
}

module "dax" {
  source = "../dax-cache"
  count  = local.dax ? 1 : 0

  name                      = local.dax_name
  table_arns                = [aws_dynamodb_table.todos.arn]
  kms_key_arn               = var.kms_key_arn
  vpc_id                    = var.dax.vpc_id
  subnet_ids                = var.dax.subnet_ids
  client_security_group_ids = [aws_security_group.function[0].id]
  endpoint_encryption       = "TLS"
  node_type                 = var.dax.node_type
  replication_factor        = var.dax.replication_factor
  item_ttl_seconds          = var.dax.item_ttl_seconds
  query_ttl_seconds         = var.dax.query_ttl_seconds
  tags                      = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# API and function
# ---------------------------------------------------------------------------------------------------------------------

# The function may read and write todos, nothing else: no Scan, no DeleteTable, no other table; the same actions on
# the DAX cluster when there is one.
locals {
  todos_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
        Resource = aws_dynamodb_table.todos.arn
      }],
      local.dax ? [{
        Effect   = "Allow"
        Action   = ["dax:GetItem", "dax:PutItem", "dax:UpdateItem", "dax:DeleteItem", "dax:Query"]
        Resource = module.dax[0].cluster_arn
      }] : [],
      var.kms_key_arn == null ? [] : [{ Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = var.kms_key_arn }],
    )
  })

  environment = merge(
    {
      TABLE_NAME          = aws_dynamodb_table.todos.name
      USER_POOL_ID        = module.auth.user_pool_id
      USER_POOL_CLIENT_ID = module.auth.client_id
    },
    local.dax ? { DAX_ENDPOINT = module.dax[0].endpoint_url } : {},
    var.read_cache_ttl_seconds == null ? {} : { READ_CACHE_TTL = tostring(var.read_cache_ttl_seconds) },
  )
}

module "api" {
  source = "../rest-api-lambda"

  name           = var.name
  description    = "MyTodoList REST API"
  lambda_package = local.lambda_package
  architecture   = var.architecture
  environment    = local.environment
  policy_json    = local.todos_policy

  vpc = local.dax ? {
    subnet_ids         = var.dax.subnet_ids
    security_group_ids = [aws_security_group.function[0].id]
  } : null

  # Every route needs a valid ID token of the user pool (Authorization header); the function takes the owner of the
  # todos from the token's claims. api.authorizer = false (the local sandbox only) leaves the routes open.
  cognito_user_pool_arns = var.api.authorizer ? [module.auth.user_pool_arn] : []
  routes = [
    { method = "GET", path = "/todos" },
    { method = "POST", path = "/todos" },
    { method = "GET", path = "/todos/{id}" },
    { method = "PATCH", path = "/todos/{id}" },
    { method = "DELETE", path = "/todos/{id}" },
  ]

  stage_name                  = var.api.stage_name
  throttling                  = var.api.method_settings ? var.api.throttling : null
  cache                       = var.api.cache
  access_logs                 = var.api.access_logs
  tracing                     = var.api.tracing
  manage_account_logging_role = var.api.manage_account_logging_role
  alarm_topic_arn             = local.alarm_topic_arn
  alarm_treat_missing_data    = var.alarm_treat_missing_data
  log_retention_days          = var.log_retention_days
  tags                        = var.tags
}

# ---------------------------------------------------------------------------------------------------------------------
# Alarm topic: every alarm of the deployment notifies it (alarm and OK); alarm_topic_arn brings your own
# ---------------------------------------------------------------------------------------------------------------------

module "alarm_topic" {
  source = "../alarm-topic"
  count  = var.alarm_topic_arn == null ? 1 : 0

  name             = "${var.name}-alarms"
  kms_key_rotation = var.kms_key_rotation
  tags             = var.tags
}

locals {
  alarm_topic_arn = var.alarm_topic_arn != null ? var.alarm_topic_arn : one(module.alarm_topic[*].topic_arn)
}
