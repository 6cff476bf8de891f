# MyTodoList (architecture 171): mobile REST API over HTTPS → Lambda → DynamoDB.
# Walking skeleton: the Cognito authorizer, identity-pool S3 folders, DAX and the stage cache come with issue #3.

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
}

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

# The function may read and write todos, nothing else: no Scan, no DeleteTable, no other table.
locals {
  todos_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource = aws_dynamodb_table.todos.arn }],
      var.kms_key_arn == null ? [] : [{ Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = var.kms_key_arn }],
    )
  })
}

module "api" {
  source = "../rest-api-lambda"

  name           = var.name
  description    = "MyTodoList REST API"
  lambda_package = local.lambda_package
  architecture   = var.architecture
  environment    = { TABLE_NAME = aws_dynamodb_table.todos.name }
  policy_json    = local.todos_policy

  routes = [
    { method = "GET", path = "/todos" },
    { method = "POST", path = "/todos" },
    { method = "GET", path = "/todos/{id}" },
  ]

  stage_name                  = var.api.stage_name
  throttling                  = var.api.method_settings ? var.api.throttling : null
  access_logs                 = var.api.access_logs
  manage_account_logging_role = var.api.manage_account_logging_role
  log_retention_days          = var.log_retention_days
  tags                        = var.tags
}
