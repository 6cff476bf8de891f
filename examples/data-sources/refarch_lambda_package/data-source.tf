# The Go Lambda package "todos", compiled into the provider binary, written to
# .terraform/refarch/lambda/ in the directory tofu runs in.
data "refarch_lambda_package" "todos" {
  name         = "todos"
  architecture = "arm64" # or "x86_64"
}

resource "aws_lambda_function" "todos" {
  function_name    = "todos"
  role             = aws_iam_role.todos.arn
  filename         = data.refarch_lambda_package.todos.filename
  source_code_hash = data.refarch_lambda_package.todos.source_code_hash
  handler          = data.refarch_lambda_package.todos.handler
  runtime          = data.refarch_lambda_package.todos.runtime
  architectures    = [data.refarch_lambda_package.todos.architecture]
}
