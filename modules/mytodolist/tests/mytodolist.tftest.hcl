# MyTodoList against mocked providers: the real-AWS defaults the sandbox cannot apply (PITR) and least privilege.
mock_provider "aws" {
  # Mocked computed values must still pass the provider's own validation (ARNs are parsed).
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:mock"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:mock/invocations"
    }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = { execution_arn = "arn:aws:execute-api:us-east-1:123456789012:mock" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/mock" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

mock_provider "refarch" {
  mock_data "refarch_lambda_package" {
    defaults = {
      filename         = "todos_arm64.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }
}

run "real_aws_defaults" {
  command = apply

  assert {
    condition     = aws_dynamodb_table.todos.point_in_time_recovery[0].enabled
    error_message = "point-in-time recovery must be on by default"
  }
  assert {
    condition     = aws_dynamodb_table.todos.server_side_encryption[0].enabled
    error_message = "the table must be encrypted with a KMS key (aws/dynamodb) by default"
  }
  assert {
    condition     = aws_dynamodb_table.todos.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.todos.hash_key == "owner" && aws_dynamodb_table.todos.range_key == "id"
    error_message = "on-demand table keyed by owner and id"
  }
  assert {
    condition     = module.api.function_name == "mytodolist"
    error_message = "function named after the deployment"
  }
}

run "function_gets_only_what_it_uses" {
  command = apply

  assert {
    condition = jsondecode(local.todos_policy).Statement == [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = aws_dynamodb_table.todos.arn
    }]
    error_message = "the function may only get, put and query the todos table: ${local.todos_policy}"
  }
}

run "local_profile_switches_off_pitr_only" {
  command = apply

  variables {
    point_in_time_recovery = false
  }

  assert {
    condition     = !aws_dynamodb_table.todos.point_in_time_recovery[0].enabled && aws_dynamodb_table.todos.server_side_encryption[0].enabled
    error_message = "turning PITR off must not change the table's KMS encryption"
  }
}

run "aws_owned_key_needs_no_kms_block" {
  command = apply

  variables {
    table_encryption = "AWS_OWNED"
  }

  assert {
    condition     = length(aws_dynamodb_table.todos.server_side_encryption) == 0 && length(jsondecode(local.todos_policy).Statement) == 1
    error_message = "AWS_OWNED uses DynamoDB's own key: no KMS block, no KMS grant"
  }
}

run "customer_managed_key_is_granted" {
  command = apply

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_dynamodb_table.todos.server_side_encryption[0].kms_key_arn == var.kms_key_arn && length(jsondecode(local.todos_policy).Statement) == 2
    error_message = "a customer-managed key is used for the table and granted to the function"
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "My_Todos"
  }
  expect_failures = [var.name]
}
